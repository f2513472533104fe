/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Rendering shells out to helm; the default 5 s is too tight on a loaded 2-core machine.
  testTimeout: 60000,
};
