/**
 * The path a user takes: `npm run policy-check` (dev/policy-check.js). Given files (--input, --stacks) are judged
 * without building the app, so an app that does not synthesize never blocks judging an unrelated plan, and --help
 * and --version answer without a synthesis; with no input the app is synthesized (into CDKTF_OUTDIR when set) and
 * judged. The app is broken here by an invalid CREDEX_IMAGE_TAG (main.ts exits 2 naming it), never by editing it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';
import { staleStacksNote } from '../../policies/cli';

const root = repoRoot();
const plan = path.join(__dirname, 'fixtures', 'terraform', 'compliant-plan.json');
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'credex-npm-path-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `npm run -s policy-check -- args` from the repository root, synthesizing (if at all) into `outdir`. */
function npmPolicyCheck(args: string[], outdir: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('npm', ['run', '-s', 'policy-check', '--', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const broken = { CREDEX_IMAGE_TAG: 'not a tag!' };

describe('npm run policy-check', () => {
  test('--input judges the file without synthesizing: a broken app does not block it', () => {
    const out = path.join(scratch, 'input');
    const r = npmPolicyCheck(['--input', plan, '--format', 'json'], out, broken);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary.documents).toEqual([expect.objectContaining({ document: plan })]);
    expect(readdirSync(scratch)).not.toContain('input'); // nothing was synthesized
  });

  test('--stacks, --help and --version do not synthesize either', () => {
    const stacks = path.join(scratch, 'given');
    mkdirSync(path.join(stacks, 'stacks', 'staging'), { recursive: true });
    writeFileSync(path.join(stacks, 'stacks', 'staging', 'cdk.tf.json'), JSON.stringify({ resource: {} }));
    const out = path.join(scratch, 'not-written');
    expect(npmPolicyCheck(['--stacks', stacks], out, broken).code).toBe(0);
    const help = npmPolicyCheck(['--help'], out, broken);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run -s policy-check/);
    expect(npmPolicyCheck(['--version'], out, broken).stdout).toMatch(/^policy-check \d+\.\d+\.\d+\n$/);
    expect(readdirSync(scratch)).not.toContain('not-written');
  });

  test('without input it synthesizes every stack (into CDKTF_OUTDIR) and judges them', () => {
    const out = path.join(scratch, 'synth');
    const r = npmPolicyCheck(['--format', 'json'], out);
    expect(r.code).toBe(0);
    expect(readdirSync(path.join(out, 'stacks')).sort()).toEqual(['global', 'production', 'staging']);
    const report = JSON.parse(r.stdout);
    expect(report.summary.documents.map((d: { document: string }) => d.document).sort()).toEqual([
      'global',
      'production',
      'staging',
    ]);
  });

  test('without input, a broken app is the synthesis error, one line, exit 2', () => {
    const r = npmPolicyCheck([], path.join(scratch, 'broken'), broken);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^synth: .*imageTag "not a tag!"/)]);
  });
});

describe('the gate run directly on cdktf.out/', () => {
  test('says in one line when a source of the app changed after the synthesis', () => {
    const app = path.join(scratch, 'app');
    const stack = path.join(app, 'cdktf.out', 'stacks', 'staging', 'cdk.tf.json');
    mkdirSync(path.dirname(stack), { recursive: true });
    mkdirSync(path.join(app, 'constructs'), { recursive: true });
    writeFileSync(path.join(app, 'constructs', 'network.ts'), '');
    writeFileSync(stack, '{}');
    const documents = [{ label: 'staging', file: stack, doc: {} }];
    utimesSync(path.join(app, 'constructs', 'network.ts'), new Date(1_000_000), new Date(1_000_000));
    expect(staleStacksNote(documents, app)).toBeUndefined();
    utimesSync(path.join(app, 'constructs', 'network.ts'), new Date(), new Date(Date.now() + 60_000));
    expect(staleStacksNote(documents, app)).toBe(
      'policy-check: cdktf.out/ is older than constructs/network.ts: judging the stacks as last synthesized ' +
        '(npm run policy-check synthesizes first)',
    );
  });
});
