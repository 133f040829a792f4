/**
 * Policy figures for `npm run bench` (called from tools/bench/cli.ts, which runs from dist/ after dev/build.js).
 * The gate judges synthesized files, so the bench synthesizes as `npm run policy-check` does (a child process:
 * `CREDEX_STACK_TRACES=1 node --enable-source-maps dist/main.js`) and measures the gate on the files it wrote:
 * - evalMsPerStackMedian: wasm evaluation of one synthesized stack (normalised input), the wasm loaded once;
 * - gateWallMsMedian: wall time of `node dist/policies/cli.js --stacks DIR` on those files (no synthesis);
 * - policyCheckWallMsMedian: wall time of the whole `npm run -s policy-check` (build, synthesis, evaluation).
 * All are medians over `runs` runs. Goals: at most 20 ms per stack, 2 s for the whole npm run, on a 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliError } from '../../lib/errors';
import { ExitCode } from '../../lib/exit-codes';
import { repoRoot } from '../../lib/paths';
import { loadEngine } from '../../policies/engine/evaluate';
import { normalise, PolicyInput } from '../../policies/engine/normalise';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs a command from the repository root; a failure is no measurement (exit 2). Returns the wall time. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, okCodes: readonly number[] = [0]): number {
  const start = performance.now();
  const result = spawnSync(command, args, {
    cwd: repoRoot(),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  const ms = performance.now() - start;
  if (result.status === null || !okCodes.includes(result.status)) {
    const why = (result.stderr ?? '').trim().split('\n').pop() || String(result.error ?? '');
    throw new CliError({ kind: 'internal', message: `${command} ${args.join(' ')} exited ${result.status}: ${why}` });
  }
  return ms;
}

/** Synthesizes into `outdir` as `npm run policy-check` does, in a child process. */
function synthesize(outdir: string): void {
  run(process.execPath, ['--enable-source-maps', 'dist/main.js'], { CDKTF_OUTDIR: outdir, CREDEX_STACK_TRACES: '1' });
}

export interface PolicyFigures {
  readonly evalMsPerStackMedian: number;
  readonly gateWallMsMedian: number;
  readonly policyCheckWallMsMedian: number;
}

export async function benchPolicies(runs: number): Promise<PolicyFigures> {
  const n = Math.max(1, Math.floor(runs));
  const out = mkdtempSync(path.join(tmpdir(), 'credex-bench-'));
  try {
    synthesize(out);
    // (Not policies/cli.ts's reader: importing a CLI module into this bundle would run its entry point.)
    const inputs: PolicyInput[] = readdirSync(path.join(out, 'stacks')).map(
      (name) => normalise(JSON.parse(readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8')), name).input,
    );
    const engine = await loadEngine();
    engine.evaluate(inputs[0]); // warm-up: the first call pays for wasm tier-up
    const evalMs: number[] = [];
    for (let i = 0; i < n; i++) {
      for (const input of inputs) {
        const start = performance.now();
        engine.evaluate(input);
        evalMs.push(performance.now() - start);
      }
    }
    const gate = [ExitCode.OK, ExitCode.FAILED]; // a deny finding is a verdict, not a failed run
    const gateMs = Array.from({ length: n }, () =>
      run(process.execPath, ['dist/policies/cli.js', '--stacks', out, '--format', 'json'], {}, gate),
    );
    const wallMs = Array.from({ length: n }, () =>
      run('npm', ['run', '-s', 'policy-check', '--', '--format', 'json'], {}, gate),
    );
    return {
      evalMsPerStackMedian: median(evalMs),
      gateWallMsMedian: median(gateMs),
      policyCheckWallMsMedian: median(wallMs),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
