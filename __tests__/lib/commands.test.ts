/**
 * One convention for every command, checked on the bundles as npm runs them: `--help` (usage, options, examples,
 * exit codes; exit 0), `--version` (the package version; exit 0), an unknown option (exit 2, one line on stderr).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';
import { bundleForTest } from '../support/bundle';

const root = repoRoot();
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;

const COMMANDS: readonly { name: string; entry: string; args?: string[]; codes: string[] }[] = [
  { name: 'policy-check', entry: 'policies/cli.ts', codes: ['0', '1', '2', '130'] },
  { name: 'verify', entry: 'verify/cli.ts', codes: ['0', '1', '2', '130'] },
  { name: 'deploy-and-verify', entry: 'verify/deploy-and-verify.ts', codes: ['0', '1', '2', '130'] },
  { name: 'ami', entry: 'tools/ami/cli.ts', codes: ['0', '1', '2', '3', '4', '10', '11', '130'] },
  { name: 'ami bake', entry: 'tools/ami/cli.ts', args: ['bake'], codes: ['0', '1', '2', '3', '4', '130'] },
  { name: 'ami prune', entry: 'tools/ami/cli.ts', args: ['prune'], codes: ['0', '1', '2', '3', '130'] },
  {
    name: 'ami check-version',
    entry: 'tools/ami/cli.ts',
    args: ['check-version'],
    codes: ['0', '1', '2', '3', '10', '11', '130'],
  },
  { name: 'iam:policy', entry: 'tools/iam/cli.ts', codes: ['0', '1', '2', '130'] },
  { name: 'bench', entry: 'tools/bench/cli.ts', codes: ['0', '1', '2', '130'] },
  { name: 'diagram', entry: 'tools/diagram/cli.ts', codes: ['0', '1', '2', '130'] },
  { name: 'docs:app-contract', entry: 'tools/app-contract/cli.ts', codes: ['0', '1', '2', '130'] },
];

let outdir: string;
beforeAll(() => {
  outdir = bundleForTest([...new Set(COMMANDS.map((c) => c.entry))]);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function run(entry: string, args: string[]) {
  const script = path.join(outdir, entry.replace(/\.ts$/, '.js'));
  const r = spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.each(COMMANDS)('$name', ({ name, entry, args = [], codes }) => {
  test('--help: exit 0, usage, options, examples and every exit code it can return', () => {
    const r = run(entry, [...args, '--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: /);
    for (const heading of ['options:', 'examples:', 'exit codes:']) expect(r.stdout).toContain(`\n${heading}\n`);
    expect(r.stdout).toContain('-h, --help');
    const listed = [...r.stdout.slice(r.stdout.indexOf('exit codes:')).matchAll(/^ {2}(\d+) +\S/gm)].map((m) => m[1]);
    expect(listed).toEqual(codes);
  });

  test('an unknown option: exit 2, one line naming it, nothing on stdout', () => {
    const r = run(entry, [...args, '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${name}: unknown option --no-such-option (see --help)\n`);
  });
});

test.each(COMMANDS.filter((c) => !c.args))('$name --version prints the package version', ({ name, entry }) => {
  expect(run(entry, ['--version'])).toEqual({ code: 0, stdout: `${name} ${version}\n`, stderr: '' });
});
