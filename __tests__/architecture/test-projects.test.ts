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
const { projects } = require('../../jest.config.js') as { projects: Project[] };
const files = (name: string) => projects.find((p) => p.displayName === name)!.testMatch;

/** What starts a server or runs a real tool, as a test file would import it (a name, not a module: app-build also
 * exports a path helper). */
const STARTERS = [
  'sharedMoto',
  'sharedNeo4j',
  'startMoto',
  'startNeo4j',
  'checkNeo4jConf',
  'Terraform',
  'prepareWorkingCopy',
  'runLifecycles',
  'runRehearsal',
  'prepareApp',
  'startApp',
];

/** The starters a file imports. */
function importedStarters(text: string): string[] {
  const names = [...text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from/g)].flatMap((m) =>
    m[1].split(',').map(
      (n) =>
        n
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0],
    ),
  );
  return names.filter((n) => STARTERS.includes(n));
}

describe('jest projects', () => {
  it('every test file is in exactly one project', () => {
    const unit = files('unit');
    const integration = files('integration');
    expect(unit.filter((f) => integration.includes(f))).toEqual([]);
    expect(unit.length).toBeGreaterThan(0);
    expect(integration.length).toBeGreaterThan(0);
  });

  it('no unit test file imports a server starter or a real tool', () => {
    // (this file's own examples below are strings, not imports)
    const offenders = files('unit')
      .filter((file) => file !== __filename)
      .flatMap((file) =>
        importedStarters(readFileSync(file, 'utf8')).map((name) => `${path.relative(process.cwd(), file)}: ${name}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the import check sees a starter however it is imported', () => {
    expect(importedStarters("import { MOTO_CLIENT_CONFIG, sharedMoto } from '../support/shared-servers';")).toEqual([
      'sharedMoto',
    ]);
    expect(importedStarters("import {\n  Terraform as Tf,\n} from '../../../tools/terraform/terraform';")).toEqual([
      'Terraform',
    ]);
    expect(importedStarters("import { resolveAppDir } from '../../tools/rehearse/app-build';")).toEqual([]);
  });
});
