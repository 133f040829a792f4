/**
 * A real Neo4j 5.26 Community server (jars from Maven Central, launcher dev/neo4j/TestServer.java, compiled into
 * .tools/neo4j by `npm run setup`) on 127.0.0.1: the stand-in for a Neo4j host in the deploy rehearsal, and the
 * server of every test that needs one (__tests__/support/neo4j.ts re-exports this; one implementation).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { toolsDir } from '../../lib/paths';
import { freePort } from '../../lib/ports';

/** A running server. */
export interface Neo4jServer {
  readonly boltUrl: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The server's version, e.g. 5.26.30. */
  readonly version: string;
  /** The JVM's process id (for memory figures). */
  readonly pid: number;
  /** Kills the server (idempotent) and removes its data folder. */
  stop(): Promise<void>;
}

export interface Neo4jStartOptions {
  /** Leave the password "change required": clients get Neo.ClientError.Security.CredentialsExpired. */
  readonly expired?: boolean;
  readonly password?: string;
}

/**
 * Starts Neo4j from .tools/neo4j (installed by `npm run setup` via dev/neo4j/setup.sh) with a fresh data
 * folder, Bolt on a random port, and the password set at start. Takes seconds and ~0.5 GB.
 */
export async function startNeo4j(options: Neo4jStartOptions = {}): Promise<Neo4jServer> {
  const dir = path.join(toolsDir(), 'neo4j');
  if (!existsSync(path.join(dir, 'classes', 'TestServer.class'))) {
    throw new Error(`Neo4j test server not installed in ${dir}: run "npm run setup" first`);
  }
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2, 12)}`;
  const home = mkdtempSync(path.join(tmpdir(), 'neo4j-test-'));
  const port = await freePort();
  const args = [
    '-Xms128m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-cp',
    `${dir}/lib/*:${dir}/classes`,
    'TestServer',
    home,
    String(port),
  ];
  if (options.expired) args.push('--expired');
  const child: ChildProcess = spawn('java', args, {
    env: { ...process.env, NEO4J_TEST_PASSWORD: password },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));

  const version = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Neo4j did not start within 90 s: ${stderr}`));
    }, 90_000);
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const m = /READY (\d+) (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[2]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Neo4j exited early (${code}): ${stderr}`));
    });
  });

  let stopped: Promise<void> | undefined;
  return {
    boltUrl: `bolt://127.0.0.1:${port}`,
    port,
    user: 'neo4j',
    password,
    version,
    pid: child.pid!,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const done = () => {
          rmSync(home, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        // A throwaway data folder needs no clean shutdown (which takes ~10 s): kill, as a crashed host would die.
        child.kill('SIGKILL');
      });
      return stopped;
    },
  };
}
