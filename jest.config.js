/** @type {import('jest').Config} */
module.exports = {
  // Node's environment, plus a YAML parser that stays warm across the test files of a worker.
  testEnvironment: '<rootDir>/tests/support/jest-environment.js',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // esbuild compiles the TypeScript (types are checked by `tsc --noEmit` before jest runs) and the
    // ESM-only kubernetes-models 5.x and two of its dependencies (tests/support/jest-transform.js).
    '^.+\\.ts$': '<rootDir>/tests/support/jest-transform.js',
    '/node_modules/(@kubernetes-models/[^/]+|kubernetes-models|is-cidr|cidr-regex)/.+\\.js$': '<rootDir>/tests/support/jest-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!(@kubernetes-models/[^/]+|kubernetes-models|is-cidr|cidr-regex)/)'],
  resolver: '<rootDir>/tests/support/jest-esm-resolver.js',
  globalSetup: '<rootDir>/tests/support/jest-global-setup.js',
  globalTeardown: '<rootDir>/tests/support/jest-global-teardown.js',
  // Three workers on 2 cores (jest's default would be one): several files spend seconds waiting on a
  // local PostgreSQL server or a guard script's sleep, time a third file's helm runs can use
  // (measured at load 2: jest 115 s with two workers, 83 s with three).
  maxWorkers: 3,
  // Rendering shells out to helm; the default 5 s is too tight on a loaded 2-core machine.
  testTimeout: 60000,
};
