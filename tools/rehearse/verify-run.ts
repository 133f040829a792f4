/**
 * verify, run as a deploy runs it: its command (dist/verify/cli.js, built by dev/build.js) with the applied stack's
 * outputs file, moto as the AWS endpoint, the app's local URL and the Neo4j address mapping. The rehearsal reads the
 * report it writes (report.json); verify's own progress lines reach the terminal.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../lib/errors';
import { repoRoot } from '../../lib/paths';

/** What the rehearsal reads of verify's report.json (verify/report.ts VerifyReport). */
export interface VerifyStepResult {
  readonly step: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly duration: number;
  readonly figures: Record<string, string | number | boolean>;
  readonly message: string;
  readonly failureKind?: string;
  readonly findings?: readonly string[];
}

export interface VerifyRun {
  readonly exitCode: number | null;
  readonly passed: boolean;
  readonly steps: readonly VerifyStepResult[];
  readonly reportDir: string;
}

export function verifyCommand(): string {
  const file = path.join(repoRoot(), 'dist', 'verify', 'cli.js');
  if (!existsSync(file))
    throw new InputError(`dist/verify/cli.js is missing: build it with "node dev/build.js verify/cli.ts"`);
  return file;
}

/** Runs `verify` with `args` plus --report-dir; `env` is the process environment it gets. */
export async function runVerifyCommand(options: {
  readonly args: readonly string[];
  readonly reportDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}): Promise<VerifyRun> {
  const cli = verifyCommand();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...options.args, '--report-dir', options.reportDir], {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) options.log(`  ${line.trimEnd()}`);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
  const file = path.join(options.reportDir, 'report.json');
  if (!existsSync(file)) throw new Error(`verify wrote no report (exit ${exitCode})`);
  const report = JSON.parse(readFileSync(file, 'utf8')) as { passed: boolean; steps: VerifyStepResult[] };
  return { exitCode, passed: report.passed, steps: report.steps, reportDir: options.reportDir };
}
