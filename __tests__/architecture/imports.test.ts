/**
 * The one-way flow of docs/architecture.md, checked on the sources: every relative import of a folder resolves
 * only into the folders it may depend on, and nothing downstream of the synthesized JSON builds the app.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';

const root = repoRoot();

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Repository-relative top-level folder (or file) of every relative import in `file`. */
function importTargets(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|require\(|import\()\s*['"](\.\.?\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
}

/** The file without comments, so prose that names dist/main.js is not mistaken for code that runs it. */
function code(file: string): string {
  return readFileSync(path.join(root, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

/** Loading, running or patching the app: dist/main.js, an import of main.ts, buildApp/synthesizeAll, Node.prototype. */
const APP_USE =
  /['"]dist\/main\.js['"]|['"]dist['"],\s*['"]main\.js['"]|['"](?:\.\.?\/)+main['"]|\bbuildApp\(|\bsynthesizeAll\(|Node\.prototype/;

const topOf = (target: string): string => target.split('/')[0].replace(/\.(ts|js)$/, '');

const ALLOWED: Record<string, readonly string[]> = {
  config: ['config', 'contracts'],
  contracts: ['contracts'],
  constructs: ['constructs', 'config', 'contracts'],
  policies: ['policies', 'contracts', 'lib'],
  tools: ['tools', 'config', 'contracts', 'lib'],
  verify: ['verify', 'config', 'contracts', 'lib'],
  functions: ['functions', 'contracts', 'lib'],
  lib: ['lib'],
};

/**
 * The only edges from tools/ into the gate, each for a reason: the tools that judge with the gate's own engine
 * (rather than a second reading of the rules), and the HCL reader of the task definition's JSON.
 */
const TOOLS_INTO_POLICIES: Readonly<Record<string, readonly string[]>> = {
  'tools/bench/policies.ts': ['policies/engine/evaluate', 'policies/engine/normalise'], // times the gate
  'tools/diagram/gate.ts': ['policies/engine/check'], // colours what the gate denies
  'tools/iam/effective.ts': ['policies/engine/evaluate', 'policies/engine/normalise', 'policies/engine/paths'], // the Rego effective-permissions evaluator
  'tools/rehearse/task-environment.ts': ['policies/engine/hcl'], // reads jsonencode() as the gate does
};

describe('one-way flow', () => {
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    test(`${folder}/ imports only from ${allowed.join(', ')}`, () => {
      const files = sources(folder);
      expect(files.length).toBeGreaterThan(0);
      const violations = files.flatMap((file) =>
        importTargets(file)
          .filter((target) => !allowed.includes(topOf(target)))
          .filter((target) => !(TOOLS_INTO_POLICIES[file] ?? []).includes(target.replace(/\.(ts|js)$/, '')))
          .map((target) => `${file} -> ${target}`),
      );
      expect(violations).toEqual([]);
    });
  }

  test('each named edge from tools/ into the gate still exists (a list that only grows hides nothing)', () => {
    for (const [file, targets] of Object.entries(TOOLS_INTO_POLICIES)) {
      expect(importTargets(file).filter((t) => t.startsWith('policies/'))).toEqual(targets);
    }
  });

  test('main.ts imports only config, contracts, constructs, lib and generated/', () => {
    const allowed = ['config', 'contracts', 'constructs', 'lib', 'generated'];
    const bad = importTargets('main.ts').filter((t) => !allowed.includes(topOf(t)));
    expect(bad).toEqual([]);
  });

  test('the gate, the IAM generator and the terraform harness read synthesized files: they never load, run or patch the app', () => {
    // The bench (timing synthesis) and the diagram's --base (synthesizing another checkout) run the app on purpose.
    const judged = [
      ...sources('policies'),
      ...sources('tools/iam'),
      ...sources('tools/ami'),
      ...sources('tools/terraform'),
    ];
    const offenders = judged.filter((file) => APP_USE.test(code(file)));
    expect(offenders).toEqual([]);
  });

  test('the app-use pattern catches each way of building the app', () => {
    for (const line of [
      "createRequire(__filename)(path.join(repoRoot(), 'dist', 'main.js'))",
      "spawnSync(process.execPath, ['dist/main.js'])",
      "import { synthesizeAll } from '../../main';",
      'const app = buildApp({ outdir });',
      'const proto = Node.prototype;',
    ]) {
      expect(APP_USE.test(line)).toBe(true);
    }
    expect(APP_USE.test("readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'))")).toBe(false);
  });

  test('the checker sees a forbidden edge (a construct importing the gate)', () => {
    // Guards the regex above: a line shaped like the old constructs/load-balancer.ts import must be caught.
    const line = "import { waive } from '../policies/waivers';";
    const spec = /from\s*['"](\.\.?\/[^'"]+)['"]/.exec(line)?.[1] ?? '';
    expect(topOf(path.posix.normalize(path.posix.join('constructs', spec)))).toBe('policies');
  });
});
