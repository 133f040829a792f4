/**
 * `npm run deploy-and-verify -- <stack> [verify options]`: `cdktf deploy <stack>` writing the outputs file, then
 * verify against it. Exit codes as verify's: 2 for usage errors (checked before anything is deployed), 1 when the
 * deploy or a check fails.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { runCommand, runMain, type CliIo, type CommandSpec } from '../lib/cli';
import { ExitCode } from '../lib/exit-codes';
import { parseArgs, runCli, stackConfig, VERIFY_EXIT_CODES, VERIFY_OPTIONS } from './command';
import { UsageError } from './errors';
import { defaultOutputsPath } from './outputs';

export const DEPLOY_SPEC = {
  name: 'deploy-and-verify',
  usage: 'npm run deploy-and-verify -- <stack> [verify options]',
  description:
    'Runs `cdktf deploy <stack>` writing cdktf.out/outputs/<stack>.json (sensitive outputs included), then verify\n' +
    'with that file and the remaining options. Usage errors are reported before anything is deployed.',
  arguments: [['<stack>', 'the environment stack to deploy and verify (staging, production); comes first']],
  options: {
    ...VERIFY_OPTIONS,
    // Set by deploy-and-verify itself; accepted only to say so.
    stack: { ...VERIFY_OPTIONS.stack, hidden: true },
    outputs: { ...VERIFY_OPTIONS.outputs, hidden: true },
  },
  examples: ['npm run deploy-and-verify -- staging', 'npm run deploy-and-verify -- production --skip load'],
  exitCodes: [
    [ExitCode.OK, 'deployed, and every selected verify step passed'],
    [ExitCode.FAILED, 'the deploy failed (verify not run) or a verify check failed'],
    ...VERIFY_EXIT_CODES.slice(2),
  ],
} as const satisfies CommandSpec;

/** The deploy command: cdktf writes every output (sensitive ones too, for verify) to `outputsFile`. */
export function deployCommand(stack: string, outputsFile: string): { command: string; args: string[] } {
  return {
    command: 'npx',
    args: [
      'cdktf',
      'deploy',
      stack,
      '--auto-approve',
      '--outputs-file',
      outputsFile,
      '--outputs-file-include-sensitive-outputs',
    ],
  };
}

export type CommandRunner = (command: string, args: readonly string[]) => Promise<number>;

/** Runs a command with inherited stdio; resolves with its exit code (127 if it could not start). */
export const spawnCommand: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

export interface DeployIo extends CliIo {
  readonly run: CommandRunner;
  readonly verify: (argv: readonly string[]) => Promise<number>;
}

const defaultIo: DeployIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  run: spawnCommand,
  verify: (argv) => runCli(argv),
};

export function deployAndVerify(argv: readonly string[], io: DeployIo = defaultIo): Promise<number> {
  return runCommand(
    DEPLOY_SPEC,
    argv,
    async ({ positionals, values }) => {
      const stack = positionals[0];
      if (stack === undefined || argv[0] !== stack)
        throw new UsageError('a stack name comes first, e.g. deploy-and-verify staging --skip load');
      if (positionals.length > 1)
        throw new UsageError(`one stack at a time, got ${positionals.map((p) => `"${p}"`).join(', ')}`);
      if (values.stack !== undefined || values.outputs !== undefined)
        throw new UsageError('--stack and --outputs are set by deploy-and-verify itself');
      stackConfig(stack);
      const rest = argv.slice(1);
      parseArgs(rest); // every verify option checked before anything is deployed

      const outputsFile = defaultOutputsPath(stack);
      mkdirSync(path.dirname(outputsFile), { recursive: true });
      const { command, args } = deployCommand(stack, outputsFile);
      io.stdout(`deploy-and-verify: ${command} ${args.join(' ')}`);
      const code = await io.run(command, args);
      if (code !== 0) {
        io.stderr(`deploy-and-verify: cdktf deploy ${stack} failed (exit ${code}); verify not run`);
        return ExitCode.FAILED;
      }
      return io.verify(['--stack', stack, '--outputs', outputsFile, ...rest]);
    },
    io,
  );
}

if (require.main === module) runMain(DEPLOY_SPEC.name, () => deployAndVerify(process.argv.slice(2)));
