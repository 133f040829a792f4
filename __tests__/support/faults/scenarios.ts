/**
 * The fault kinds of the harness: what each injects, against which command, and the verdict it must produce.
 * Transient faults clear within the run's retry budget (the run must pass); permanent ones never clear (the run must
 * fail with the named kind, within its bound). Parameters come from the run's seeded generator.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  answer,
  forward,
  selfSignedCert,
  startFaultServer,
  startTcpFaultProxy,
  type FaultServer,
  type HttpFault,
  type TcpFault,
} from './proxies';
import type { Rng } from './prng';

/** What every run shares: the bundled CLIs, the real servers, the planted secrets. */
export interface Env {
  readonly workDir: string;
  readonly verifyCli: string;
  readonly amiCli: string;
  /** moto's endpoint (ECS, ELBv2, Secrets Manager, EC2 with a baked image). */
  readonly moto: string;
  /** The stack outputs of the deploy made in moto. */
  readonly outputs: Record<string, string>;
  /** Bolt port of the real Neo4j server (both spaces). */
  readonly neo4jPort: number;
  /** A distinct secret per input channel, by channel name: none may appear in anything a run writes. */
  readonly secrets: Record<string, string>;
  /** Environment variables carrying planted secrets. */
  readonly secretEnv: Record<string, string>;
}

export interface Prepared {
  readonly args: string[];
  readonly env?: Record<string, string>;
  /** Runs alongside the command (e.g. restarts a stopped server). */
  readonly during?: () => Promise<void>;
  close(): Promise<void>;
}

export interface Scenario {
  readonly kind: string;
  readonly command: 'verify' | 'ami';
  /** The fault clears within the retry budget: the run must pass. */
  readonly transient: boolean;
  /** Wall-time bound of the run: its timeout or deadline + the documented grace + process start. */
  readonly boundMs: number;
  readonly expect: { readonly exit: number; readonly failureKind?: string; readonly output?: RegExp };
  prepare(r: Rng, env: Env, dir: string): Promise<Prepared>;
}

/**
 * verify's documented grace past --timeout, plus 2 s for starting node and loading the SDK. A transient fault clears
 * within the retry budget: at most 3 failed attempts, whose backoff (0.25 + 0.5 + 1 s) fits in the step's timeout.
 */
const VERIFY_SLACK_MS = 5000 + 2000;
const HEALTHY = '{"status":"healthy"}';
const API_TIMEOUT = 3;
const AWS_TIMEOUT = 3;
const NEO4J_TIMEOUT = 6;
const AMI_DEADLINE = 3;

function withCredentials(url: string, password: string): string {
  const u = new URL(url);
  u.username = 'probe';
  u.password = password;
  return u.toString().replace(/\/$/, '');
}

/** An outputs file as `cdktf deploy --outputs-file ... --outputs-file-include-sensitive-outputs` writes it. */
function outputsFile(env: Env, dir: string): string {
  const file = path.join(inputs(dir), 'outputs.json');
  writeFileSync(
    file,
    JSON.stringify({
      staging: {
        ...env.outputs,
        api_url: withCredentials('http://127.0.0.1:9', env.secrets['outputs file (api_url)']),
        neo4j_admin_password: env.secrets['outputs file (sensitive output)'],
      },
    }),
  );
  return file;
}

/** Where a run's inputs go: beside its output folder (every byte under the output folder is scanned). */
function inputs(dir: string): string {
  const folder = `${dir}-in`;
  mkdirSync(folder, { recursive: true });
  return folder;
}

const report = (dir: string) => ['--report-dir', path.join(dir, 'report')];

/** verify --only api-health against a fault server in front of a healthy health endpoint. */
function api(
  kind: string,
  transient: boolean,
  expect: Scenario['expect'],
  plan: (r: Rng) => (n: number, path: string) => HttpFault,
  options: { tls?: boolean; stopForMs?: (r: Rng) => number } = {},
): Scenario {
  return {
    kind,
    command: 'verify',
    transient,
    boundMs: API_TIMEOUT * 1000 + VERIFY_SLACK_MS,
    expect,
    async prepare(r, env, dir) {
      const pick = plan(r);
      const server = await startFaultServer(
        answer(200, HEALTHY),
        (info) => pick(info.n, info.path),
        options.tls ? selfSignedCert() : undefined,
      );
      const down = options.stopForMs?.(r);
      if (down !== undefined) await server.stop();
      return {
        args: [
          '--stack',
          'staging',
          '--only',
          'api-health',
          '--api-url',
          withCredentials(server.url, env.secrets['--api-url userinfo']),
          '--timeout',
          String(API_TIMEOUT),
          ...report(dir),
        ],
        during:
          down === undefined
            ? undefined
            : () => new Promise((res) => setTimeout(res, down)).then(() => server.restart()),
        close: () => server.close(),
      };
    },
  };
}

/** The first `k` requests get `fault`, the rest pass. */
const firstK = (fault: HttpFault, min: number, max: number) => (r: Rng) => {
  const k = r.int(min, max);
  return (n: number): HttpFault => (n <= k ? fault : { kind: 'pass' });
};
const always = (fault: HttpFault) => () => (): HttpFault => fault;

/** verify --only neo4j: the secret from moto, Bolt through a TCP fault proxy in front of the real Neo4j. */
function neo4j(
  kind: string,
  transient: boolean,
  expect: Scenario['expect'],
  plan: (r: Rng) => (n: number) => TcpFault,
  stopForMs?: (r: Rng) => number,
): Scenario {
  return {
    kind,
    command: 'verify',
    transient,
    boundMs: NEO4J_TIMEOUT * 1000 + VERIFY_SLACK_MS,
    expect,
    async prepare(r, env, dir) {
      const proxy = await startTcpFaultProxy(env.neo4jPort, plan(r));
      const down = stopForMs?.(r);
      if (down !== undefined) await proxy.stop();
      const address = `127.0.0.1:${proxy.port}`;
      return {
        // No --stack: the staging config pins another Neo4j patch than the test server; without it the step checks
        // connectivity, credentials and the read query (the version check is tested in __tests__/verify/neo4j.test.ts).
        args: [
          '--only',
          'neo4j',
          '--outputs',
          outputsFile(env, dir),
          '--endpoint-url',
          env.moto,
          '--neo4j-address',
          `ledgerspace=${address},searchspace=${address}`,
          '--timeout',
          String(NEO4J_TIMEOUT),
          ...report(dir),
        ],
        during:
          down === undefined
            ? undefined
            : () => new Promise((res) => setTimeout(res, down)).then(() => proxy.restart()),
        close: () => proxy.close(),
      };
    },
  };
}

/** verify --only <step> with the AWS endpoint behind an HTTP fault server forwarding to moto. */
function aws(
  kind: string,
  step: string,
  transient: boolean,
  expect: Scenario['expect'],
  plan: (r: Rng) => (n: number) => HttpFault,
): Scenario {
  const timeout = step === 'neo4j' ? NEO4J_TIMEOUT : AWS_TIMEOUT;
  return {
    kind,
    command: 'verify',
    transient,
    boundMs: timeout * 1000 + VERIFY_SLACK_MS,
    expect,
    async prepare(r, env, dir) {
      const pick = plan(r);
      const server = await startFaultServer(forward(env.moto), (info) => pick(info.n));
      return {
        args: [
          '--only',
          step,
          '--outputs',
          outputsFile(env, dir),
          '--endpoint-url',
          server.url,
          '--neo4j-address',
          `ledgerspace=127.0.0.1:${env.neo4jPort},searchspace=127.0.0.1:${env.neo4jPort}`,
          '--timeout',
          String(timeout),
          ...report(dir),
        ],
        close: () => server.close(),
      };
    },
  };
}

/** ami bake (an image of the version is already there: the reuse path) through an HTTP fault server to moto. */
function ami(
  kind: string,
  transient: boolean,
  expect: Scenario['expect'],
  plan: (r: Rng) => (n: number) => HttpFault,
): Scenario {
  return {
    kind,
    command: 'ami',
    transient,
    boundMs: AMI_DEADLINE * 1000 + 4000,
    expect,
    async prepare(r, env) {
      const pick = plan(r);
      const server: FaultServer = await startFaultServer(forward(env.moto), (info) => pick(info.n));
      return {
        args: [
          'bake',
          '--edition',
          'community',
          '--version',
          '5.26.19',
          '--region',
          'af-south-1',
          '--endpoint-url',
          withCredentials(server.url, env.secrets['--endpoint-url userinfo']),
          '--deadline',
          String(AMI_DEADLINE),
          '--json',
        ],
        close: () => server.close(),
      };
    },
  };
}

const METADATA = `<?xml version="1.0" encoding="UTF-8"?><metadata><versioning><versions><version>5.26.18</version><version>5.26.19</version></versions></versioning></metadata>`;

/** ami check-version against a fault server in front of a Maven metadata file. */
function metadata(
  kind: string,
  transient: boolean,
  expect: Scenario['expect'],
  plan: (r: Rng) => (n: number) => HttpFault,
): Scenario {
  return {
    kind,
    command: 'ami',
    transient,
    boundMs: 2000 + 3000,
    expect,
    async prepare(r, env) {
      const pick = plan(r);
      const server = await startFaultServer(answer(200, METADATA, 'application/xml'), (info) => pick(info.n));
      return {
        args: [
          'check-version',
          '--version',
          '5.26.19',
          '--source-url',
          withCredentials(`${server.url}/maven-metadata.xml`, env.secrets['--source-url userinfo']),
          '--timeout',
          '2',
        ],
        close: () => server.close(),
      };
    },
  };
}

const pass = { exit: 0 } as const;
const failed = (failureKind: string) => ({ exit: 1, failureKind }) as const;

export const SCENARIOS: readonly Scenario[] = [
  api('api: latency', true, pass, (r) => {
    const ms = r.int(50, 600);
    return () => ({ kind: 'latency', ms });
  }),
  api('api: resets (transient)', true, pass, firstK({ kind: 'reset' }, 1, 3)),
  api('api: resets', false, failed('refused'), always({ kind: 'reset' })),
  api('api: black hole', false, failed('timeout'), always({ kind: 'blackhole' })),
  api('api: truncated body (transient)', true, pass, firstK({ kind: 'truncate' }, 1, 2)),
  api('api: truncated body', false, failed('refused'), always({ kind: 'truncate' })),
  api('api: endless body', false, failed('too-large'), always({ kind: 'endless' })),
  api('api: 5xx burst', true, pass, (r) => {
    // at most 3 failed attempts: the backoff before the 4th (0.25 + 0.5 + 1 s) stays inside the 3 s timeout
    const k = r.int(1, 3);
    const status = r.pick([500, 502, 503, 504]);
    return (n) => (n <= k ? { kind: 'status', status } : { kind: 'pass' });
  }),
  api('api: 5xx forever', false, failed('timeout'), always({ kind: 'status', status: 503 })),
  api('api: slow drip', false, failed('timeout'), (r) => {
    const tickMs = r.int(100, 400);
    return () => ({ kind: 'drip', tickMs });
  }),
  api('api: TLS self-signed', false, failed('tls'), always({ kind: 'pass' }), { tls: true }),
  api('api: stopped, restarted', true, pass, always({ kind: 'pass' }), { stopForMs: (r) => r.int(200, 900) }),
  api('api: redirect loop', false, failed('redirect-loop'), () => (_n, p) => ({
    kind: 'redirect',
    location: p.startsWith('/health') ? '/loop' : '/health',
  })),
  api(
    'api: redirect to another host',
    false,
    failed('wrong-answer'),
    always({ kind: 'redirect', location: 'http://login.example.invalid/health' }),
  ),
  api(
    'api: 200 saying "down"',
    false,
    failed('wrong-answer'),
    always({ kind: 'answer', status: 200, body: '{"status":"down"}' }),
  ),
  neo4j('neo4j: frozen server', false, failed('timeout'), () => () => ({ kind: 'blackhole' })),
  neo4j('neo4j: resets (transient)', true, pass, (r) => {
    const k = r.int(1, 3);
    return (n) => (n <= k ? { kind: 'reset' } : { kind: 'pass' });
  }),
  neo4j(
    'neo4j: stopped, restarted',
    true,
    pass,
    () => () => ({ kind: 'pass' }),
    (r) => r.int(300, 1500),
  ),
  neo4j('neo4j: latency', true, pass, (r) => {
    const ms = r.int(5, 60);
    return () => ({ kind: 'latency', ms });
  }),
  aws('aws: black hole', 'ecs-stable', false, failed('timeout'), always({ kind: 'blackhole' })),
  aws('aws: 5xx burst', 'ecs-stable', true, pass, firstK({ kind: 'status', status: 503 }, 1, 3)),
  aws('aws: endless body', 'ecs-stable', false, failed('too-large'), always({ kind: 'endless' })),
  aws('aws: latency', 'target-health', true, pass, (r) => {
    const ms = r.int(50, 500);
    return () => ({ kind: 'latency', ms });
  }),
  aws('aws: secret read black hole', 'neo4j', false, failed('timeout'), always({ kind: 'blackhole' })),
  ami('ami: EC2 black hole', false, { exit: 3, output: /no answer in time|timed out/ }, always({ kind: 'blackhole' })),
  ami('ami: EC2 endless body', false, { exit: 1, output: /too large/ }, always({ kind: 'endless' })),
  ami(
    'ami: EC2 5xx burst',
    true,
    { exit: 0, output: /"action":"reused"/ },
    firstK({ kind: 'status', status: 503 }, 1, 2),
  ),
  metadata('ami: metadata endless body', false, { exit: 1, output: /too large/ }, always({ kind: 'endless' })),
  metadata('ami: metadata slow drip', false, { exit: 3, output: /no answer in time|timed out/ }, (r) => {
    const tickMs = r.int(100, 400);
    return () => ({ kind: 'drip', tickMs });
  }),
];
