/**
 * Two projects. `unit`: no servers, no real tools; seconds per file. `integration`: the files that start moto, Neo4j,
 * terraform or the real app; its global setup starts one moto and one Neo4j for all of them
 * (__tests__/support/shared-servers.ts). A file belongs to `integration` by what it calls (SERVER_USE below), so a new
 * test lands in the right project without a list to keep. `npm test` runs both; `npx jest --selectProjects unit` one.
 * Tests import the TypeScript sources directly; type-checking is `npm run typecheck`, not part of the test run.
 */
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

/** What only an integration test calls: a server or real tool starter. */
const SERVER_USE =
  /\b(?:(?:sharedMoto|sharedNeo4j|startMoto|startNeo4j|checkNeo4jConf|prepareWorkingCopy|runLifecycles|runRehearsal|prepareApp|startApp)\(|new Terraform\(|'unshare')/;

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(file);
    return entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

const tests = testFiles(path.join(__dirname, '__tests__'));
const integration = tests.filter((file) => SERVER_USE.test(readFileSync(file, 'utf8')));
const unit = tests.filter((file) => !integration.includes(file));

const shared = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: unit,
      globalSetup: '<rootDir>/__tests__/support/global-setup.js',
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: integration,
      globalSetup: '<rootDir>/__tests__/support/integration-setup.ts',
      globalTeardown: '<rootDir>/__tests__/support/integration-teardown.ts',
    },
  ],
};
