/**
 * The Neo4j password rotation, run locally: the function's deployment bundle (dist/functions/neo4j-rotation/index.js,
 * the file inside the zip the stack uploads) is loaded by a plain node process and its handler called with Secrets
 * Manager's four step events, with the environment Terraform rendered for the function plus what the Lambda runtime
 * would give it (region, credentials: moto's dummies, and AWS_ENDPOINT_URL pointing at moto).
 *
 * Stand-in: Secrets Manager's invocation. AWS's RotateSecret labels a new version AWSPENDING and invokes the four
 * steps; moto cannot invoke a Lambda here (it needs Docker), so the rehearsal sends the same four events with a fresh
 * token (createSecret's PutSecretValue then makes the AWSPENDING version, which the function handles as well).
 *
 * Meanwhile a prober asks the running app, from its own client address (127.0.0.2: the app keeps one rate-limit
 * budget per socket address, so the prober spends none of verify's), alternately for /health and for a login of an
 * unknown member (which reads the ledger): the app must keep serving while its credentials change.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import * as path from 'node:path';
import { APP_HEALTH, APP_PUBLIC_ROUTES, APP_RATE_LIMIT } from '../../contracts/app';
import type { Neo4jSpace } from '../../contracts/neo4j';
import { InputError } from '../../lib/errors';
import { repoRoot } from '../../lib/paths';

/** Secrets Manager's four rotation steps, in order (the function's ROTATION_STEPS; a test keeps them equal). */
export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/** The function's bundle, built by dev/build.js with main.ts. */
export function rotationBundle(): string {
  const file = path.join(repoRoot(), 'dist', 'functions', 'neo4j-rotation', 'index.js');
  if (!existsSync(file))
    throw new InputError(`${path.relative(repoRoot(), file)} is missing: build it with "node dev/build.js main.ts"`);
  return file;
}

export interface StepRun {
  readonly step: (typeof ROTATION_STEPS)[number];
  readonly ok: boolean;
  readonly seconds: number;
  /** The function's log lines (it never logs a password). */
  readonly lines: readonly string[];
}

/** Invokes the handler once with one step event, in a fresh process (a cold Lambda container). */
function invoke(
  bundle: string,
  event: { Step: string; SecretId: string; ClientRequestToken: string },
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ ok: boolean; lines: string[] }> {
  const runner =
    'require(process.argv[1]).handler(JSON.parse(process.argv[2])).then(() => process.exit(0), () => process.exit(1))';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', runner, bundle, JSON.stringify(event)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ ok: code === 0, lines: out.trim().split('\n').filter(Boolean) }));
  });
}

/** Runs the four steps on one host secret; stops at the first failed step. */
export async function rotateSpace(options: {
  readonly bundle: string;
  readonly space: Neo4jSpace;
  readonly secretId: string;
  /** The function's environment as Terraform rendered it, plus the runtime's. */
  readonly env: Record<string, string>;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}): Promise<StepRun[]> {
  const token = randomUUID();
  const runs: StepRun[] = [];
  for (const step of ROTATION_STEPS) {
    const started = performance.now();
    const { ok, lines } = await invoke(
      options.bundle,
      { Step: step, SecretId: options.secretId, ClientRequestToken: token },
      options.env,
      options.signal,
    );
    const seconds = (performance.now() - started) / 1000;
    for (const line of lines) options.log(`  ${options.space} ${step}: ${line}`);
    runs.push({ step, ok, seconds, lines });
    if (!ok) break;
  }
  return runs;
}

export interface ProbeFigures {
  readonly sent: number;
  /** Answered as the app answers when healthy (health: 200 healthy; login of an unknown member: 400 not found). */
  readonly served: number;
  readonly rateLimited: number;
  /** Anything else: another status, a database error, a refused or timed-out connection. */
  readonly failed: number;
  /** The first few failures, one line each. */
  readonly failures: readonly string[];
}

const LEDGER_READ = APP_PUBLIC_ROUTES.find((r) => r.name === 'login of an unknown member reads the ledger')!;

/** One request from `localAddress`; resolves with status and body (status 0: no answer). */
function ask(
  baseUrl: string,
  route: { method: string; path: string; body?: unknown },
  localAddress: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const url = new URL(route.path, baseUrl);
    const payload = route.body === undefined ? undefined : JSON.stringify(route.body);
    const req = request(
      url,
      {
        method: route.method,
        localAddress,
        timeout: 5000,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 5 s')));
    req.on('error', (err) => resolve({ status: 0, body: err.message }));
    req.end(payload);
  });
}

/** Whether the app answered a route as it does when it is healthy and reaches the ledger. */
export async function checkRoute(
  baseUrl: string,
  which: 'health' | 'ledger',
  localAddress = '127.0.0.2',
): Promise<{ ok: boolean; rateLimited: boolean; line: string }> {
  const route =
    which === 'health'
      ? { method: 'GET', path: APP_HEALTH.path }
      : { method: 'POST', path: LEDGER_READ.path, body: LEDGER_READ.body };
  const { status, body } = await ask(baseUrl, route, localAddress);
  if (status === APP_RATE_LIMIT.status) return { ok: false, rateLimited: true, line: `${route.path}: ${status}` };
  const ok =
    which === 'health'
      ? status === APP_HEALTH.status && body.includes(`"${APP_HEALTH.jsonField.path}":"${APP_HEALTH.jsonField.equals}"`)
      : status === LEDGER_READ.status && LEDGER_READ.bodyIncludes.every((f) => body.includes(f));
  return {
    ok,
    rateLimited: false,
    line: `${route.method} ${route.path}: ${status || 'no answer'} ${body.slice(0, 120)}`,
  };
}

/** Probes the app every `intervalMs` until stopped. */
export function probeApp(baseUrl: string, intervalMs = 500): { stop(): Promise<ProbeFigures> } {
  let sent = 0;
  let served = 0;
  let rateLimited = 0;
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const which = sent % 2 === 0 ? 'health' : 'ledger';
      sent++;
      const r = await checkRoute(baseUrl, which);
      if (r.ok) served++;
      else if (r.rateLimited) rateLimited++;
      else failures.push(r.line);
      await new Promise((res) => setTimeout(res, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { sent, served, rateLimited, failed: failures.length, failures: failures.slice(0, 5) };
    },
  };
}
