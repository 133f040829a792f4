/**
 * jest.config.js splits the tests in two projects by what a file calls. This checks the split from another side, the
 * imports: a file in the unit project imports none of the server starters, and the integration project holds the
 * files that do (so `npx jest --selectProjects unit` runs without moto, Neo4j, terraform or the app).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface Project {
  displayName: string;
  testMatch: string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { projects } = require('../../jest.config.js') as { projects: Project[] };
const files = (name: string) => projects.find((p) => p.displayName === name)!.testMatch;

/** Imports of the modules that start servers or run real tools. */
const SERVER_IMPORT =
  /from '[./]*\/(support\/(moto|neo4j|shared-servers)|tools\/terraform\/(working-copy|terraform|lifecycle)|tools\/rehearse\/(app-build|app-process|rehearsal))'/;

describe('jest projects', () => {
  it('every test file is in exactly one project', () => {
    const unit = files('unit');
    const integration = files('integration');
    expect(unit.filter((f) => integration.includes(f))).toEqual([]);
    expect(unit.length).toBeGreaterThan(0);
    expect(integration.length).toBeGreaterThan(0);
  });

  it('no unit test file imports a server starter or a real tool', () => {
    const offenders = files('unit').filter((file) => SERVER_IMPORT.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => path.relative(process.cwd(), f))).toEqual([]);
  });

  it('the import check sees a server import', () => {
    expect(SERVER_IMPORT.test("import { sharedMoto } from '../support/shared-servers';")).toBe(true);
    expect(SERVER_IMPORT.test("import { Terraform } from '../../../tools/terraform/terraform';")).toBe(true);
    expect(SERVER_IMPORT.test("import { synthProject } from '../support/synth';")).toBe(false);
  });
});
