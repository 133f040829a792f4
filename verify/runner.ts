/**
 * Sequences the steps and builds the report. Steps never print; the runner reports each result to a Progress.
 * Usage/configuration problems (unknown step, missing outputs file, k6 forced but absent) throw a UsageError or an
 * InputError (exit 2) before any step runs.
 */
import type { EnvironmentConfig } from '../config';
import { runApiHealth } from './api-health';
import { runEcsStable } from './ecs-stable';
import { CliError } from '../lib/errors';
import { StepFailure, UsageError, kindLabel } from './errors';
import { resolveApiUrl } from './http';
import { chooseEngine, runLoad } from './load';
import { findK6 } from './load/k6-runner';
import { runNeo4j } from './neo4j';
import { checkOutputs, defaultOutputsPath, readOutputsFile } from './outputs';
import { silentProgress, type Progress } from './progress';
import type { VerifyReport } from './report';
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

/** Default per-step timeouts in seconds (--timeout overrides all of them). */
export const DEFAULT_TIMEOUTS: Record<StepName, number> = {
  outputs: 10,
  'ecs-stable': 900,
  'target-health': 300,
  'api-health': 120,
  neo4j: 60,
  smoke: 60,
  load: 120, // grace beyond the profile's duration
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

const HTTP_STEPS: readonly StepName[] = ['api-health', 'smoke', 'load'];
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

async function timed(step: StepName, fn: () => Promise<{ message: string; figures: Figures }>): Promise<StepResult> {
  const started = performance.now();
  try {
    const { message, figures } = await fn();
    return { step, status: 'passed', duration: Math.round(performance.now() - started), figures, message };
  } catch (err) {
    const duration = Math.round(performance.now() - started);
    if (err instanceof StepFailure)
      return { step, status: 'failed', duration, figures: err.figures, message: err.message, failureKind: err.kind };
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
}

export async function runVerify(opts: VerifyOptions): Promise<VerifyReport> {
  const startedAt = new Date();
  const progress = opts.progress ?? silentProgress;
  const selected = selectSteps(opts.only, opts.skip);
  if (selected.length === 0) throw new UsageError('no step selected (check --only and --skip)');
  for (const step of ['smoke', 'load'] as const) {
    if (selected.includes(step) && !opts.env)
      throw new UsageError(`step ${step} reads the environment's config: pass --stack NAME (or --skip ${step})`);
  }
  const engine = selected.includes('load') ? chooseEngine(opts.loadEngine, findK6()) : undefined;
  const outputs = loadOutputs(opts, selected);
  const apiUrl = resolveApiUrl(opts.apiUrl, outputs.apiUrl, outputs.loadBalancerDns);

  const context = (step: StepName): StepContext => ({
    outputs,
    env: opts.env,
    timeoutMs: (opts.timeoutSeconds ?? DEFAULT_TIMEOUTS[step]) * 1000,
    endpointUrl: opts.endpointUrl,
    neo4jAddresses: opts.neo4jAddresses,
    apiUrl,
    loadEngine: engine,
    reportDir: opts.reportDir,
  });

  const runners: Record<StepName, () => Promise<{ message: string; figures: Figures }>> = {
    outputs: async () => checkOutputs(outputs, selected),
    'ecs-stable': () => runEcsStable(context('ecs-stable')),
    'target-health': () => runTargetHealth(context('target-health')),
    'api-health': () => runApiHealth(context('api-health')),
    neo4j: () => runNeo4j(context('neo4j')),
    smoke: () => runSmoke(context('smoke'), opts.env?.verify.smoke ?? []),
    load: () => runLoad(context('load'), opts.env!.verify.load),
  };

  const results: StepResult[] = [];
  for (const step of STEP_NAMES) {
    if (!selected.includes(step)) {
      results.push({ step, status: 'skipped', duration: 0, figures: {}, message: 'not selected' });
      continue;
    }
    const apiDown = results.find((r) => r.step === 'api-health' && r.status === 'failed');
    if ((step === 'smoke' || step === 'load') && apiDown) {
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
    const result = await timed(step, runners[step]);
    progress.end(result);
    results.push(result);
  }
  const finishedAt = new Date();
  const ran = results.filter((r) => selected.includes(r.step));
  return {
    stack: opts.stack,
    apiUrl,
    outputs: outputs.source,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    duration: finishedAt.getTime() - startedAt.getTime(),
    passed: ran.every((r) => r.status === 'passed'),
    loadEngine: engine,
    steps: results,
  };
}
