/**
 * The problems of issue 13, one test each, against real local servers that misbehave (the fault injectors of
 * __tests__/faults/proxies.ts): every wait ends within the step's timeout plus the documented grace, bodies are
 * bounded, verdicts name the real cause, credentials never reach an output, interrupts leave a true report.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { environmentConfig } from '../../config';
import { runApiHealth } from '../../verify/api-health';
import { runEcsStable } from '../../verify/ecs-stable';
import { httpRequest } from '../../verify/http';
import { checkSpace, neo4jErrorKind } from '../../verify/neo4j';
import { STEP_GRACE_MS, runVerify } from '../../verify/runner';
import type { StepContext } from '../../verify/types';
import { answer, selfSignedCert, startFaultServer, type FaultServer, type HttpFault } from '../faults/proxies';
import { bundleForTest } from '../support/bundle';
import { failureOf } from './helpers/failure';

const staging = environmentConfig('staging');
const servers: FaultServer[] = [];
let outdir: string;
let CLI: string;

beforeAll(() => {
  outdir = bundleForTest(['verify/cli.ts']);
  CLI = path.join(outdir, 'verify', 'cli.js');
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(outdir, { recursive: true, force: true });
});

async function faulty(plan: (n: number, p: string) => HttpFault, body = '{"status":"healthy"}', tls = false) {
  const s = await startFaultServer(answer(200, body), (i) => plan(i.n, i.path), tls ? selfSignedCert() : undefined);
  servers.push(s);
  return s;
}

const ctx = (over: Partial<StepContext>): StepContext => ({
  outputs: { source: 'test' },
  env: staging,
  timeoutMs: 2000,
  reportDir: '/tmp/verify-unused',
  ...over,
});

describe('every wait has one deadline', () => {
  test('neo4j: a Secrets Manager endpoint that accepts and never answers ends with the step (the read is inside the bound)', async () => {
    const aws = await faulty(() => ({ kind: 'blackhole' }));
    const started = Date.now();
    const report = await runVerify({
      only: ['neo4j'],
      outputs: { source: 'test', region: 'af-south-1', neo4jSecretArn: 'arn:aws:secretsmanager:af-south-1:1:secret:x' },
      endpointUrl: aws.url,
      timeoutSeconds: 1,
      reportDir: '/tmp/verify-unused',
    });
    const step = report.steps.find((s) => s.step === 'neo4j')!;
    expect(step.failureKind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000 + STEP_GRACE_MS);
  }, 30_000);

  test('ecs-stable: the stopped-task lookup after the deadline is bounded too', async () => {
    const inProgress = readFileSync(path.join(__dirname, 'fixtures', 'ecs-in-progress.json'), 'utf8');
    // DescribeServices answers "still rolling out"; ListTasks (the stopped-task lookup) never answers.
    const ecs = await startFaultServer(answer(200, inProgress, 'application/x-amz-json-1.1'), (i) =>
      i.action === 'ListTasks' ? { kind: 'blackhole' } : { kind: 'pass' },
    );
    servers.push(ecs);
    const started = Date.now();
    const failure = await failureOf(
      runEcsStable(
        ctx({
          outputs: { source: 'test', region: 'af-south-1', clusterName: 'credex-staging', serviceName: 'credex-api' },
          endpointUrl: ecs.url,
          timeoutMs: 1000,
        }),
      ),
    );
    expect(failure.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1000 + STEP_GRACE_MS);
  }, 30_000);
});

describe('every body has a limit', () => {
  test('an endless body is read up to 64 KiB, then cut: the health step fails as "too large", quickly', async () => {
    const api = await faulty(() => ({ kind: 'endless' }));
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const failure = await failureOf(runApiHealth(ctx({ apiUrl: api.url, timeoutMs: 1500 })));
    expect(failure.kind).toBe('too-large');
    expect(failure.message).toMatch(/^too large: API health GET .* answer larger than 65536 bytes \(cut there\)/);
    expect(failure.figures.bodyBytes).toBe(65537);
    expect(Date.now() - started).toBeLessThan(1500 + 1000);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  test('a body that drips forever ends at the deadline as a timeout', async () => {
    const api = await faulty(() => ({ kind: 'drip', tickMs: 100 }));
    const started = Date.now();
    await expect(httpRequest(`${api.url}/health`, { timeoutMs: 800 })).rejects.toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('verdicts that mean what they say', () => {
  test('200 with {"status":"down"} fails as a wrong answer (the app contract says healthy is status == "healthy")', async () => {
    const api = await faulty(() => ({ kind: 'answer', status: 200, body: '{"status":"down"}' }));
    const failure = await failureOf(runApiHealth(ctx({ apiUrl: api.url, timeoutMs: 1000 })));
    expect(failure.kind).toBe('wrong-answer');
    expect(failure.message).toContain('status is "down", expected "healthy"');
  });

  test('a redirect to another host is not followed, even when that host answers 200', async () => {
    const other = await faulty(() => ({ kind: 'pass' }));
    // 127.0.0.2 is another origin than 127.0.0.1, and answers healthy
    const api = await faulty(() => ({
      kind: 'redirect',
      location: other.url.replace('127.0.0.1', 'localhost') + '/health',
    }));
    const failure = await failureOf(runApiHealth(ctx({ apiUrl: api.url, timeoutMs: 1000 })));
    expect(failure.kind).toBe('wrong-answer');
    expect(failure.message).toMatch(/redirect to another host http:\/\/localhost:\d+\/health \(not followed\)/);
    expect(other.requests).toBe(0);
  });

  test('a redirect loop is named as one', async () => {
    const api = await faulty((_n, p) => ({ kind: 'redirect', location: p === '/health' ? '/a' : '/health' }));
    const failure = await failureOf(runApiHealth(ctx({ apiUrl: api.url, timeoutMs: 1000 })));
    expect(failure.kind).toBe('redirect-loop');
    expect(failure.message).toMatch(/^redirect loop: .*redirect loop/);
  });

  test('a self-signed certificate is a tls failure with the reason', async () => {
    const api = await faulty(() => ({ kind: 'pass' }), undefined, true);
    const failure = await failureOf(runApiHealth(ctx({ apiUrl: api.url, timeoutMs: 1000 })));
    expect(failure.kind).toBe('tls');
    expect(failure.message).toMatch(/^tls: .*self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
  });

  test('the driver\'s "Connection acquisition timed out" (code N/A, a frozen server) is transient, not an error', () => {
    const err = Object.assign(
      new Error(
        'Connection acquisition timed out in 10000 ms. Pool status: Active conn count = 2, Idle conn count = 0.',
      ),
      { code: 'N/A' },
    );
    expect(neo4jErrorKind(err)).toBeUndefined(); // retried; the wait then ends as a timeout
  });

  test('a Neo4j server frozen mid-connection (accepts, never answers) is a timeout', async () => {
    const sockets = new Set<Socket>();
    const frozen = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
    });
    await new Promise<void>((r) => frozen.listen(0, '127.0.0.1', r));
    const port = (frozen.address() as { port: number }).port;
    try {
      const failure = await failureOf(
        // longer than the driver's 5 s connection timeout: its "timed out" error must not end the wait as an error
        checkSpace({ name: 'LedgerSpace', url: `bolt://127.0.0.1:${port}`, user: 'neo4j', password: 'pw' }, {}, 5500),
      );
      expect(failure.kind).toBe('timeout');
      expect(failure.message).toMatch(
        /^timeout: LedgerSpace Neo4j at bolt:\/\/127\.0\.0\.1:\d+ unreachable — no answer/,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      frozen.close();
    }
  }, 20_000);
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  onStart?: (kill: (s: NodeJS.Signals) => void) => void,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, CI: 'true', GITHUB_STEP_SUMMARY: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
      if (onStart && stdout.includes('running')) {
        const kill = onStart;
        onStart = undefined;
        kill((s) => child.kill(s));
      }
    });
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** stdout, stderr and every file under `dir`. */
const everything = (dir: string, r: Run) =>
  [
    r.stdout,
    r.stderr,
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(path.join(e.parentPath ?? e.path, e.name), 'utf8')),
  ].join('\n');

describe('no secret in any output; interruptions leave a true record', () => {
  test('--api-url with user:password: sent as HTTP Basic, redacted from stdout, report files and job summary', async () => {
    let seen = '';
    const api = await startFaultServer(
      (req, _body, res) => {
        seen = req.headers.authorization ?? '';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"healthy"}');
      },
      () => ({ kind: 'pass' }),
    );
    servers.push(api);
    const dir = mkdtempSync(path.join(tmpdir(), 'verify-redact-'));
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, '');
    const url = api.url.replace('http://', 'http://admin:Pw-0f-the-API@');
    const r = await run(
      ['--stack', 'staging', '--only', 'api-health', '--api-url', url, '--timeout', '5', '--report-dir', dir],
      {
        GITHUB_STEP_SUMMARY: summary,
      },
    );
    expect(r.code).toBe(0);
    expect(seen).toBe(`Basic ${Buffer.from('admin:Pw-0f-the-API').toString('base64')}`);
    const all = everything(dir, r);
    expect(all).not.toContain('Pw-0f-the-API');
    expect(all).toContain('http://admin:***@127.0.0.1');
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGINT while a step waits: the report of the steps so far is written, marked interrupted, exit 130', async () => {
    const api = await faulty(() => ({ kind: 'blackhole' }));
    const dir = mkdtempSync(path.join(tmpdir(), 'verify-int-'));
    const r = await run(
      ['--only', 'api-health', '--api-url', api.url, '--timeout', '30', '--report-dir', dir],
      {},
      (kill) => setTimeout(() => kill('SIGINT'), 300),
    );
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('verify: interrupted by SIGINT\n');
    expect(r.stdout).toMatch(/verify: INTERRUPTED by SIGINT \(done: none\) — report /);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    expect(report).toMatchObject({ passed: false, interrupted: 'SIGINT' });
    expect(report.steps.find((s: { step: string }) => s.step === 'api-health').message).toMatch(
      /^interrupted by SIGINT after \d/,
    );
    expect(readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain('INTERRUPTED (SIGINT)');
    rmSync(dir, { recursive: true, force: true });
  }, 20_000);

  test('an unwritable GITHUB_STEP_SUMMARY is a warning: every step passed, exit 0', async () => {
    const api = await faulty(() => ({ kind: 'pass' }));
    const dir = mkdtempSync(path.join(tmpdir(), 'verify-sum-'));
    // A path under a regular file cannot be written, whoever runs the test (root included).
    const notADirectory = path.join(dir, 'file');
    writeFileSync(notADirectory, '');
    const r = await run(
      ['--only', 'api-health', '--api-url', api.url, '--timeout', '5', '--report-dir', path.join(dir, 'r')],
      {
        GITHUB_STEP_SUMMARY: path.join(notADirectory, 'summary.md'),
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verify: PASSED (1 step)');
    expect(r.stderr).toMatch(
      /^verify: warning: could not append to \$GITHUB_STEP_SUMMARY \(ENOTDIR\); the report is in /,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
