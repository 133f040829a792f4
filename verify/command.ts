/**
 * The verify command: argument parsing and the run, shared by verify/cli.ts and verify/deploy-and-verify.ts.
 * Exit codes: 0 every selected step passed; 1 a check failed; 2 usage or configuration error (one line on stderr).
 */
import * as path from 'node:path';
import { environmentConfig } from '../config';
import { UsageError } from './errors';
import { autoProgress, type Progress } from './progress';
import { writeReport } from './report';
import { parseStepList, runVerify, type VerifyOptions } from './runner';
import type { LoadEngineName, StepName } from './types';
import { STEP_NAMES } from './types';

export const USAGE = `usage: npm run -s verify -- [--stack NAME] [options]
  --stack NAME            environment stack (staging, production): config and default outputs file
  --outputs FILE          stack outputs (cdktf --outputs-file JSON or terraform output -json);
                          default cdktf.out/outputs/<stack>.json
  --only STEP,...         run only these steps (${STEP_NAMES.join(', ')})
  --skip STEP,...         skip these steps
  --api-url URL           API base URL (overrides the api_url output)
  --timeout SECONDS       per-step timeout (default: per step, e.g. ecs-stable 900, api-health 120)
  --endpoint-url URL      AWS endpoint override (moto, LocalStack)
  --load-engine k6|embedded  force the load engine (default: k6 when on PATH, else embedded)
  --report-dir DIR        where report.json and report.md go (default verify-report)
  --neo4j-address SPACE=HOST:PORT,...  Bolt address per space (ledgerspace, searchspace) instead of the one in
                          the secret, e.g. the local end of an SSM port forward when running outside the VPC
exit: 0 all selected steps passed, 1 a check failed, 2 usage or configuration error`;

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
}

const VALUE_FLAGS = [
  '--stack',
  '--outputs',
  '--only',
  '--skip',
  '--api-url',
  '--timeout',
  '--endpoint-url',
  '--load-engine',
  '--report-dir',
  '--neo4j-address',
] as const;

/** `ledgerspace=127.0.0.1:17687,searchspace=127.0.0.1:17688` -> { ledgerspace: '127.0.0.1:17687', ... }. */
function parseNeo4jAddresses(value: string): Record<string, string> {
  const spaces = ['ledgerspace', 'searchspace'];
  const out: Record<string, string> = {};
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]+)=([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(part);
    if (!match || !spaces.includes(match[1]) || Number(match[3]) > 65535) {
      throw new UsageError(`--neo4j-address: expected SPACE=HOST:PORT with SPACE one of ${spaces.join(', ')}, got "${part}"`);
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
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag}: needs an http(s) URL, got "${value}"`);
  return value;
}

/** Parses the CLI arguments; anything unexpected is a UsageError. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const args: { -readonly [K in keyof CliArgs]: CliArgs[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    if (flag === '--help' || flag === '-h') {
      args.help = true;
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      throw new UsageError(flag.startsWith('-') ? `unknown option ${flag}` : `unexpected argument "${flag}" (did you mean --stack ${flag}?)`);
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    }
    switch (flag) {
      case '--stack':
        args.stack = value;
        break;
      case '--outputs':
        args.outputs = path.resolve(value);
        break;
      case '--only':
        args.only = parseStepList(flag, value);
        break;
      case '--skip':
        args.skip = parseStepList(flag, value);
        break;
      case '--api-url':
        args.apiUrl = checkUrl(flag, value);
        break;
      case '--endpoint-url':
        args.endpointUrl = checkUrl(flag, value);
        break;
      case '--timeout': {
        const seconds = Number(value);
        if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout: needs a positive number of seconds, got "${value}"`);
        args.timeout = seconds;
        break;
      }
      case '--load-engine':
        if (value !== 'k6' && value !== 'embedded') throw new UsageError(`--load-engine: k6 or embedded, got "${value}"`);
        args.loadEngine = value;
        break;
      case '--report-dir':
        args.reportDir = path.resolve(value);
        break;
      case '--neo4j-address':
        args.neo4jAddresses = { ...args.neo4jAddresses, ...parseNeo4jAddresses(value) };
        break;
    }
  }
  if (args.stack !== undefined) environmentConfig(args.stack); // unknown stack -> error naming the known ones
  return args;
}

export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly progress?: Progress;
}

const defaultIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/** Runs verify with CLI arguments; resolves with the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    io.stderr(`verify: ${oneLine(err)}`);
    return 2;
  }
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  try {
    const options: VerifyOptions = {
      stack: args.stack,
      env: args.stack ? environmentConfig(args.stack) : undefined,
      outputsFile: args.outputs,
      only: args.only,
      skip: args.skip,
      apiUrl: args.apiUrl,
      timeoutSeconds: args.timeout,
      endpointUrl: args.endpointUrl,
      loadEngine: args.loadEngine,
      reportDir: args.reportDir ?? path.resolve('verify-report'),
      neo4jAddresses: args.neo4jAddresses,
      progress: io.progress ?? autoProgress(),
    };
    const report = await runVerify(options);
    const files = writeReport(options.reportDir, report);
    const where = path.relative(process.cwd(), files.markdown);
    const shown = where.startsWith('..') ? files.markdown : where;
    const failed = report.steps.filter((s) => s.status === 'failed').map((s) => s.step);
    const ran = report.steps.filter((s) => s.status !== 'skipped').length;
    io.stdout(
      report.passed
        ? `verify: PASSED (${ran} step${ran === 1 ? '' : 's'}) — report ${shown}`
        : `verify: FAILED (${failed.join(', ')}) — report ${shown}`,
    );
    return report.passed ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && /^unknown stack/.test(err.message))) {
      io.stderr(`verify: ${oneLine(err)}`);
      return 2;
    }
    io.stderr(`verify: internal error: ${oneLine(err)}`);
    return 1;
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
