/**
 * The fault-injection harness: seeded runs of verify and the AMI command (the bundled CLIs, as CI runs them) against
 * real moto, a real Neo4j and real HTTP servers, each behind a fault injector (proxies.ts). Every run is reproducible
 * from its seed: the seed picks the fault kind (seeds cycle through SCENARIOS) and its parameters. Each run is judged
 * on: exit code and failure kind as expected, wall time within its bound, peak RSS under MAX_RSS_KB, and no planted
 * secret in any byte it wrote (stdout, stderr, report files, job summary).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SCENARIOS, type Env, type Scenario } from './scenarios';
import { rng } from './prng';

/** Peak RSS bound of every run: 300 MB. */
export const MAX_RSS_KB = 300 * 1024;
const PROBE = path.join(__dirname, 'rss-probe.js');

export interface RunOutcome {
  readonly seed: number;
  readonly kind: string;
  readonly transient: boolean;
  readonly exitCode: number | null;
  readonly failureKind?: string;
  readonly elapsedMs: number;
  readonly boundMs: number;
  readonly rssKb?: number;
  readonly leaked: string[];
  readonly verdictOk: boolean;
  readonly detail: string;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

function runChild(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  killAfterMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; elapsedMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--no-warnings', '-r', PROBE, script, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout = (stdout + c).slice(-200_000)));
    child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-200_000)));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

/** One seeded run. */
export async function runOne(seed: number, env: Env): Promise<RunOutcome> {
  const scenario: Scenario = SCENARIOS[(seed - 1) % SCENARIOS.length];
  const r = rng(seed * 7919 + 17);
  const dir = path.join(env.workDir, `run-${seed}`);
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}-in`, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const prepared = await scenario.prepare(r, env, dir);
  const summary = path.join(dir, 'step-summary.md');
  writeFileSync(summary, '');
  const rssFile = path.join(dir, 'rss');
  try {
    const childEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      CI: 'true',
      AWS_EC2_METADATA_DISABLED: 'true',
      GITHUB_STEP_SUMMARY: summary,
      FAULT_RSS_FILE: rssFile,
      ...env.secretEnv,
      ...(prepared.env ?? {}),
    };
    const script = scenario.command === 'verify' ? env.verifyCli : env.amiCli;
    const during = prepared.during?.();
    const res = await runChild(script, prepared.args, childEnv, scenario.boundMs + 15_000);
    await during;
    const rssKb = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : undefined;
    const written = [
      res.stdout,
      res.stderr,
      ...filesUnder(dir)
        .filter((f) => f !== rssFile)
        .map((f) => readFileSync(f, 'utf8')),
    ];
    const leaked = Object.entries(env.secrets)
      .filter(([, secret]) => written.some((text) => text.includes(secret)))
      .map(([channel]) => channel);
    let failureKind: string | undefined;
    const reportFile = path.join(dir, 'report', 'report.json');
    if (existsSync(reportFile)) {
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
        steps: { status: string; failureKind?: string }[];
      };
      failureKind = report.steps.find((s) => s.status === 'failed')?.failureKind;
    }
    const expected = scenario.expect;
    const problems: string[] = [];
    if (res.code !== expected.exit) problems.push(`exit ${res.code}, expected ${expected.exit}`);
    if (expected.failureKind && failureKind !== expected.failureKind)
      problems.push(`kind ${failureKind ?? 'none'}, expected ${expected.failureKind}`);
    if (expected.output && !expected.output.test(res.stdout + res.stderr))
      problems.push(`output does not match ${expected.output}`);
    const line = (res.stdout + res.stderr).trim().split('\n').slice(-2).join(' | ');
    return {
      seed,
      kind: scenario.kind,
      transient: scenario.transient,
      exitCode: res.code,
      failureKind,
      elapsedMs: res.elapsedMs,
      boundMs: scenario.boundMs,
      rssKb,
      leaked,
      verdictOk: problems.length === 0,
      detail: problems.length ? `${problems.join('; ')} — ${line.slice(0, 300)}` : line.slice(0, 160),
    };
  } finally {
    await prepared.close();
  }
}

/** Runs seeds `from..to` with `concurrency` runs at a time. */
export async function runSeeds(seeds: readonly number[], env: Env, concurrency: number): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < seeds.length) {
      const seed = seeds[next++];
      outcomes.push(await runOne(seed, env));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes.sort((a, b) => a.seed - b.seed);
}

export interface KindRow {
  readonly kind: string;
  readonly runs: number;
  readonly passedAsExpected: number;
  readonly failedAsExpected: number;
  readonly wrongVerdicts: number;
  readonly overTime: number;
  readonly overMemory: number;
  readonly secretsLeaked: number;
  readonly maxElapsedMs: number;
  readonly maxRssMb: number;
}

export function isOverTime(o: RunOutcome): boolean {
  return o.elapsedMs > o.boundMs;
}

export function isOverMemory(o: RunOutcome): boolean {
  return o.rssKb === undefined || o.rssKb > MAX_RSS_KB;
}

/** The table per fault kind. */
export function tabulate(outcomes: readonly RunOutcome[]): KindRow[] {
  const kinds = [...new Set(outcomes.map((o) => o.kind))];
  return kinds.map((kind) => {
    const runs = outcomes.filter((o) => o.kind === kind);
    return {
      kind,
      runs: runs.length,
      passedAsExpected: runs.filter((o) => o.verdictOk && o.exitCode === 0).length,
      failedAsExpected: runs.filter((o) => o.verdictOk && o.exitCode !== 0).length,
      wrongVerdicts: runs.filter((o) => !o.verdictOk).length,
      overTime: runs.filter(isOverTime).length,
      overMemory: runs.filter(isOverMemory).length,
      secretsLeaked: runs.filter((o) => o.leaked.length > 0).length,
      maxElapsedMs: Math.max(...runs.map((o) => o.elapsedMs)),
      maxRssMb: Math.round(Math.max(...runs.map((o) => o.rssKb ?? 0)) / 1024),
    };
  });
}

export function renderTable(rows: readonly KindRow[]): string {
  const total = (f: (r: KindRow) => number) => rows.reduce((n, r) => n + f(r), 0);
  const lines = [
    '| fault kind | runs | passed as expected | failed as expected | wrong verdicts | over time | over memory | secrets leaked | slowest | peak RSS |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.kind} | ${r.runs} | ${r.passedAsExpected} | ${r.failedAsExpected} | ${r.wrongVerdicts} | ${r.overTime} | ${r.overMemory} | ${r.secretsLeaked} | ${(r.maxElapsedMs / 1000).toFixed(1)} s | ${r.maxRssMb} MB |`,
    ),
    `| **all** | ${total((r) => r.runs)} | ${total((r) => r.passedAsExpected)} | ${total((r) => r.failedAsExpected)} | ${total((r) => r.wrongVerdicts)} | ${total((r) => r.overTime)} | ${total((r) => r.overMemory)} | ${total((r) => r.secretsLeaked)} | ${(Math.max(...rows.map((r) => r.maxElapsedMs)) / 1000).toFixed(1)} s | ${Math.max(...rows.map((r) => r.maxRssMb))} MB |`,
  ];
  return lines.join('\n');
}
