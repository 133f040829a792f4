/** Tests import the TypeScript sources directly; type-checking is `npm run typecheck`, not part of the test run. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  globalSetup: '<rootDir>/__tests__/support/global-setup.js',
};
