/**
 * The verify command: its command line (lib/cli.ts conventions) and the run, shared by verify/cli.ts and
 * verify/deploy-and-verify.ts. Exit codes: see VERIFY_EXIT_CODES.
 */
import * as path from 'node:path';
import { environmentConfig, type EnvironmentConfig } from '../config';
import { parseCommandLine, runCommand, type CliIo as BaseIo, type CommandSpec, type OptionValues } from '../lib/cli';
import { errorText } from '../lib/errors';
import { ExitCode, type ExitCodeValue } from '../lib/exit-codes';
import { ensureWritableDirectory } from '../lib/make-dir';
import { UsageError } from './errors';
import { autoProgress, type Progress } from './progress';
import { writeReport } from './report';
import { parseStepList, runVerify, type VerifyOptions } from './runner';
import type { LoadEngineName, StepName } from './types';
import { STEP_NAMES } from './types';

export const VERIFY_OPTIONS = {
  stack: {
    type: 'string',
    value: 'NAME',
    description: 'environment stack (staging, production): config and default outputs file',
  },
  outputs: {
    type: 'string',
    value: 'FILE',
    description:
      'stack outputs (cdktf --outputs-file JSON or terraform output -json);\ndefault cdktf.out/outputs/<stack>.json',
  },
  only: { type: 'string', value: 'STEP,...', description: `run only these steps (${STEP_NAMES.join(', ')})` },
  skip: { type: 'string', value: 'STEP,...', description: 'skip these steps' },
  'api-url': { type: 'string', value: 'URL', description: 'API base URL (overrides the api_url output)' },
  timeout: {
    type: 'string',
    value: 'SECONDS',
    description: 'per-step timeout (default: per step, e.g. ecs-stable 900, api-health 120)',
  },
  'endpoint-url': { type: 'string', value: 'URL', description: 'AWS endpoint override (moto, LocalStack)' },
  'load-engine': {
    type: 'string',
    value: 'k6|embedded',
    description: 'force the load engine (default: k6 when on PATH, else embedded)',
  },
  'report-dir': {
    type: 'string',
    value: 'DIR',
    description: 'where report.json and report.md go (default verify-report)',
  },
  'neo4j-address': {
    type: 'string',
    multiple: true,
    value: 'SPACE=HOST:PORT,...',
    description:
      'Bolt address per space (ledgerspace, searchspace) instead of the one in the secret,\ne.g. the local end of an SSM port forward when running outside the VPC',
  },
} as const;

export const VERIFY_EXIT_CODES: readonly (readonly [ExitCodeValue, string])[] = [
  [ExitCode.OK, 'every selected step passed'],
  [ExitCode.FAILED, 'a check failed (the report names the step and the kind of failure)'],
  [
    ExitCode.USAGE,
    'no verdict: usage or configuration error (unknown option, step or stack, missing or\nmalformed outputs file, k6 forced but absent) or internal error; one line on stderr',
  ],
  [ExitCode.INTERRUPTED, 'interrupted (SIGINT, SIGTERM)'],
];

export const VERIFY_SPEC = {
  name: 'verify',
  usage: 'npm run -s verify -- [--stack NAME] [options]',
  description: 'Proves a deployed stack healthy, step by step, and writes verify-report/report.json and report.md.',
  arguments: [], // none: a stray word gets its own hint below
  options: VERIFY_OPTIONS,
  examples: [
    'npm run -s verify -- --stack staging',
    'npm run -s verify -- --stack production --skip load --neo4j-address ledgerspace=127.0.0.1:17687',
    'npm run -s verify -- --only api-health --api-url https://api.example.com --timeout 30',
  ],
  exitCodes: VERIFY_EXIT_CODES,
} as const satisfies CommandSpec;

/** verify's command line, checked and converted. */
export interface CliArgs {
  readonly stack?: string;
  readonly outputs?: string;
  readonly only?: StepName[];
  readonly skip?: StepName[];
  readonly apiUrl?: string;
  readonly timeout?: number;
  readonly endpointUrl?: string;
  readonly loadEngine?: LoadEngineName;
  readonly reportDir?: string;
  readonly neo4jAddresses?: Readonly<Record<string, string>>;
  readonly help?: boolean;
  readonly version?: boolean;
}

/** `ledgerspace=127.0.0.1:17687,searchspace=127.0.0.1:17688` -> { ledgerspace: '127.0.0.1:17687', ... }. */
function parseNeo4jAddresses(value: string): Record<string, string> {
  const spaces = ['ledgerspace', 'searchspace'];
  const out: Record<string, string> = {};
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z]+)=([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(part);
    if (!match || !spaces.includes(match[1]) || Number(match[3]) > 65535) {
      throw new UsageError(
        `--neo4j-address: expected SPACE=HOST:PORT with SPACE one of ${spaces.join(', ')}, got "${part}"`,
      );
    }
    out[match[1]] = `${match[2]}:${match[3]}`;
  }
  if (Object.keys(out).length === 0) throw new UsageError('--neo4j-address needs SPACE=HOST:PORT');
  return out;
}

function checkUrl(flag: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag}: not a URL: "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${flag}: needs an http(s) URL, got "${value}"`);
  return value;
}

/** The environment's config; an unknown name is a usage error naming the known ones. */
export function stackConfig(name: string): EnvironmentConfig {
  try {
    return environmentConfig(name);
  } catch (err) {
    throw new UsageError(errorText(err));
  }
}

/** Checks and converts parsed option values; anything unusable is a UsageError. */
export function toCliArgs(values: OptionValues<typeof VERIFY_OPTIONS>, positionals: readonly string[]): CliArgs {
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}" (did you mean --stack ${positionals[0]}?)`);
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && (!Number.isFinite(timeout) || timeout <= 0)) {
    throw new UsageError(`--timeout: needs a positive number of seconds, got "${values.timeout}"`);
  }
  const engine = values['load-engine'];
  if (engine !== undefined && engine !== 'k6' && engine !== 'embedded')
    throw new UsageError(`--load-engine: k6 or embedded, got "${engine}"`);
  const addresses = values['neo4j-address']?.map(parseNeo4jAddresses);
  const args: CliArgs = {
    stack: values.stack,
    outputs: values.outputs === undefined ? undefined : path.resolve(values.outputs),
    only: values.only === undefined ? undefined : parseStepList('--only', values.only),
    skip: values.skip === undefined ? undefined : parseStepList('--skip', values.skip),
    apiUrl: values['api-url'] === undefined ? undefined : checkUrl('--api-url', values['api-url']),
    endpointUrl: values['endpoint-url'] === undefined ? undefined : checkUrl('--endpoint-url', values['endpoint-url']),
    timeout,
    loadEngine: engine,
    reportDir: values['report-dir'] === undefined ? undefined : path.resolve(values['report-dir']),
    neo4jAddresses: addresses && Object.assign({}, ...addresses),
  };
  if (args.stack !== undefined) stackConfig(args.stack); // unknown stack -> error naming the known ones
  return args;
}

/** The report folder verify writes: --report-dir, else ./verify-report. */
export const DEFAULT_REPORT_DIR = 'verify-report';

/**
 * Makes the report folder and proves it writable BEFORE any step runs (a folder under a file, /proc, a read-only
 * place): one line, exit 2, instead of an error after a run of many minutes.
 */
export function checkReportDir(args: CliArgs): string {
  const dir = args.reportDir ?? path.resolve(DEFAULT_REPORT_DIR);
  ensureWritableDirectory(dir, `--report-dir ${args.reportDir ?? DEFAULT_REPORT_DIR}`);
  return dir;
}

/** Parses the CLI arguments; anything unexpected is a UsageError. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const line = parseCommandLine(VERIFY_SPEC, argv);
  if (line.help || line.version) return { help: line.help, version: line.version };
  return toCliArgs(line.values, line.positionals);
}

export interface CliIo extends BaseIo {
  readonly progress?: Progress;
  /** Aborted on SIGINT/SIGTERM (reason: the signal's name): the report of the steps so far is written, exit 130. */
  readonly signal?: AbortSignal;
}

/** Runs verify with CLI arguments; resolves with the exit code. Never throws. */
export function runCli(argv: readonly string[], io?: CliIo): Promise<number> {
  return runCommand(
    VERIFY_SPEC,
    argv,
    async ({ values, positionals }) => {
      const args = toCliArgs(values, positionals);
      const options: VerifyOptions = {
        stack: args.stack,
        env: args.stack ? stackConfig(args.stack) : undefined,
        outputsFile: args.outputs,
        only: args.only,
        skip: args.skip,
        apiUrl: args.apiUrl,
        timeoutSeconds: args.timeout,
        endpointUrl: args.endpointUrl,
        loadEngine: args.loadEngine,
        reportDir: checkReportDir(args),
        neo4jAddresses: args.neo4jAddresses,
        progress: io?.progress ?? autoProgress(),
        signal: io?.signal,
      };
      const report = await runVerify(options);
      const files = writeReport(options.reportDir, report);
      const err = io?.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
      if (files.warning) err(`verify: warning: ${files.warning}`);
      const where = path.relative(process.cwd(), files.markdown);
      const shown = where.startsWith('..') ? files.markdown : where;
      const failed = report.steps.filter((s) => s.status === 'failed').map((s) => s.step);
      const ran = report.steps.filter((s) => s.status !== 'skipped').length;
      const out = io?.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
      if (report.interrupted) {
        const done = report.steps.filter((s) => s.status === 'passed' || s.status === 'failed').map((s) => s.step);
        out(`verify: INTERRUPTED by ${report.interrupted} (done: ${done.join(', ') || 'none'}) — report ${shown}`);
        return ExitCode.INTERRUPTED;
      }
      out(
        report.passed
          ? `verify: PASSED (${ran} step${ran === 1 ? '' : 's'}) — report ${shown}`
          : `verify: FAILED (${failed.join(', ')}) — report ${shown}`,
      );
      for (const s of report.steps) for (const f of s.findings ?? []) out(`verify: finding (${s.step}): ${f}`);
      return report.passed ? ExitCode.OK : ExitCode.FAILED;
    },
    io,
  );
}
