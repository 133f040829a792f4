/** Pure parts: backoff, outputs formats, threshold evaluation, k6 summary parsing, report rendering, argument parsing. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LoadProfile } from '../../config';
import { parseArgs } from '../../verify/command';
import { InputError, StepFailure, UsageError } from '../../verify/errors';
import { chooseEngine } from '../../verify/load';
import { findK6, parseK6Summary } from '../../verify/load/k6-runner';
import { evaluateThresholds, k6Thresholds, percentile } from '../../verify/load/profile';
import { boltHost, parseNeo4jSecret } from '../../verify/neo4j';
import { checkOutputs, parseOutputs, readOutputsFile } from '../../verify/outputs';
import { renderMarkdown, writeReport, type VerifyReport } from '../../verify/report';
import { backoffDelay } from '../../lib/poll';
import { waitFor } from '../../verify/wait';

const profile: LoadProfile = {
  paths: ['/health'],
  virtualUsers: 2,
  durationSeconds: 1,
  thresholds: { p95Ms: 800, maxErrorRate: 0.01, minChecksRate: 0.99 },
};

describe('backoff', () => {
  test('grows by the factor, is capped, and jitter only shortens', () => {
    const opts = { timeoutMs: 1000, initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, opts, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, opts, () => 1)).toBe(200);
  });

  test('waitFor stops at once on a StepFailure and times out with the last reason', async () => {
    let calls = 0;
    await expect(
      waitFor(
        'x',
        async () => {
          calls++;
          throw new StepFailure({ kind: 'auth', detail: 'nope' });
        },
        { timeoutMs: 5000 },
      ),
    ).rejects.toMatchObject({ kind: 'auth', message: 'auth failure: nope' });
    expect(calls).toBe(1);
    await expect(
      waitFor('thing never ready', async () => ({ done: false, reason: 'still 0/1' }), {
        timeoutMs: 300,
        initialDelayMs: 50,
      }),
    ).rejects.toMatchObject({
      kind: 'timeout',
      detail: 'thing never ready — still 0/1 (gave up after 0.3 s)',
      message: 'timeout: thing never ready — still 0/1 (gave up after 0.3 s)',
    });
  });
});

describe('outputs', () => {
  const values = {
    cluster_name: 'c',
    service_name: 's',
    target_group_arn: 'tg',
    neo4j_secret_arn: 'sec',
    api_url: 'https://api',
    region: 'af-south-1',
  };

  test('cdktf outputs file, flat and nested by construct', () => {
    expect(parseOutputs({ staging: values }, 'staging', 'f')).toMatchObject({
      clusterName: 'c',
      apiUrl: 'https://api',
      region: 'af-south-1',
    });
    const nested = parseOutputs(
      { staging: { service: { cluster_name: 'c2', service_name: 's2' }, region: 'r' } },
      'staging',
      'f',
    );
    expect(nested).toMatchObject({ clusterName: 'c2', serviceName: 's2', region: 'r' });
  });

  test('a flat outputs document (one stack, no stack key) with nested construct objects', () => {
    expect(parseOutputs({ api_url: 'u', service: { cluster_name: 'c3' } }, 'staging', 'f')).toMatchObject({
      apiUrl: 'u',
      clusterName: 'c3',
    });
  });

  test('terraform output -json', () => {
    const doc = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, { value: v, type: 'string', sensitive: false }]),
    );
    expect(parseOutputs(doc, 'staging', 'f')).toMatchObject({
      clusterName: 'c',
      targetGroupArn: 'tg',
      neo4jSecretArn: 'sec',
    });
  });

  test('a file without the stack, a missing file and bad JSON are configuration errors', () => {
    expect(() => parseOutputs({ production: values }, 'staging', 'f')).toThrow(
      'has no stack "staging" (it has: production)',
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'verify-outputs-'));
    expect(() => readOutputsFile(path.join(dir, 'none.json'), 'staging')).toThrow(InputError);
    expect(() => readOutputsFile(path.join(dir, 'none.json'), 'staging')).toThrow(
      expect.objectContaining({ kind: 'input', exitCode: 2 }),
    );
    writeFileSync(path.join(dir, 'bad.json'), '{');
    expect(() => readOutputsFile(path.join(dir, 'bad.json'), 'staging')).toThrow(/not valid JSON/);
  });

  test('the outputs step names the outputs the selected steps need', () => {
    const outputs = parseOutputs({ staging: { cluster_name: 'c' } }, 'staging', 'out.json');
    expect(() => checkOutputs(outputs, ['outputs', 'ecs-stable', 'neo4j'])).toThrow(
      'missing: output(s) service_name, neo4j_secret_arn absent from out.json',
    );
    expect(checkOutputs(outputs, ['outputs', 'api-health']).figures.present).toBe(1);
  });
});

describe('neo4j secret', () => {
  test('names the missing keys, never the values', () => {
    const secret = JSON.stringify({
      ledgerspacebolturl: 'bolt://a:7687',
      ledgerspaceuser: 'neo4j',
      ledgerspacepass: 'TOPSECRET',
      searchspacebolturl: 'bolt://b:7687',
    });
    try {
      parseNeo4jSecret(secret, 'arn:secret');
      throw new Error('expected a failure');
    } catch (err) {
      expect(err).toBeInstanceOf(StepFailure);
      expect((err as StepFailure).kind).toBe('missing');
      expect((err as Error).message).toBe('missing: secret arn:secret lacks key(s) searchspaceuser, searchspacepass');
      expect((err as Error).message).not.toContain('TOPSECRET');
    }
    expect(boltHost('neo4j://user:pw@db.internal:7687')).toBe('neo4j://db.internal:7687');
  });
});

describe('load thresholds and k6', () => {
  test('percentiles and verdicts', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99)]).toEqual([50, 95, 99]);
    const verdicts = evaluateThresholds(profile, {
      p95Ms: 900,
      errorRate: 0.01,
      checksRate: 0.98,
      requests: 10,
      rateLimited: 1,
    });
    expect(verdicts.map((v) => v.ok)).toEqual([false, true, false, false]);
    expect(k6Thresholds(profile)).toEqual({
      served_duration: ['p(95)<800'],
      errors: ['rate<=0.01'],
      checks: ['rate>=0.99'],
      rate_limited: ['count==0'],
    });
  });

  test('the k6 script declares the same threshold expressions as the embedded engine', () => {
    const script = readFileSync(path.join(__dirname, '../../verify/k6-script/load-test.ts'), 'utf8');
    expect(script).toContain('served_duration: [`p(95)<${profile.thresholds.p95Ms}`]');
    expect(script).toContain('errors: [`rate<=${profile.thresholds.maxErrorRate}`]');
    expect(script).toContain('checks: [`rate>=${profile.thresholds.minChecksRate}`]');
    expect(script).toContain("rate_limited: ['count==0']");
  });

  test('k6 summaries: handleSummary shape and --summary-export shape (true = FAILED there)', () => {
    const handleSummary = {
      state: { testRunDurationMs: 30012 },
      metrics: {
        http_req_duration: {
          type: 'trend',
          values: { med: 12, 'p(95)': 41.5, 'p(99)': 80.2, max: 120 },
          thresholds: { 'p(95)<800': { ok: true } },
        },
        http_reqs: { type: 'counter', values: { count: 3000, rate: 99.9 } },
        http_req_failed: { type: 'rate', values: { rate: 0.02 }, thresholds: { 'rate<=0.01': { ok: false } } },
        checks: { type: 'rate', values: { rate: 0.98 }, thresholds: { 'rate>=0.99': { ok: false } } },
      },
    };
    const a = parseK6Summary(handleSummary, profile);
    expect(a).toMatchObject({
      engine: 'k6',
      requests: 3000,
      rps: 99.9,
      p95Ms: 41.5,
      p99Ms: 80.2,
      errorRate: 0.02,
      checksRate: 0.98,
      durationSeconds: 30.012,
    });
    expect(a.thresholds.map((t) => `${t.metric} ${t.expression} ${t.ok}`)).toEqual([
      'http_req_duration p(95)<800 true',
      'http_req_failed rate<=0.01 false',
      'checks rate>=0.99 false',
    ]);
    const exported = {
      metrics: {
        http_req_duration: { med: 10, 'p(95)': 900, max: 1000, thresholds: { 'p(95)<800': true } },
        http_reqs: { count: 10, rate: 1 },
        http_req_failed: { value: 0, passes: 0, fails: 10, thresholds: { 'rate<=0.01': false } },
      },
    };
    expect(parseK6Summary(exported, profile).thresholds.map((t) => t.ok)).toEqual([false, true]);
  });

  test('forcing k6 without k6 on PATH is a usage error; the default falls back to embedded', () => {
    expect(findK6('/nonexistent-dir')).toBeUndefined();
    expect(() => chooseEngine('k6', undefined)).toThrow(UsageError);
    expect(() => chooseEngine('k6', undefined)).toThrow(expect.objectContaining({ kind: 'usage', exitCode: 2 }));
    expect(chooseEngine(undefined, undefined)).toBe('embedded');
    expect(chooseEngine(undefined, '/usr/bin/k6')).toBe('k6');
    expect(chooseEngine('embedded', '/usr/bin/k6')).toBe('embedded');
  });
});

describe('report and arguments', () => {
  test('report.json, report.md, and the job summary appended', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'verify-report-'));
    const summary = path.join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier job output\n');
    const report: VerifyReport = {
      stack: 'staging',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      duration: 1000,
      passed: false,
      steps: [
        {
          step: 'api-health',
          status: 'passed',
          duration: 12,
          figures: { status: 200, latencyMs: 3 },
          message: 'GET /health -> 200',
        },
        {
          step: 'smoke',
          status: 'failed',
          duration: 5,
          figures: {},
          message: 'wrong answer: a | b',
          failureKind: 'wrong-answer',
        },
      ],
    };
    writeReport(dir, report, { GITHUB_STEP_SUMMARY: summary });
    expect(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'))).toEqual(report);
    const md = readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(md).toBe(renderMarkdown(report));
    expect(md).toContain('## verify: staging — FAILED');
    expect(md).toContain('| api-health | ✅ passed | 12 ms | status: 200, latencyMs: 3 | GET /health -> 200 |');
    expect(md).toContain('wrong answer: a \\| b');
    // The job summary is the same report, except that its charts are named, not linked (a relative link is broken there).
    const table = md.slice(0, md.indexOf('### Charts'));
    const appended = readFileSync(summary, 'utf8');
    expect(appended.startsWith(`# earlier job output\n${table}### Charts`)).toBe(true);
    expect(appended).not.toContain('](charts/');
  });

  test.each([
    [['--only', 'api-health,bogus'], /unknown step "bogus"/],
    [['--timeout', '-3'], /--timeout: needs a positive number/],
    [['--load-engine', 'jmeter'], /--load-engine: k6 or embedded/],
    [['--api-url', 'ftp://x'], /needs an http\(s\) URL/],
    [['--stack', 'qa'], /unknown stack "qa" \(known: staging, production\)/],
    [['--stack'], /--stack needs a value/],
    [['--frobnicate'], /unknown option --frobnicate/],
    [['staging'], /unexpected argument "staging" \(did you mean --stack staging\?\)/],
  ])('usage error: %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });

  test('accepts --flag=value and lists', () => {
    expect(
      parseArgs(['--stack=staging', '--skip', 'load,smoke', '--timeout=10', '--load-engine', 'embedded']),
    ).toMatchObject({
      stack: 'staging',
      skip: ['load', 'smoke'],
      timeout: 10,
      loadEngine: 'embedded',
    });
  });
});

describe('failure kinds are fields', () => {
  test('a StepFailure carries its kind, writes the label from it, and exits 1 if it ever escaped', () => {
    const failure = new StepFailure({
      kind: 'refused',
      detail: 'GET http://x/health: connection refused',
      reason: 'connection refused',
      figures: { attempts: 2 },
    });
    expect(failure).toMatchObject({
      kind: 'refused',
      exitCode: 1,
      reason: 'connection refused',
      figures: { attempts: 2 },
    });
    expect(failure.message).toBe('refused/unreachable: GET http://x/health: connection refused');
    // A failure that lists others keeps its message as given, and its own kind.
    expect(new StepFailure({ kind: 'timeout', message: '2 spaces failed: a; b' })).toMatchObject({
      kind: 'timeout',
      message: '2 spaces failed: a; b',
      detail: '2 spaces failed: a; b',
    });
  });

  test.each([
    [['--bogus'], 'usage'],
    [['--stack', 'qa'], 'usage'],
    [['--timeout'], 'usage'],
  ])('parseArgs(%j) throws a usage error (a field, exit 2)', (argv, kind) => {
    expect(() => parseArgs(argv)).toThrow(expect.objectContaining({ kind, exitCode: 2 }));
  });
});

describe('waitFor bounds a hanging attempt', () => {
  test('an attempt that never settles ends at the budget as a timeout', async () => {
    const started = Date.now();
    await expect(waitFor('hung connect', () => new Promise(() => undefined), { timeoutMs: 300 })).rejects.toThrow(
      /^timeout: hung connect — no answer within the remaining \d+ ms \(gave up after 0\.3 s\)$/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
