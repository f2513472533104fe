// The suite's test environment: jest's Node environment, plus a YAML stream parser shared by every
// test file of a worker (see yaml-stream.js), which tests/support/helm.ts uses when it is there.
const { TestEnvironment } = require('jest-environment-node');
const { yamlStreamAsJson } = require('./yaml-stream.js');

class SuiteEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__yamlStreamAsJson = yamlStreamAsJson;
  }
}

module.exports = SuiteEnvironment;
