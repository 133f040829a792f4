/**
 * `npm run deploy-and-verify -- <stack> [--yes] [verify options]` (options also before the stack): the deploy path of CI, for a person at a terminal
 * with their own credentials. Synthesize, `terraform init`, ONE saved plan, the policy gate on exactly that plan,
 * (a confirmation at a terminal), `terraform apply` of exactly that plan (a plan made stale by another apply is
 * refused), `terraform output -json`, then verify. Nothing plans a second time. Exit codes as verify's: 2 for usage
 * errors (checked before anything runs), 1 when a step fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { makeDirectory } from '../lib/make-dir';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { processIo, runCommand, runMain, type CliIo, type CommandSpec } from '../lib/cli';
import { globalConfig } from '../config/global';
import { GLOBAL_STACK_NAME } from '../contracts/stacks';
import { ExitCode } from '../lib/exit-codes';
import { checkReportDir, parseArgs, runCli, stackConfig, VERIFY_EXIT_CODES, VERIFY_OPTIONS } from './command';
import { UsageError } from './errors';
import { defaultOutputsPath } from './outputs';

/** Exit code of .github/workflows/scripts/apply-saved-plan.sh when Terraform refuses a stale saved plan. */
export const STALE_PLAN_EXIT = 3;

export const DEPLOY_SPEC = {
  name: 'deploy-and-verify',
  usage: 'npm run deploy-and-verify -- <stack> [--yes] [verify options]',
  description:
    'Deploys one stack the way CI does, then verifies it: npm run synth; the committed provider lock and\n' +
    'terraform init -lockfile=readonly; terraform plan -out=\n' +
    'cdktf.out/plans/<stack>.tfplan; the policy gate on `terraform show -json` of that plan (a deny finding stops\n' +
    'here); at a terminal, a confirmation; terraform apply of exactly that plan (a plan made stale by another apply\n' +
    'is refused, nothing is planned again); terraform output -json to cdktf.out/outputs/<stack>.json (mode 0600,\n' +
    'sensitive outputs included); verify with that file and the remaining options.\n' +
    '\n' +
    'How it differs from CI (deploy.yml): it runs with YOUR credentials (no GitHub environment, so no required\n' +
    'reviewers and no OIDC role); it builds no image: CREDEX_IMAGE_TAG names one in ECR (production: one staging\n' +
    'ran), else it redeploys the image running now; it writes no app secrets; it asks before applying unless --yes;\n' +
    'it has no step timeouts;\n' +
    'and verify reaches Neo4j only through the --neo4j-address port forwards you start (see the deployer guide).',
  arguments: [
    [
      '<stack>',
      'the stack to deploy: staging or production (then verified), or global (administrator credentials; not verified); before or after the options',
    ],
  ],
  options: {
    yes: { type: 'boolean', description: 'apply the judged plan without asking (also when not at a terminal)' },
    ...VERIFY_OPTIONS,
    // Set by deploy-and-verify itself; accepted only to say so.
    stack: { ...VERIFY_OPTIONS.stack, hidden: true },
    outputs: { ...VERIFY_OPTIONS.outputs, hidden: true },
  },
  examples: [
    'npm run deploy-and-verify -- staging',
    'npm run deploy-and-verify -- global',
    'CREDEX_IMAGE_TAG=<tag> npm run deploy-and-verify -- production --skip load',
  ],
  exitCodes: [
    [ExitCode.OK, 'deployed, and every selected verify step passed'],
    [
      ExitCode.FAILED,
      'a step failed (synth, plan, a deny finding of the gate, declined, a stale plan, apply) and nothing after it ran, or a verify check failed',
    ],
    ...VERIFY_EXIT_CODES.slice(2),
  ],
} as const satisfies CommandSpec;

/** Where the saved plan and its JSON go (cdktf.out is git-ignored; the JSON can hold sensitive values). */
export function planPaths(stack: string): { stackDir: string; plan: string; planJson: string } {
  const out = path.join(path.dirname(path.dirname(defaultOutputsPath(stack))));
  return {
    stackDir: path.join(out, 'stacks', stack),
    plan: path.join(out, 'plans', `${stack}.tfplan`),
    planJson: path.join(out, 'plans', `${stack}.plan.json`),
  };
}

/** What the image step needs: the environment's promotion rule; undefined for the `global` stack (no image). */
export interface ImageRule {
  /** config's promoteImageFrom: a tag must have been deployed there (or here) before. */
  readonly promoteFrom?: string;
}

/**
 * Every command of the deploy, in order: each runs only when the one before it succeeded. An environment stack's
 * synth gets its image tag from resolve-image-tag.sh, as CI's does: CREDEX_IMAGE_TAG when set (it must be in ECR, and
 * pass the promotion rule), else the image the service runs now; never a build, never config's placeholder.
 */
export function deploySteps(
  stack: string,
  outputsFile: string,
  image?: ImageRule,
): { what: string; command: string; args: string[] }[] {
  const { stackDir, plan, planJson } = planPaths(stack);
  const sh = (script: string, ...args: string[]) => ['-c', `umask 077 && ${script}`, 'sh', ...args];
  const resolveScript = path.join('.github', 'workflows', 'scripts', 'resolve-image-tag.sh');
  const synth = image
    ? {
        what: 'image tag and synth',
        command: 'sh',
        args: [
          '-c',
          'tag=$(PROMOTE_FROM="$3" bash "$1" "$4" "$2" "${CREDEX_IMAGE_TAG:-}") && CREDEX_IMAGE_TAG="$tag" npm run -s synth',
          'sh',
          resolveScript,
          stack,
          image.promoteFrom ?? '',
          globalConfig.ecr.repositoryName,
        ],
      }
    : { what: 'synth', command: 'npm', args: ['run', '-s', 'synth'] };
  return [
    synth,
    // The committed provider lock (terraform/<stack>/), which init only reads: checksums as CI's.
    {
      what: 'provider lock',
      command: 'bash',
      args: [path.join('.github', 'workflows', 'scripts', 'provider-locks.sh'), 'use', stack, stackDir],
    },
    {
      what: 'terraform init',
      command: 'terraform',
      args: [`-chdir=${stackDir}`, 'init', '-input=false', '-lockfile=readonly'],
    },
    {
      what: 'terraform plan',
      command: 'terraform',
      args: [`-chdir=${stackDir}`, 'plan', '-input=false', `-out=${plan}`],
    },
    {
      what: 'terraform show -json',
      command: 'sh',
      args: sh('terraform -chdir="$1" show -json "$2" > "$3"', stackDir, plan, planJson),
    },
    { what: 'policy gate', command: 'npm', args: ['run', '-s', 'policy-check', '--', '--input', planJson] },
    {
      what: 'terraform apply of the judged plan',
      command: 'bash',
      args: [path.join('.github', 'workflows', 'scripts', 'apply-saved-plan.sh'), stackDir, plan],
    },
    {
      what: 'terraform output -json',
      command: 'sh',
      args: sh('terraform -chdir="$1" output -json > "$2"', stackDir, outputsFile),
    },
  ];
}

export type CommandRunner = (command: string, args: readonly string[]) => Promise<number>;

/** The command spawnCommand is running, so an interrupt can be passed on to it (terraform then releases its lock). */
let running: ChildProcess | undefined;

/** Runs a command with inherited stdio; resolves with its exit code (127 if it could not start). */
export const spawnCommand: CommandRunner = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    running = child;
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => {
      if (running === child) running = undefined;
      resolve(code ?? (signal ? 128 : 1));
    });
  });

export interface DeployIo extends CliIo {
  readonly run: CommandRunner;
  readonly verify: (argv: readonly string[]) => Promise<number>;
  /** Asks before applying; undefined when nobody can answer (not a terminal): then --yes is required. */
  readonly confirm?: (question: string) => Promise<boolean>;
}

async function askAtTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

const defaultIo: DeployIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  run: spawnCommand,
  verify: (argv) => runCli(argv),
  confirm: process.stdin.isTTY ? askAtTerminal : undefined,
};

export function deployAndVerify(argv: readonly string[], io: DeployIo = defaultIo): Promise<number> {
  return runCommand(
    DEPLOY_SPEC,
    argv,
    async ({ positionals, positionalIndexes, values }) => {
      // The stack may stand anywhere among the options: `staging --yes` and `--yes staging` are the same command.
      const stack = positionals[0];
      if (stack === undefined)
        throw new UsageError('name the stack to deploy, e.g. deploy-and-verify staging --skip load');
      if (positionals.length > 1)
        throw new UsageError(`one stack at a time, got ${positionals.map((p) => `"${p}"`).join(', ')}`);
      if (values.stack !== undefined || values.outputs !== undefined)
        throw new UsageError('--stack and --outputs are set by deploy-and-verify itself');
      const isGlobal = stack === GLOBAL_STACK_NAME;
      const env = isGlobal ? undefined : stackConfig(stack);
      const rest = argv.filter((a, i) => i !== positionalIndexes[0] && a !== '--yes');
      if (isGlobal && rest.length > 0)
        throw new UsageError(`${GLOBAL_STACK_NAME} has no verify steps: no options besides --yes`);
      // Every verify option checked, and the report folder made and proved writable, before anything is deployed.
      if (!isGlobal) checkReportDir(parseArgs(rest));

      const outputsFile = defaultOutputsPath(stack);
      makeDirectory(path.dirname(outputsFile));
      makeDirectory(path.dirname(planPaths(stack).plan));
      if (!values.yes && !io.confirm) {
        throw new UsageError('not at a terminal: pass --yes to apply the judged plan without asking');
      }
      const image = env ? { promoteFrom: env.promoteImageFrom } : undefined;
      for (const step of deploySteps(stack, outputsFile, image)) {
        if (step.what.startsWith('terraform apply') && !values.yes) {
          const yes = await io.confirm!(`deploy-and-verify: apply this plan (judged by the gate) to ${stack}?`);
          if (!yes) {
            io.stderr(`deploy-and-verify: not applied (declined); the saved plan is ${planPaths(stack).plan}`);
            return ExitCode.FAILED;
          }
        }
        io.stdout(`deploy-and-verify: ${step.what}`);
        const code = await io.run(step.command, step.args);
        if (code === 0) continue;
        if (step.what === 'policy gate') {
          io.stderr(`deploy-and-verify: the policy gate judged the plan of ${stack} (exit ${code}); nothing applied`);
        } else if (step.what.startsWith('terraform apply') && code === STALE_PLAN_EXIT) {
          io.stderr(
            `deploy-and-verify: the saved plan of ${stack} is stale (another apply changed the state after it was planned); nothing applied: run again to plan and judge afresh`,
          );
        } else {
          io.stderr(`deploy-and-verify: ${step.what} of ${stack} failed (exit ${code}); verify not run`);
        }
        return ExitCode.FAILED;
      }
      if (isGlobal) {
        io.stdout(
          `deploy-and-verify: ${GLOBAL_STACK_NAME} applied; its outputs are in ${outputsFile} (no verify steps)`,
        );
        return ExitCode.OK;
      }
      return io.verify(['--stack', stack, '--outputs', outputsFile, ...rest]);
    },
    io,
  );
}

/** How long an interrupt waits for the running command (terraform stopping cleanly) or verify's partial report. */
const INTERRUPT_WAIT_MS = 30_000;

if (require.main === module) {
  // SIGINT/SIGTERM: passed on to the running command, or to verify, which writes the report of the steps done so far;
  // then exit 130 (at most INTERRUPT_WAIT_MS later).
  const interrupt = new AbortController();
  let finished: Promise<number> | undefined;
  const io: DeployIo = { ...defaultIo, verify: (argv) => runCli(argv, { ...processIo, signal: interrupt.signal }) };
  runMain(DEPLOY_SPEC.name, () => (finished = deployAndVerify(process.argv.slice(2), io)), {
    onInterrupt: async (signal) => {
      process.stderr.write(`deploy-and-verify: interrupted by ${signal}\n`);
      interrupt.abort(signal);
      running?.kill(signal);
      await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, INTERRUPT_WAIT_MS).unref())]);
    },
  });
}
