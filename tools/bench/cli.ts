/**
 * `npm run bench`: synthesis and policy-gate figures on this machine, as the median of several runs with peak RSS,
 * so every change can be compared. Speed goals live here, never in tests. `--help` lists options and exit codes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCommand, runMain, type CommandSpec } from '../../lib/cli';
import { CliError, UsageError } from '../../lib/errors';
import { ExitCode } from '../../lib/exit-codes';
import { repoRoot } from '../../lib/paths';
import { benchPolicies, benchScale } from './policies';

export const SPEC = {
  name: 'bench',
  usage: 'npm run bench [-- --runs N]',
  description:
    'Times synthesis (node dist/main.js, npm run synth), the transpile, the policy evaluation per stack, the gate on\n' +
    'synthesized files, the whole npm run policy-check and npm run diagram; prints median, min, max and peak RSS against each goal.',
  options: {
    runs: {
      type: 'string',
      value: 'N',
      description: 'runs per figure, at least 5 (default: BENCH_RUNS, at least 5, else 7)',
    },
  },
  examples: ['npm run bench', 'npm run bench -- --runs 11'],
  exitCodes: [
    [ExitCode.OK, 'every goal met'],
    [ExitCode.FAILED, 'a goal missed (the line says OVER)'],
    [ExitCode.USAGE, 'no verdict: usage error, a measured command failed, or internal error'],
    [ExitCode.INTERRUPTED, 'interrupted (SIGINT, SIGTERM)'],
  ],
} as const satisfies CommandSpec;

interface Sample {
  readonly ms: number;
  readonly rssMb: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Wall time of one command run from the repository root, and the peak RSS of the largest Node process it started
 * (every one preloads the RSS probe through NODE_OPTIONS). A failed command is no measurement (exit 2).
 */
function timeCommand(command: string, args: string[]): Sample {
  const root = repoRoot();
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      CDKTF_OUTDIR: path.join(root, 'cdktf.out'),
      NODE_OPTIONS: `--require ${path.join(root, 'dev/rss-probe.js')}`,
    },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    throw new CliError({
      kind: 'internal',
      message: `${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.trim().split('\n').pop()}`,
    });
  }
  const kb = Math.max(...[...result.stderr.matchAll(/__CREDEX_MAX_RSS_KB=(\d+)/g)].map((m) => Number(m[1])));
  return { ms, rssMb: kb / 1024 };
}

const runNode = (args: string[]): Sample => timeCommand(process.execPath, args);

function report(label: string, samples: Sample[], goal: { ms: number; rssMb?: number }): boolean {
  const ms = median(samples.map((s) => s.ms));
  const rss = Math.max(...samples.map((s) => s.rssMb));
  const ok = ms <= goal.ms && (goal.rssMb === undefined || rss <= goal.rssMb);
  const goalText = `goal <= ${goal.ms} ms${goal.rssMb ? `, <= ${goal.rssMb} MB` : ''}`;
  console.log(
    `${label.padEnd(40)} median ${ms.toFixed(0).padStart(5)} ms  (min ${Math.min(...samples.map((s) => s.ms)).toFixed(0)}, ` +
      `max ${Math.max(...samples.map((s) => s.ms)).toFixed(0)})  peak RSS ${rss.toFixed(0).padStart(4)} MB  ${goalText}  ${ok ? 'OK' : 'OVER'}`,
  );
  return ok;
}

function figure(label: string, ms: number, goalMs: number, digits = 0): boolean {
  const ok = ms <= goalMs;
  console.log(
    `${label.padEnd(40)} median ${ms.toFixed(digits).padStart(5)} ms  goal <= ${goalMs} ms  ${ok ? 'OK' : 'OVER'}`,
  );
  return ok;
}

async function bench(runs: number): Promise<number> {
  console.log(`credex-infra bench: ${runs} runs each, node ${process.version}, ${cpus().length} cores`);
  runNode(['dist/main.js']); // warm the file-system cache
  const synth = Array.from({ length: runs }, () => runNode(['dist/main.js']));
  let ok = report('synth all stacks (node dist/main.js)', synth, { ms: 1000, rssMb: 150 });

  const build = Array.from({ length: runs }, () => runNode(['dev/build.js']));
  report('transpile (esbuild, before synth)', build, { ms: 500 });

  // What a user runs: npm, the transpile and the synth together.
  const npmSynth = Array.from({ length: runs }, () => timeCommand('npm', ['run', '-s', 'synth']));
  ok = report('npm run synth (transpile + synth)', npmSynth, { ms: 1000, rssMb: 150 }) && ok;

  const figures = await benchPolicies(runs);
  ok = figure('policy evaluation per stack (wasm)', figures.evalMsPerStackMedian, 20, 1) && ok;
  ok = figure('policy gate on cdktf.out (no synth)', figures.gateWallMsMedian, 1000) && ok;
  ok = figure('npm run policy-check (synth included)', figures.policyCheckWallMsMedian, 2000) && ok;
  ok = figure('npm run policy-check -- --input (no synth)', figures.policyCheckInputWallMsMedian, 1000) && ok;
  ok = scaleTable(runs) && ok;

  // npm run diagram end to end: transpile, synth, and all three stacks drawn (into a temporary folder).
  const diagramOut = mkdtempSync(path.join(tmpdir(), 'bench-diagram-'));
  const diagram = Array.from({ length: runs }, () =>
    timeCommand('npm', ['run', '-s', 'diagram', '--', '--out', diagramOut]),
  );
  rmSync(diagramOut, { recursive: true, force: true });
  ok = report('npm run diagram (synth + 3 stacks drawn)', diagram, { ms: 2000 }) && ok;
  return ok ? ExitCode.OK : ExitCode.FAILED;
}

/** Goals of the gate at scale (issue 12): end-to-end wall time and peak RSS on generated plans. */
const SCALE_GOALS: Record<number, { ms: number; rssMb?: number }> = {
  10_000: { ms: 1_000 },
  100_000: { ms: 10_000, rssMb: 1_024 },
};

/** The gate on generated plans of 1k, 10k and 100k resources, as a table; false when a goal is missed. */
function scaleTable(runs: number): boolean {
  const s = benchScale(runs);
  const nearest = (n: number) => Math.round(n / 1000) * 1000;
  console.log('\npolicy gate on generated plans (node dist/policies/cli.js --input plan.json, end to end)');
  console.log('| resources | wall (median) | peak RSS | per resource | findings | goal |');
  console.log('|---:|---:|---:|---:|---|---|');
  let ok = true;
  for (const row of s.rows) {
    const goal = SCALE_GOALS[nearest(row.resources)];
    const met =
      row.findingsOk &&
      (!goal || (row.wallMsMedian <= goal.ms && (goal.rssMb === undefined || row.peakRssMb <= goal.rssMb)));
    ok = ok && met;
    const goalText = goal
      ? `<= ${goal.ms} ms${goal.rssMb ? `, <= ${goal.rssMb} MB` : ''}: ${met ? 'OK' : 'OVER'}`
      : row.findingsOk
        ? 'OK'
        : 'WRONG FINDINGS';
    console.log(
      `| ${row.resources} | ${row.wallMsMedian.toFixed(0)} ms | ${row.peakRssMb.toFixed(0)} MB | ` +
        `${row.usPerResource.toFixed(1)} µs | ${row.findings}${row.findingsOk ? '' : ' (WRONG)'} | ${goalText} |`,
    );
  }
  const r10 = s.rows.find((r) => nearest(r.resources) === 10_000);
  const r100 = s.rows.find((r) => nearest(r.resources) === 100_000);
  if (r10 && r100) {
    const ratio = r100.usPerResource / r10.usPerResource;
    ok = ok && ratio <= 1.5;
    console.log(
      `per-resource cost at 100k / at 10k: ${ratio.toFixed(2)} (goal <= 1.5) ${ratio <= 1.5 ? 'OK' : 'OVER'}`,
    );
  }
  ok = figure('one policy of 10,000 statements', s.largePolicyMsMedian, 1000) && s.largePolicyOk && ok;
  console.log(
    `${'document nested 100,000 levels deep'.padEnd(40)} ${s.deepMs.toFixed(0).padStart(5)} ms  ` +
      `exit 2 naming the file: ${s.deepOk ? 'OK' : 'NO'} (${s.deepMessage})`,
  );
  return ok && s.deepOk;
}

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(SPEC, argv, ({ values }) => {
    if (values.runs === undefined) return bench(Math.max(5, Number(process.env.BENCH_RUNS) || 7));
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 5)
      throw new UsageError(`--runs must be a whole number of at least 5, got "${values.runs}"`);
    return bench(runs);
  });
}

if (require.main === module) runMain(SPEC.name, () => main(process.argv.slice(2)));
