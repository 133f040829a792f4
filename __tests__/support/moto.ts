import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { toolsDir } from '../../lib/paths';
import { freePort } from './ports';

/** A real moto server (AWS API emulator) on 127.0.0.1, started by the tests that need it. */
export interface MotoServer {
  /** e.g. http://127.0.0.1:43121: pass it as the AWS SDK v3 client `endpoint`. */
  readonly endpoint: string;
  /** Clears every emulated resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Dummy credentials and region for SDK clients pointed at moto. */
export const MOTO_CLIENT_CONFIG = {
  region: 'af-south-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
} as const;

/**
 * moto_server, served one request at a time. moto_server runs werkzeug with threaded=True, and moto's backends are
 * not thread-safe: under load a concurrent request can fail after storing what it created, the AWS SDK retries, and
 * the retry is refused as a duplicate (a CI run: AuthorizeSecurityGroupEgress "InvalidPermission.Duplicate" on an
 * egress rule Terraform created once). Single-threaded, werkzeug speaks HTTP/1.0 and closes each connection, so an
 * idle keep-alive client cannot hold the server.
 */
const SINGLE_THREADED_MOTO = [
  'import moto.server as server',
  'run_simple = server.run_simple',
  'server.run_simple = lambda *args, **kwargs: run_simple(*args, **{**kwargs, "threaded": False})',
  'server.main()',
].join('\n');

/**
 * Starts moto_server from .tools/venv (installed by `npm run setup`), single-threaded (SINGLE_THREADED_MOTO).
 * `env` reaches the moto process: e.g. MOTO_ECS_SERVICE_RUNNING sets the running count moto reports.
 */
export async function startMoto(env: Record<string, string> = {}): Promise<MotoServer> {
  const bin = path.join(toolsDir(), 'venv', 'bin', 'python');
  if (!existsSync(path.join(toolsDir(), 'venv', 'bin', 'moto_server'))) {
    throw new Error(`moto_server not found in ${path.dirname(bin)}: run "npm run setup" first`);
  }
  // Another test file may take the same free port between freePort() and moto's bind; then that file's moto would
  // answer our readiness probe. So a start counts only when our process says it is listening, else a new port.
  for (let attempt = 1; ; attempt++) {
    const started = await startOnFreePort(bin, env);
    if (started) return started;
    if (attempt === 3) throw new Error('moto_server could not bind a free port in 3 attempts');
  }
}

async function startOnFreePort(bin: string, env: Record<string, string>): Promise<MotoServer | undefined> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(bin, ['-c', SINGLE_THREADED_MOTO, '-H', '127.0.0.1', '-p', String(port)], {
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

  return {
    endpoint,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    },
  };
}
