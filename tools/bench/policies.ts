/**
 * Policy figures for `npm run bench` (called from tools/bench/cli.ts, which runs from dist/ after dev/build.js).
 * The gate judges synthesized files, so the bench synthesizes as `npm run policy-check` does (a child process:
 * `CREDEX_STACK_TRACES=1 node --enable-source-maps dist/main.js`) and measures the gate on the files it wrote:
 * - evalMsPerStackMedian: wasm evaluation of one synthesized stack (normalised input), the wasm loaded once;
 * - gateWallMsMedian: wall time of `node dist/policies/cli.js --stacks DIR` on those files (no synthesis);
 * - policyCheckWallMsMedian: wall time of the whole `npm run -s policy-check` (build, synthesis, evaluation);
 * - policyCheckInputWallMsMedian: wall time of `npm run -s policy-check -- --input <one stack>` (no synthesis).
 * All are medians over `runs` runs. Goals: at most 20 ms per stack, 2 s for the whole npm run, on a 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliError } from '../../lib/errors';
import { ExitCode } from '../../lib/exit-codes';
import { repoRoot } from '../../lib/paths';
import { readStacks, stackFile } from '../../lib/synth-output';
import { loadEngine } from '../../policies/engine/evaluate';
import { normalise, PolicyInput } from '../../policies/engine/normalise';
import { deepPlanText, generatePlan, largePolicyPlan } from './plan-generator';

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
  /** `npm run -s policy-check -- --input FILE`: npm, the gate's bundle check and the gate; nothing synthesized. */
  readonly policyCheckInputWallMsMedian: number;
}

export async function benchPolicies(runs: number): Promise<PolicyFigures> {
  const n = Math.max(1, Math.floor(runs));
  const out = mkdtempSync(path.join(tmpdir(), 'credex-bench-'));
  try {
    synthesize(out);
    const inputs: PolicyInput[] = [...readStacks(out)].map(([name, doc]) => normalise(doc, name).input);
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
    const stack = stackFile(out, 'staging');
    const inputMs = Array.from({ length: n }, () =>
      run('npm', ['run', '-s', 'policy-check', '--', '--input', stack, '--format', 'json'], {}, gate),
    );
    return {
      evalMsPerStackMedian: median(evalMs),
      gateWallMsMedian: median(gateMs),
      policyCheckWallMsMedian: median(wallMs),
      policyCheckInputWallMsMedian: median(inputMs),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** One run of the gate's CLI on a file: wall time, peak RSS (the rss probe covers the worker threads), the report. */
function gateRun(file: string, out: string): { ms: number; rssMb: number; status: number | null; stderr: string } {
  const root = repoRoot();
  const start = performance.now();
  const result = spawnSync(
    process.execPath,
    ['dist/policies/cli.js', '--input', file, '--format', 'json', '--output', out],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: `--require ${path.join(root, 'dev/rss-probe.js')}` },
    },
  );
  const ms = performance.now() - start;
  const kb = Math.max(0, ...[...result.stderr.matchAll(/__CREDEX_MAX_RSS_KB=(\d+)/g)].map((m) => Number(m[1])));
  return {
    ms,
    rssMb: kb / 1024,
    status: result.status,
    stderr: result.stderr.replace(/\n?__CREDEX_MAX_RSS_KB=\d+\n?/g, '').trim(),
  };
}

export interface ScaleRow {
  readonly resources: number;
  readonly wallMsMedian: number;
  readonly peakRssMb: number;
  /** Wall time per resource, microseconds. */
  readonly usPerResource: number;
  readonly findingsOk: boolean;
  readonly findings: string;
}

export interface ScaleFigures {
  readonly rows: ScaleRow[];
  readonly largePolicyMsMedian: number;
  readonly largePolicyOk: boolean;
  readonly deepMs: number;
  readonly deepOk: boolean;
  readonly deepMessage: string;
}

/**
 * The gate on generated plans of 1k, 10k and 100k resources with planted violations (tools/bench/plan-generator.ts):
 * end-to-end wall time of `node dist/policies/cli.js --input plan.json` (median of `runs`, at most 3 at 100k), peak
 * RSS, time per resource, and whether the findings per rule are exactly the planted ones. Then one policy of 10,000
 * statements, and a document nested 100,000 levels deep inside a resource (must exit 2 naming the file).
 */
export function benchScale(runs: number, sizes: readonly number[] = [1_000, 10_000, 100_000]): ScaleFigures {
  const dir = mkdtempSync(path.join(tmpdir(), 'credex-bench-scale-'));
  try {
    const out = path.join(dir, 'report.json');
    const rows: ScaleRow[] = sizes.map((size) => {
      const generated = generatePlan(size);
      const file = path.join(dir, `plan-${size}.json`);
      writeFileSync(file, JSON.stringify(generated.plan));
      const n = size >= 100_000 ? Math.min(runs, 3) : runs;
      const samples = Array.from({ length: n }, () => {
        const r = gateRun(file, out);
        if (r.status !== ExitCode.FAILED)
          throw new CliError({
            kind: 'internal',
            message: `the gate on ${size} resources exited ${r.status}: ${r.stderr}`,
          });
        return r;
      });
      const report = JSON.parse(readFileSync(out, 'utf8')) as { findings: { rule: string }[] };
      const found: Record<string, number> = {};
      for (const f of report.findings) found[f.rule] = (found[f.rule] ?? 0) + 1;
      const sortedEntries = (o: Record<string, number>) => JSON.stringify(Object.entries(o).sort());
      const wall = median(samples.map((s) => s.ms));
      return {
        resources: generated.resources,
        wallMsMedian: wall,
        peakRssMb: Math.max(...samples.map((s) => s.rssMb)),
        usPerResource: (wall * 1000) / generated.resources,
        findingsOk: sortedEntries(found) === sortedEntries(generated.expected),
        findings: `${report.findings.length} found / ${Object.values(generated.expected).reduce((a, b) => a + b, 0)} planted`,
      };
    });
    const policyFile = path.join(dir, 'policy-10000.json');
    writeFileSync(policyFile, JSON.stringify(largePolicyPlan(10_000)));
    const policyRuns = Array.from({ length: runs }, () => gateRun(policyFile, out));
    const deepFile = path.join(dir, 'deep-100000.json');
    writeFileSync(deepFile, deepPlanText(100_000));
    const deep = gateRun(deepFile, out);
    return {
      rows,
      largePolicyMsMedian: median(policyRuns.map((r) => r.ms)),
      largePolicyOk: policyRuns.every((r) => r.status === ExitCode.OK),
      deepMs: deep.ms,
      deepOk: deep.status === ExitCode.USAGE && deep.stderr.includes(deepFile) && !deep.stderr.includes('    at '),
      deepMessage: deep.stderr.split('\n')[0] ?? '',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
