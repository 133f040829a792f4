import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { toolsDir } from '../../lib/paths';
import { freePort } from './ports';

/** A real Neo4j Community server (jars from Maven Central, launcher dev/neo4j/TestServer.java) on 127.0.0.1. */
export interface Neo4jServer {
  readonly boltUrl: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The server's version, e.g. 5.26.30. */
  readonly version: string;
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

/**
 * Boots a real Neo4j with `conf` (a neo4j.conf the infrastructure generates), overriding only the data folder and
 * the Bolt address, and reports whether it started: "STARTED 127.0.0.1:PORT" or "INVALID <reason>".
 */
export async function checkNeo4jConf(conf: string): Promise<{ started: boolean; line: string }> {
  const dir = path.join(toolsDir(), 'neo4j');
  if (!existsSync(path.join(dir, 'classes', 'ConfigCheck.class'))) {
    throw new Error(`Neo4j config check not installed in ${dir}: run "npm run setup" first`);
  }
  const home = mkdtempSync(path.join(tmpdir(), 'neo4j-conf-'));
  const file = path.join(home, 'neo4j.conf');
  writeFileSync(file, conf);
  const port = await freePort();
  try {
    const { status, stdout, stderr } = spawnSync(
      'java',
      [
        '-Xms128m',
        '-Xmx512m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-cp',
        `${dir}/lib/*:${dir}/classes`,
        'ConfigCheck',
        file,
        path.join(home, 'db'),
        String(port),
      ],
      { encoding: 'utf8', timeout: 90_000 },
    );
    const line =
      stdout.split('\n').find((l) => /^(STARTED|INVALID) /.test(l)) ??
      `no answer (exit ${status}): ${stderr.slice(-500)}`;
    return { started: status === 0 && line.startsWith('STARTED'), line };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
