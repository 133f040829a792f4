/**
 * The rehearsal's command line: without an app, with a missing app folder, with a wrong stack or option, it stops
 * with one line on stderr and exit 2 before anything starts (nothing is built, no server runs).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROTATION_STEPS as FUNCTION_STEPS } from '../../../functions/neo4j-rotation/rotation';
import { ExitCode } from '../../../lib/exit-codes';
import { rehearseArgs, runRehearseCli } from '../../../tools/rehearse/cli';
import { ROTATION_STEPS } from '../../../tools/rehearse/rotation';

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRehearseCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, out, err };
}

const empty = mkdtempSync(path.join(tmpdir(), 'no-app-'));

test.each([
  [
    ['staging', '--app', empty],
    /^rehearse: no credex-core app at .*no-app-.* \(package\.json missing\): give a checkout of Great-Sun-Group\/credex-core with --app DIR or CREDEX_APP_DIR, or put it at \.\.\/shared\/credex-core$/,
  ],
  [
    ['staging', '--app', path.join(empty, 'absent')],
    /^rehearse: no credex-core app at .*absent \(package\.json missing\): give a checkout .* with --app DIR/,
  ],
  [[], /^rehearse: which stack\? e\.g\. npm run rehearse -- staging \(see --help\)$/],
  [['prod'], /^rehearse: unknown stack "prod" \(known: staging, production\) \(see --help\)$/],
  [['staging', 'production'], /^rehearse: one stack at a time, got staging, production \(see --help\)$/],
  [['staging', '--ap', 'x'], /^rehearse: unknown option --ap \(see --help\)$/],
  [['staging', '--app'], /^rehearse: --app needs a value \(see --help\)$/],
])('%j: one line on stderr, exit 2, nothing on stdout', async (argv, line) => {
  const { code, out, err } = await run(argv);
  expect(code).toBe(ExitCode.USAGE);
  expect(err).toHaveLength(1);
  expect(err[0]).toMatch(line);
  expect(out).toEqual([]);
});

test('without --app, CREDEX_APP_DIR names the app; a folder that is not the app is refused in one line', () => {
  expect(() => rehearseArgs({}, ['staging'], { CREDEX_APP_DIR: empty })).toThrow(
    /^no credex-core app at .*no-app-.* \(package\.json missing\): give a checkout/,
  );
});

test('a missing synthesized stack is an input error naming the synth command', () => {
  const app = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'credex-core');
  const call = () => rehearseArgs({ app, 'synth-dir': empty }, ['staging'], {});
  // Without the snapshot app the app check speaks first; either way one line, exit 2.
  expect(call).toThrow(/no synthesized stack global in .*: run "npm run synth" first|no credex-core app at/);
});

test('--help lists the options and exit codes, exit 0', async () => {
  const { code, out } = await run(['--help']);
  expect(code).toBe(ExitCode.OK);
  expect(out.join('\n')).toMatch(/--app DIR[\s\S]*--report-dir DIR[\s\S]*exit codes:[\s\S]*130/);
});

test("the rehearsal sends the rotation function's four steps in its order", () => {
  expect([...ROTATION_STEPS]).toEqual([...FUNCTION_STEPS]);
});
