/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // kubernetes-models 5.x and two of its dependencies are ESM only: compiled to CommonJS for jest (tests/support/jest-esm-*.js).
    '/node_modules/(@kubernetes-models/[^/]+|kubernetes-models|is-cidr|cidr-regex)/.+\\.js$': '<rootDir>/tests/support/jest-esm-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!(@kubernetes-models/[^/]+|kubernetes-models|is-cidr|cidr-regex)/)'],
  resolver: '<rootDir>/tests/support/jest-esm-resolver.js',
  // Rendering shells out to helm; the default 5 s is too tight on a loaded 2-core machine.
  testTimeout: 60000,
};
