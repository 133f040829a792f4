/**
 * `npm run rehearse -- staging [--app DIR]`: the deploy rehearsal on one machine (./rehearsal.ts, docs/rehearsal.md).
 * Exit codes (lib/exit-codes.ts): 0 the rehearsal passed; 1 a phase failed (the report says which); 2 usage or
 * input (no app, no synthesized stack, a missing bundle), one line on stderr; 130 interrupted, every process it
 * started stopped. The npm script builds the bundles it runs and synthesizes first.
 */
// The AWS SDK's multi-line Node-version advisory is noise in a run's output (tools/ami/cli.ts does the same).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { environmentConfig } from '../../config';
import { runCommand, runMain, type CliIo, type CommandSpec } from '../../lib/cli';
import { errorText, InputError, UsageError } from '../../lib/errors';
import { ExitCode } from '../../lib/exit-codes';
import { repoRoot } from '../../lib/paths';
import { resolveAppDir } from './app-build';
import { runRehearsal } from './rehearsal';
import { writeRehearsalReport } from './report';

export const REHEARSE_SPEC = {
  name: 'rehearse',
  usage: 'npm run -s rehearse -- STACK [--app DIR] [--report-dir DIR]',
  description:
    'Applies global and STACK with Terraform against moto, runs the real credex-core app with the environment its\n' +
    'task definition resolves to, verifies it, rotates the Neo4j passwords while it serves, restarts it, destroys.',
  arguments: [['STACK', 'the environment stack to rehearse (staging)']],
  options: {
    app: {
      type: 'string',
      value: 'DIR',
      description: 'a checkout of credex-core (default: $CREDEX_APP_DIR, else ../shared/credex-core)',
    },
    'report-dir': {
      type: 'string',
      value: 'DIR',
      description: 'where rehearsal.md, rehearsal.json and verify’s reports go (default rehearsal-report)',
    },
    'synth-dir': {
      type: 'string',
      value: 'DIR',
      description: 'the synthesized stacks, <DIR>/stacks/<name>/cdk.tf.json (default cdktf.out)',
    },
  },
  examples: [
    'npm run -s rehearse -- staging',
    'npm run -s rehearse -- staging --app ../credex-core --report-dir /tmp/rehearsal',
  ],
  exitCodes: [
    [ExitCode.OK, 'the rehearsal passed: applied, app served, verify passed, rotation and restart, destroyed'],
    [ExitCode.FAILED, 'a phase failed (the report names it); everything started was stopped'],
    [ExitCode.USAGE, 'no verdict: usage error, no app (one line says how to give one), no synthesized stack'],
    [ExitCode.INTERRUPTED, 'interrupted (SIGINT, SIGTERM): moto, Neo4j and the app stopped'],
  ],
} as const satisfies CommandSpec;

export interface RehearseArgs {
  readonly stack: string;
  readonly appDir: string;
  readonly reportDir: string;
  readonly synthDir: string;
}

/** Checks the command line and the inputs; anything unusable is one line (exit 2). */
export function rehearseArgs(
  values: { app?: string; 'report-dir'?: string; 'synth-dir'?: string },
  positionals: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): RehearseArgs {
  if (positionals.length === 0) throw new UsageError('which stack? e.g. npm run rehearse -- staging');
  if (positionals.length > 1) throw new UsageError(`one stack at a time, got ${positionals.join(', ')}`);
  const stack = positionals[0];
  try {
    environmentConfig(stack);
  } catch (err) {
    throw new UsageError(errorText(err));
  }
  const synthDir = path.resolve(values['synth-dir'] ?? path.join(repoRoot(), 'cdktf.out'));
  const appDir = resolveAppDir(values.app, env);
  for (const s of ['global', stack]) {
    if (!existsSync(path.join(synthDir, 'stacks', s, 'cdk.tf.json')))
      throw new InputError(`no synthesized stack ${s} in ${synthDir}: run "npm run synth" first`);
  }
  return { stack, appDir, synthDir, reportDir: path.resolve(values['report-dir'] ?? 'rehearsal-report') };
}

/** Runs the command; resolves with the exit code. */
export function runRehearseCli(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  return runCommand(
    REHEARSE_SPEC,
    argv,
    async ({ values, positionals }) => {
      const args = rehearseArgs(values, positionals);
      mkdirSync(path.join(repoRoot(), 'dist'), { recursive: true });
      // Inside the repository: the bake's local-exec (npm run -s ami) finds package.json by walking up.
      const workDir = mkdtempSync(path.join(repoRoot(), 'dist', '.rehearsal-'));
      try {
        const report = await runRehearsal({ ...args, workDir, log: io.stdout, signal });
        const files = writeRehearsalReport(args.reportDir, report);
        const shown = path.relative(process.cwd(), files.markdown) || files.markdown;
        if (report.interrupted) {
          io.stdout(`rehearse: INTERRUPTED by ${report.interrupted}; everything started was stopped — report ${shown}`);
          return ExitCode.INTERRUPTED;
        }
        io.stdout(
          report.passed
            ? `rehearse: PASSED in ${report.durationSeconds.toFixed(0)} s, peak memory ${report.memory?.peakMiB} MiB — report ${shown}`
            : `rehearse: FAILED (${report.failure}) — report ${shown}`,
        );
        for (const f of report.findings) io.stdout(`rehearse: finding: ${f}`);
        return report.passed ? ExitCode.OK : ExitCode.FAILED;
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    },
    io,
  );
}

if (require.main === module) {
  const interrupt = new AbortController();
  let finished: Promise<number> | undefined;
  runMain(
    'rehearse',
    () =>
      (finished = runRehearseCli(
        process.argv.slice(2),
        { stdout: (l) => process.stdout.write(`${l}\n`), stderr: (l) => process.stderr.write(`${l}\n`) },
        interrupt.signal,
      )),
    {
      onInterrupt: async (signal) => {
        process.stderr.write(`rehearse: interrupted by ${signal}: stopping terraform, the app, Neo4j and moto\n`);
        interrupt.abort(signal);
        // Terraform gets SIGINT and up to 20 s to stop; the rest stops at once.
        await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 40_000).unref())]);
      },
    },
  );
}
