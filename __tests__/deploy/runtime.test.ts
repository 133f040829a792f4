/**
 * The runtime the project pins (issue 20 item 7): the committed provider lock files agree with what the stacks
 * synthesize and the deploys use them read-only; Node 22 is the floor; the AWS SDK's Node-version advisory is left
 * on; Dependabot keeps actions and npm fresh.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';
import { deploySteps } from '../../verify/deploy-and-verify';
import { defaultOutputsPath } from '../../verify/outputs';
import { bundleForTest } from '../support/bundle';
import { SDK_ADVISES } from '../support/sdk-advisory';
import { synthProject } from '../support/synth';

const root = repoRoot();
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const LOCKS = '.github/workflows/scripts/provider-locks.sh';

interface LockEntry {
  version: string;
  constraints?: string;
  hashes: string[];
}

/** The provider blocks of a .terraform.lock.hcl: address -> version, constraints, hashes. */
function parseLock(text: string): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  for (const block of text.matchAll(/^provider "([^"]+)" \{\n([\s\S]*?)^\}/gm)) {
    const body = block[2];
    out[block[1]] = {
      version: /^\s*version\s*=\s*"([^"]+)"/m.exec(body)?.[1] ?? '',
      constraints: /^\s*constraints\s*=\s*"([^"]+)"/m.exec(body)?.[1],
      hashes: [...body.matchAll(/"((?:h1|zh):[^"]+)"/g)].map((m) => m[1]),
    };
  }
  return out;
}

describe('provider lock files', () => {
  const synth = synthProject();

  test.each(synth.names)('%s: the committed lock holds exactly the providers and versions the stack pins', (stack) => {
    const file = path.join(root, 'terraform', stack, '.terraform.lock.hcl');
    expect(existsSync(file)).toBe(true);
    const lock = parseLock(readFileSync(file, 'utf8'));
    const required = synth.stacks[stack].terraform.required_providers as Record<
      string,
      { source: string; version: string }
    >;
    const expected = Object.fromEntries(
      Object.values(required).map((p) => [
        `registry.terraform.io/${p.source}`,
        { version: p.version, constraints: p.version },
      ]),
    );
    const actual = Object.fromEntries(
      Object.entries(lock).map(([address, e]) => [address, { version: e.version, constraints: e.constraints }]),
    );
    expect(actual).toEqual(expected);
    // Checksums, where present, are Terraform's own schemes only.
    for (const entry of Object.values(lock))
      for (const h of entry.hashes) expect(h).toMatch(/^(h1:[A-Za-z0-9+/]{43}=|zh:[0-9a-f]{64})$/);
  });

  test('no lock file for a stack the app does not synthesize', () => {
    expect(readdirSync(path.join(root, 'terraform')).sort()).toEqual([...synth.names].sort());
  });

  test('the deploy workflow and deploy-and-verify copy the committed lock before init and never change it', () => {
    const deploy = read('.github/workflows/deploy.yml');
    const plan = deploy.slice(deploy.indexOf('- name: Plan once'));
    expect(plan.indexOf(`bash ${LOCKS} use "$STACK" "$STACK_DIR"`)).toBeGreaterThan(0);
    expect(plan.indexOf(`bash ${LOCKS} use`)).toBeLessThan(plan.indexOf('terraform -chdir="$STACK_DIR" init'));
    for (const init of deploy.matchAll(/terraform -chdir=\S+ init[^\n]*/g))
      expect(init[0]).toContain('-lockfile=readonly');

    const steps = deploySteps('staging', defaultOutputsPath('staging'));
    const names = steps.map((s) => s.what);
    expect(names.indexOf('provider lock')).toBe(names.indexOf('terraform init') - 1);
    expect(steps.find((s) => s.what === 'terraform init')!.args).toContain('-lockfile=readonly');
  });

  test('pr-checks compares the committed locks with a fresh `terraform providers lock` for both platforms', () => {
    const checks = read('.github/workflows/pr-checks.yml');
    expect(checks).toContain(`run: bash ${LOCKS} check`);
    expect(read(LOCKS)).toContain('platforms=(-platform=linux_amd64 -platform=darwin_arm64)');
    for (const init of checks.matchAll(/terraform -chdir=\S+ init[^\n]*/g))
      expect(init[0]).toContain('-lockfile=readonly');
  });

  test('provider-locks.sh use: copies the stack lock; an unknown stack is one line, exit 2', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lock-use-'));
    const ok = spawnSync('bash', [LOCKS, 'use', 'staging', dir], { cwd: root, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8')).toBe(
      read('terraform/staging/.terraform.lock.hcl'),
    );
    const bad = spawnSync('bash', [LOCKS, 'use', 'qa', dir], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'provider-locks: no committed lock file terraform/qa/.terraform.lock.hcl: run npm run providers:lock and commit it\n',
    );
  });
});

describe('Node and the AWS SDK', () => {
  test('Node 22 is the floor: package.json engines, its lock, .nvmrc', () => {
    expect(JSON.parse(read('package.json')).engines.node).toBe('>=22');
    expect(JSON.parse(read('package-lock.json')).packages[''].engines.node).toBe('>=22');
    expect(read('.nvmrc').trim()).toBe('22');
  });

  test("nothing switches the SDK's NodeVersionSupportWarning off", () => {
    const r = spawnSync(
      'git',
      ['grep', '-l', 'NODE_VERSION_SUPPORT_WARNING_DISABLED', '--', '.', ':!__tests__/deploy/runtime.test.ts'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(r.stdout).toBe('');
  });

  (SDK_ADVISES ? test : test.skip)(
    'on Node < 22 the bundled verify prints the advisory once it builds an AWS client',
    () => {
      const out = bundleForTest(['verify/cli.ts']);
      const outputs = path.join(out, 'outputs.json');
      writeFileSync(
        outputs,
        JSON.stringify({
          cluster_name: { value: 'c', type: 'string', sensitive: false },
          service_name: { value: 's', type: 'string', sensitive: false },
        }),
      );
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_REGION: 'af-south-1',
      };
      delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
      const r = spawnSync(
        process.execPath,
        [
          path.join(out, 'verify', 'cli.js'),
          '--only',
          'ecs-stable',
          '--outputs',
          outputs,
          '--endpoint-url',
          'http://127.0.0.1:9',
          '--timeout',
          '1',
          '--report-dir',
          path.join(out, 'report'),
        ],
        { cwd: root, encoding: 'utf8', env },
      );
      expect(r.stderr).toContain('NodeVersionSupportWarning');
    },
  );
});

describe('Dependabot', () => {
  const text = read('.github/dependabot.yml');

  test.each(['github-actions', 'npm'])('%s: weekly, grouped, with a cooldown', (ecosystem) => {
    const block = text.slice(text.indexOf(`package-ecosystem: ${ecosystem}`)).split(/\n {2}- package-ecosystem:/)[0];
    expect(block).toMatch(/interval: weekly/);
    expect(block).toMatch(/\n {4}groups:\n/);
    expect(block).toMatch(/default-days: ([7-9]|\d{2})/);
    expect(block).toMatch(/directory: \//);
  });
});
