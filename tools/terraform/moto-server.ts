/**
 * A real moto server (AWS API emulator) on 127.0.0.1: what the deploy rehearsal, the moto lifecycle and every test
 * that talks to moto start (__tests__/support/moto.ts re-exports this; one implementation).
 *
 * Single-threaded. `moto_server` runs werkzeug with threaded=True, and moto's backends are not thread-safe: under
 * load a request can fail with HTTP 500 after it stored its change, the provider retries, and the retry is refused as
 * a duplicate (CI saw `InvalidPermission.Duplicate` on an AuthorizeSecurityGroupEgress retry). So moto's own entry
 * point runs with werkzeug's `threaded` forced off: one request at a time, each complete before the next.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { toolsDir } from '../../lib/paths';
import { freePort } from '../../lib/ports';

export interface MotoServer {
  /** e.g. http://127.0.0.1:43121: pass it as the AWS SDK v3 client `endpoint`. */
  readonly endpoint: string;
  /** The moto process (for memory figures). */
  readonly pid: number;
  /** Clears every emulated resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** SIGTERM, then SIGKILL after 3 s; idempotent. */
  stop(): Promise<void>;
}

/** Dummy credentials and region for SDK clients pointed at moto. */
export const MOTO_CLIENT_CONFIG = {
  region: 'af-south-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
} as const;

/**
 * moto's server entry point (moto/server.py main) with werkzeug's run_simple forced single-threaded (main's fix,
 * moved here). Single-threaded, werkzeug speaks HTTP/1.0 and closes each connection, so an idle keep-alive client
 * cannot hold the server.
 */
const SINGLE_THREADED_MOTO = [
  'import moto.server as server',
  'run_simple = server.run_simple',
  'server.run_simple = lambda *args, **kwargs: run_simple(*args, **{**kwargs, "threaded": False})',
  'server.main()',
].join('\n');

/**
 * Starts moto from .tools/venv (installed by `npm run setup`).
 * `env` reaches the moto process: e.g. MOTO_ECS_SERVICE_RUNNING sets the running count moto reports.
 */
export async function startMoto(env: Record<string, string> = {}): Promise<MotoServer> {
  const python = path.join(toolsDir(), 'venv', 'bin', 'python');
  if (!existsSync(path.join(toolsDir(), 'venv', 'bin', 'moto_server')))
    throw new Error(`moto_server not found in ${path.dirname(python)}: run "npm run setup" first`);
  // Another process may take the same free port between freePort() and moto's bind; then that process would answer
  // our readiness probe. So a start counts only when our process says it is listening, else a new port.
  for (let attempt = 1; ; attempt++) {
    const started = await startOnFreePort(python, env);
    if (started) return started;
    if (attempt === 3) throw new Error('moto_server could not bind a free port in 3 attempts');
  }
}

async function startOnFreePort(python: string, env: Record<string, string>): Promise<MotoServer | undefined> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(python, ['-c', SINGLE_THREADED_MOTO, '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (/in use/i.test(stderr)) {
      child.kill('SIGKILL');
      return undefined;
    }
    if (child.exitCode !== null) throw new Error(`moto_server exited early (${child.exitCode}): ${stderr}`);
    if (stderr.includes(`Running on ${endpoint}`)) {
      try {
        const res = await fetch(`${endpoint}/moto-api/data.json`);
        if (res.ok) break;
      } catch {
        // not answering yet
      }
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${endpoint} within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    pid: child.pid!,
    reset: () => resetMoto(endpoint),
    stop() {
      stopped ??= new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
      return stopped;
    },
  };
}

/** Clears every emulated resource of the moto server at `endpoint` (POST /moto-api/reset). */
export async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
}
