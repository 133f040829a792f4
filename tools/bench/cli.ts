/**
 * `npm run bench`: synthesis (and, once present, policy evaluation) figures on this machine, as the median of
 * several runs with peak RSS, so every change can be compared. Speed goals live here, never in tests.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { benchPolicies } from './policies';
import { repoRoot } from '../../lib/paths';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS) || 7);

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
 * (every one preloads the RSS probe through NODE_OPTIONS). Fails loudly if the command fails.
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
  if (result.status !== 0) throw new Error(`bench: ${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.trim().split('\n').pop()}`);
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

async function main(): Promise<void> {
  console.log(`credex-infra bench: ${RUNS} runs each, node ${process.version}, ${cpus().length} cores`);
  runNode(['dist/main.js']); // warm the file-system cache
  const synth = Array.from({ length: RUNS }, () => runNode(['dist/main.js']));
  let ok = report('synth all stacks (node dist/main.js)', synth, { ms: 1000, rssMb: 150 });

  const build = Array.from({ length: RUNS }, () => runNode(['dev/build.js']));
  report('transpile (esbuild, before synth)', build, { ms: 500 });

  // What a user runs: npm, the transpile and the synth together.
  const npmSynth = Array.from({ length: RUNS }, () => timeCommand('npm', ['run', '-s', 'synth']));
  ok = report('npm run synth (transpile + synth)', npmSynth, { ms: 1000, rssMb: 150 }) && ok;

  const figures = await benchPolicies(RUNS);
  const evalOk = figures.evalMsPerStackMedian <= 20;
  const wallOk = figures.policyCheckWallMsMedian <= 2000;
  console.log(`${'policy evaluation per stack (wasm)'.padEnd(40)} median ${figures.evalMsPerStackMedian.toFixed(1).padStart(5)} ms  goal <= 20 ms  ${evalOk ? 'OK' : 'OVER'}`);
  console.log(`${'npm run policy-check (synth included)'.padEnd(40)} median ${figures.policyCheckWallMsMedian.toFixed(0).padStart(5)} ms  goal <= 2000 ms  ${wallOk ? 'OK' : 'OVER'}`);
  ok = ok && evalOk && wallOk;
  process.exitCode = ok ? 0 : 1;
}

main().catch((error: Error) => {
  console.error(`bench: ${error.message}`);
  process.exitCode = 2;
});
