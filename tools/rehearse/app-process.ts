/**
 * Runs the built credex-core app (tools/rehearse/app-build.ts) as its image would: `node build/src/index.js` in the
 * build folder, with EXACTLY the environment it is given (nothing inherited, nothing added: not even PATH, which
 * node does not need), then waits, bounded, until the health path answers healthy (contracts/app.ts APP_HEALTH),
 * and stops it with SIGTERM (the app's graceful shutdown), then SIGKILL.
 *
 * The app reads a `.env` file with dotenv when one exists (in its working folder and in build/): that would add
 * variables, so a build folder with one is refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { APP_HEALTH } from '../../contracts/app';
import { InputError } from '../../lib/errors';
import type { AppBuild } from './app-build';

export interface RunningApp {
  /** http://127.0.0.1:<PORT> */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Milliseconds from spawn to the first healthy answer. */
  readonly startMs: number;
  /** The app's output so far (its own log lines; it logs no secret values), the last 64 KiB. */
  output(): string;
  /** Stops the app (SIGTERM, then SIGKILL after `graceMs`); resolves with how it ended. Idempotent. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  /** How long the app may take to answer healthy. @default 60000 */
  readonly healthTimeoutMs?: number;
  /**
   * How long to wait for PORT to be free when another local process holds it (in ECS each task has its own network
   * interface; on one machine another test's or another rehearsal's app may hold the port for a while). @default 0
   */
  readonly portWaitMs?: number;
  /** Progress lines (the wait for the port). @default - none */
  readonly log?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** Why the app did not become healthy: it exited, or it did not answer healthy in time. */
export class AppStartError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = 'AppStartError';
  }
}

/**
 * Why the app stopped, from its output: its first error log line (e.g. "Missing required environment variables:
 * ...", logged before a later crash) and the last line that is not a stack frame.
 */
export function whyStopped(text: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = text.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim());
  const meaningful = lines.filter((l) => l !== '' && !l.startsWith('at ') && l !== '^' && !/^Node\.js v/.test(l));
  const firstError = meaningful.find((l) => /"level":"error"|^error:/i.test(l));
  const message = (line: string) => {
    try {
      return String((JSON.parse(line) as { message?: unknown }).message ?? line);
    } catch {
      return line;
    }
  };
  const last = meaningful[meaningful.length - 1] ?? '(no output)';
  return firstError && firstError !== last ? `${message(firstError)} ... ${last}` : message(last);
}

/** One health probe: healthy when the status and the JSON field are the contract's. */
async function healthy(url: string, signal: AbortSignal): Promise<boolean> {
  try {
    const res = await fetch(url, { signal });
    const body = await res.text();
    if (res.status !== APP_HEALTH.status) return false;
    const doc = JSON.parse(body) as Record<string, unknown>;
    return doc[APP_HEALTH.jsonField.path] === APP_HEALTH.jsonField.equals;
  } catch {
    return false;
  }
}

/** Whether `port` can be bound on every address, as the app binds it (0.0.0.0). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** Resolves once `port` is free; rejects when it is still taken after `portWaitMs` (or at once without it). */
async function waitForPort(port: number, options: StartOptions): Promise<void> {
  const deadline = Date.now() + (options.portWaitMs ?? 0);
  let told = false;
  while (!(await portFree(port))) {
    if (options.signal?.aborted) throw new AppStartError('interrupted while waiting for the app port', '');
    if (Date.now() >= deadline)
      throw new InputError(
        `port ${port} (the app's PORT) is in use on this machine${told ? ` (waited ${Math.round((options.portWaitMs ?? 0) / 1000)} s)` : ''}`,
      );
    if (!told) options.log?.(`port ${port} (the app's PORT) is in use on this machine: waiting for it to be free`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Starts the app with exactly `env`; resolves once it answers healthy on PORT (from `env`, else the app's 3000). */
export async function startApp(
  build: AppBuild,
  env: Readonly<Record<string, string>>,
  options: StartOptions = {},
): Promise<RunningApp> {
  for (const file of [path.join(build.dir, '.env'), path.join(build.dir, 'build', '.env')]) {
    if (existsSync(file)) throw new InputError(`${file} exists: the app would read variables from it (dotenv)`);
  }
  const port = Number(env.PORT ?? 3000); // the app's own default when PORT is not set (src/utils/serverSetup.ts)
  const url = `http://127.0.0.1:${port}`;
  // Another server on the port would answer the health probes in the app's place.
  await waitForPort(port, options);
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [build.entry], {
    cwd: build.dir,
    env: { ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-65536));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve((exited = { code, signal }))),
  );

  let stopping: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  const stop = (graceMs = 10_000) =>
    (stopping ??= (async () => {
      if (exited) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const end = await exit;
      clearTimeout(timer);
      return end;
    })());

  const timeoutMs = options.healthTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const healthUrl = `${url}${APP_HEALTH.path}`;
  try {
    for (;;) {
      if (exited)
        throw new AppStartError(
          `the app exited during start-up (${exited.code ?? exited.signal}): ${whyStopped(output)}`,
          output,
        );
      if (options.signal?.aborted) throw new AppStartError('interrupted while the app started', output);
      if (Date.now() > deadline)
        throw new AppStartError(
          `the app did not answer healthy on ${healthUrl} within ${timeoutMs / 1000} s: ${whyStopped(output)}`,
          output,
        );
      // A refused connection costs nothing; only the first answered probe spends the app's rate-limit budget.
      if (await healthy(healthUrl, AbortSignal.timeout(2000))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    await stop(2000);
    throw err;
  }
  return {
    url,
    port,
    pid: child.pid!,
    startMs: Math.round(performance.now() - started),
    output: () => output,
    stop,
  };
}
