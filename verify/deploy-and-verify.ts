/**
 * `npm run deploy-and-verify -- <stack> [verify options]`: `cdktf deploy <stack>` writing the outputs file, then
 * verify against it. Exit codes as verify's: 2 for usage errors (checked before anything is deployed), 1 when the
 * deploy or a check fails.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { environmentConfig } from '../config';
import { parseArgs, runCli } from './command';
import { defaultOutputsPath } from './outputs';

export const DEPLOY_USAGE = 'usage: npm run deploy-and-verify -- <stack> [verify options, e.g. --skip load]';

/** The deploy command: cdktf writes every output (sensitive ones too, for verify) to `outputsFile`. */
export function deployCommand(stack: string, outputsFile: string): { command: string; args: string[] } {
  return {
    command: 'npx',
    args: ['cdktf', 'deploy', stack, '--auto-approve', '--outputs-file', outputsFile, '--outputs-file-include-sensitive-outputs'],
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

export interface DeployIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly run: CommandRunner;
  readonly verify: (argv: readonly string[]) => Promise<number>;
}

const defaultIo: DeployIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  run: spawnCommand,
  verify: (argv) => runCli(argv),
};

export async function deployAndVerify(argv: readonly string[], io: DeployIo = defaultIo): Promise<number> {
  const [stack, ...rest] = argv;
  if (!stack || stack.startsWith('-')) {
    io.stderr(`deploy-and-verify: a stack name comes first. ${DEPLOY_USAGE}`);
    return 2;
  }
  try {
    environmentConfig(stack);
    const verifyArgs = parseArgs(rest);
    if (verifyArgs.stack || verifyArgs.outputs) throw new Error('--stack and --outputs are set by deploy-and-verify itself');
    if (verifyArgs.help) {
      io.stdout(DEPLOY_USAGE);
      return 0;
    }
  } catch (err) {
    io.stderr(`deploy-and-verify: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
    return 2;
  }
  const outputsFile = defaultOutputsPath(stack);
  mkdirSync(path.dirname(outputsFile), { recursive: true });
  const { command, args } = deployCommand(stack, outputsFile);
  io.stdout(`deploy-and-verify: ${command} ${args.join(' ')}`);
  const code = await io.run(command, args);
  if (code !== 0) {
    io.stderr(`deploy-and-verify: cdktf deploy ${stack} failed (exit ${code}); verify not run`);
    return 1;
  }
  return io.verify(['--stack', stack, '--outputs', outputsFile, ...rest]);
}

if (require.main === module) {
  deployAndVerify(process.argv.slice(2)).then((code) => process.stdout.write('', () => process.exit(code)));
}
