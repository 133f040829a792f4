/**
 * Sequences the steps and builds the report. Steps never print; the runner reports each result to a Progress.
 * Usage/configuration problems (unknown step, missing outputs file, k6 forced but absent) throw a UsageError or an
 * InputError (exit 2) before any step runs.
 */
import type { EnvironmentConfig } from '../config';
import { runApiHealth } from './api-health';
import { runDns } from './dns';
import { runEcsStable } from './ecs-stable';
import { loadProfile, smokeTests } from './expectations';
import { Deadline } from '../lib/deadline';
import { CliError } from '../lib/errors';
import { redactUrl } from '../lib/redact';
import { StepFailure, UsageError, kindLabel } from './errors';
import { resolveApiUrl } from './http';
import { chooseEngine, runLoad } from './load';
import { findK6 } from './load/k6-runner';
import { runNeo4j } from './neo4j';
import { checkOutputs, defaultOutputsPath, readOutputsFile } from './outputs';
import { silentProgress, type Progress } from './progress';
import type { VerifyReport } from './report';
import { runRateLimitProbe } from './rate-limit';
import { runSecretAge } from './secret-age';
import { runSmoke } from './smoke';
import { runTargetHealth } from './target-health';
import {
  STEP_NAMES,
  type Figures,
  type LoadEngineName,
  type StackOutputs,
  type StepContext,
  type StepName,
  type StepResult,
} from './types';

/**
 * How long past its timeout a step may run before the runner stops waiting for it and records a timeout: the
 * stopped-task lookup of ecs-stable (STOPPED_TASKS_LOOKUP_MS) and closing connections happen in it. So `--timeout N`
 * ends every step within N s + 5 s, whatever the servers do.
 */
export const STEP_GRACE_MS = 5000;

/** Default per-step timeouts in seconds (--timeout overrides all of them). */
export const DEFAULT_TIMEOUTS: Record<StepName, number> = {
  outputs: 10,
  'ecs-stable': 900,
  'target-health': 300,
  dns: 20, // fits the deploy's verify budget (config/deploy-budget.ts): a few lookups, each bounded by the resolver's timeout
  'api-health': 120,
  neo4j: 60,
  'secret-age': 30,
  smoke: 60,
  load: 120, // grace beyond the profile's duration
  'rate-limit': 120,
};

export interface VerifyOptions {
  readonly stack?: string;
  /** The environment's config (normally environmentConfig(stack)); tests may pass their own. */
  readonly env?: EnvironmentConfig;
  readonly outputsFile?: string;
  /** Outputs already read (tests); otherwise read from outputsFile or the default location. */
  readonly outputs?: StackOutputs;
  readonly only?: readonly StepName[];
  readonly skip?: readonly StepName[];
  readonly apiUrl?: string;
  readonly timeoutSeconds?: number;
  readonly endpointUrl?: string;
  readonly loadEngine?: LoadEngineName;
  readonly reportDir: string;
  readonly progress?: Progress;
  readonly neo4jAddresses?: Readonly<Record<string, string>>;
  /**
   * Aborted on SIGINT/SIGTERM (its reason: the signal's name): the running step stops at once, the remaining steps are
   * not run, and the report says `interrupted`.
   */
  readonly signal?: AbortSignal;
  /** Told of each result as it comes (the CLI keeps them to write a partial report). */
  readonly onResult?: (result: StepResult) => void;
}

/** Parses a comma-separated step list; unknown names are a usage error. */
export function parseStepList(flag: string, value: string): StepName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new UsageError(`${flag} needs a comma-separated list of steps (${STEP_NAMES.join(', ')})`);
  for (const n of names) {
    if (!(STEP_NAMES as readonly string[]).includes(n))
      throw new UsageError(`${flag}: unknown step "${n}" (known: ${STEP_NAMES.join(', ')})`);
  }
  return names as StepName[];
}

export function selectSteps(only: readonly StepName[] | undefined, skip: readonly StepName[] | undefined): StepName[] {
  return STEP_NAMES.filter((s) => (!only || only.includes(s)) && !(skip ?? []).includes(s));
}

const HTTP_STEPS: readonly StepName[] = ['api-health', 'smoke', 'load', 'rate-limit'];
const AWS_STEPS: readonly StepName[] = ['outputs', 'ecs-stable', 'target-health', 'neo4j'];

/** Loads the outputs when a selected step needs them (or returns an empty set). */
function loadOutputs(opts: VerifyOptions, selected: readonly StepName[]): StackOutputs {
  if (opts.outputs) return opts.outputs;
  const needed =
    selected.some((s) => AWS_STEPS.includes(s)) || (!opts.apiUrl && selected.some((s) => HTTP_STEPS.includes(s)));
  if (!needed) return { source: '(none: not needed)' };
  const file = opts.outputsFile ?? (opts.stack ? defaultOutputsPath(opts.stack) : undefined);
  if (!file) throw new UsageError('the selected steps need the stack outputs: pass --stack NAME or --outputs FILE');
  return readOutputsFile(file, opts.stack);
}

/** What a step answers when it passes. */
type StepValue = { message: string; figures: Figures; findings?: readonly string[] };

/** What a step's run ended as, before it is a StepResult. */
type StepEnd = { readonly ok: true; readonly value: StepValue } | { readonly ok: false; readonly err: unknown };

const withFindings = (findings: readonly string[] | undefined) =>
  findings && findings.length > 0 ? { findings: [...findings] } : {};

function toResult(step: StepName, end: StepEnd, duration: number): StepResult {
  if (end.ok)
    return {
      step,
      status: 'passed',
      duration,
      figures: end.value.figures,
      message: end.value.message,
      ...withFindings(end.value.findings),
    };
  const err = end.err;
  if (err instanceof StepFailure)
    return {
      step,
      status: 'failed',
      duration,
      figures: err.figures,
      message: err.message,
      failureKind: err.kind,
      ...withFindings(err.findings),
    };
  // A usage or input problem found inside a step (e.g. k6 forced but absent) stops verify with exit 2.
  if (err instanceof CliError && (err.kind === 'usage' || err.kind === 'input')) throw err;
  const text = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return {
    step,
    status: 'failed',
    duration,
    figures: {},
    message: `${kindLabel('error')}: ${text}`,
    failureKind: 'error',
  };
}

/**
 * Runs one step under its deadline: the step's signal fires at `budgetMs` (or on interrupt); if the step has not
 * ended STEP_GRACE_MS later the runner records a timeout and moves on. An interrupt ends the wait at once.
 */
async function timed(
  step: StepName,
  budgetMs: number,
  interrupt: AbortSignal | undefined,
  fn: (signal: AbortSignal) => Promise<StepValue>,
): Promise<{ result: StepResult; interrupted?: string }> {
  const started = performance.now();
  const deadline = new Deadline(budgetMs, interrupt);
  let hardStop: NodeJS.Timeout | undefined;
  let onInterrupt: (() => void) | undefined;
  const stopped = new Promise<StepEnd | 'interrupted'>((resolve) => {
    hardStop = setTimeout(
      () =>
        resolve({
          ok: false,
          err: new StepFailure({
            kind: 'timeout',
            detail: `${step} did not end within its ${Math.round(budgetMs / 100) / 10} s deadline (+ ${STEP_GRACE_MS / 1000} s grace)`,
          }),
        }),
      budgetMs + STEP_GRACE_MS,
    );
    onInterrupt = () => resolve('interrupted');
    if (interrupt?.aborted) onInterrupt();
    else interrupt?.addEventListener('abort', onInterrupt, { once: true });
  });
  try {
    const run: Promise<StepEnd> = Promise.resolve()
      .then(() => fn(deadline.signal))
      .then(
        (value) => ({ ok: true as const, value }),
        (err: unknown) => ({ ok: false as const, err }),
      );
    const end = await Promise.race([run, stopped]);
    const duration = Math.round(performance.now() - started);
    if (end === 'interrupted') {
      const by = String(interrupt?.reason ?? 'signal');
      return {
        result: {
          step,
          status: 'skipped',
          duration,
          figures: {},
          message: `interrupted by ${by} after ${(duration / 1000).toFixed(1)} s`,
        },
        interrupted: by,
      };
    }
    return { result: toResult(step, end, duration) };
  } finally {
    clearTimeout(hardStop);
    if (onInterrupt) interrupt?.removeEventListener('abort', onInterrupt);
    deadline.dispose();
  }
}

export async function runVerify(opts: VerifyOptions): Promise<VerifyReport> {
  const startedAt = new Date();
  const progress = opts.progress ?? silentProgress;
  const selected = selectSteps(opts.only, opts.skip);
  if (selected.length === 0) throw new UsageError('no step selected (check --only and --skip)');
  for (const step of ['secret-age', 'smoke', 'load', 'rate-limit'] as const) {
    if (selected.includes(step) && !opts.env)
      throw new UsageError(`step ${step} reads the environment's config: pass --stack NAME (or --skip ${step})`);
  }
  const engine = selected.includes('load') ? chooseEngine(opts.loadEngine, findK6()) : undefined;
  const outputs = loadOutputs(opts, selected);
  const apiUrl = resolveApiUrl(opts.apiUrl, outputs.apiUrl, outputs.loadBalancerDns);

  const timeoutMs = (step: StepName) => (opts.timeoutSeconds ?? DEFAULT_TIMEOUTS[step]) * 1000;
  // The load step's budget is the profile's duration plus its timeout (the grace beyond the duration).
  const budgetMs = (step: StepName) =>
    timeoutMs(step) + (step === 'load' ? (opts.env?.verify.load.durationSeconds ?? 0) * 1000 : 0);
  const env = opts.env;
  const signals: Partial<Record<StepName, AbortSignal>> = {};
  const context = (step: StepName): StepContext => ({
    outputs,
    env: opts.env,
    timeoutMs: timeoutMs(step),
    signal: signals[step],
    endpointUrl: opts.endpointUrl,
    neo4jAddresses: opts.neo4jAddresses,
    apiUrl,
    loadEngine: engine,
    reportDir: opts.reportDir,
    waiting: (text) => progress.waiting?.(step, text),
  });

  const runners: Record<StepName, () => Promise<StepValue>> = {
    outputs: async () => checkOutputs(outputs, selected),
    'ecs-stable': () => runEcsStable(context('ecs-stable')),
    'target-health': () => runTargetHealth(context('target-health')),
    dns: () => runDns(context('dns')),
    'api-health': () => runApiHealth(context('api-health')),
    neo4j: () => runNeo4j(context('neo4j')),
    'secret-age': () => runSecretAge(context('secret-age')),
    smoke: () => runSmoke(context('smoke'), smokeTests(), { memberJourney: env?.verify.memberJourney }),
    load: () => runLoad(context('load'), loadProfile(env!.verify.load)),
    'rate-limit': () => runRateLimitProbe(context('rate-limit')),
  };

  const results: StepResult[] = [];
  let interrupted: string | undefined;
  for (const step of STEP_NAMES) {
    if (!selected.includes(step)) {
      results.push({ step, status: 'skipped', duration: 0, figures: {}, message: 'not selected' });
      continue;
    }
    if (interrupted || opts.signal?.aborted) {
      interrupted ??= String(opts.signal?.reason ?? 'signal');
      results.push({
        step,
        status: 'skipped',
        duration: 0,
        figures: {},
        message: `not run: interrupted by ${interrupted}`,
      });
      continue;
    }
    if (step === 'rate-limit' && !env?.verify.rateLimitProbe) {
      const result: StepResult = {
        step,
        status: 'skipped',
        duration: 0,
        figures: {},
        message: `not in ${opts.stack ?? 'this environment'}: the probe spends a window of the rate-limit budget every client behind the load balancer shares (config verify.rateLimitProbe)`,
      };
      progress.end(result);
      results.push(result);
      continue;
    }
    const apiDown = results.find((r) => r.step === 'api-health' && r.status === 'failed');
    if ((step === 'smoke' || step === 'load' || step === 'rate-limit') && apiDown) {
      const result: StepResult = {
        step,
        status: 'skipped',
        duration: 0,
        figures: {},
        message: 'not run: api-health failed',
      };
      progress.end(result);
      results.push(result);
      continue;
    }
    progress.start(step);
    const ended = await timed(step, budgetMs(step), opts.signal, (signal) => {
      signals[step] = signal;
      return runners[step]();
    });
    interrupted ??= ended.interrupted;
    progress.end(ended.result);
    results.push(ended.result);
    opts.onResult?.(ended.result);
  }
  const finishedAt = new Date();
  const ran = results.filter((r) => selected.includes(r.step));
  return {
    stack: opts.stack,
    apiUrl: apiUrl && redactUrl(apiUrl),
    outputs: outputs.source,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    duration: finishedAt.getTime() - startedAt.getTime(),
    passed: !interrupted && ran.every((r) => r.status === 'passed'),
    ...(interrupted ? { interrupted } : {}),
    loadEngine: engine,
    steps: results,
  };
}
