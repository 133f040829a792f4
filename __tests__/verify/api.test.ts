/** api-health, smoke and the embedded load engine against real local HTTP servers. */
import type { LoadProfile, SmokeTest } from '../../config';
import { environmentConfig } from '../../config';
import { runApiHealth } from '../../verify/api-health';
import { runLoad } from '../../verify/load';
import { runEmbeddedLoad } from '../../verify/load/embedded';
import { runSmoke } from '../../verify/smoke';
import type { StepContext } from '../../verify/types';
import { freePort } from '../support/ports';
import { send, startHttpServer, type TestHttpServer } from '../support/http-server';
import { failureOf } from '../support/step-failure';

const staging = environmentConfig('staging');

function context(apiUrl: string | undefined, timeoutMs: number): StepContext {
  return { outputs: { source: 'test' }, env: staging, timeoutMs, apiUrl, reportDir: '/tmp/verify-test-unused' };
}

const servers: TestHttpServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function server(handler: Parameters<typeof startHttpServer>[0]): Promise<TestHttpServer> {
  const s = await startHttpServer(handler);
  servers.push(s);
  return s;
}

describe('api-health', () => {
  test('a healthy API passes with status, latency and body recorded', async () => {
    const api = await server((req, res) =>
      req.url === '/health' ? send(res, 200, { status: 'healthy', db: 'up' }) : send(res, 404, 'nope'),
    );
    const result = await runApiHealth(context(api.url, 5000));
    expect(result.figures).toMatchObject({ status: 200, attempts: 1 });
    expect(result.figures.body).toContain('"status":"healthy"');
    expect(typeof result.figures.latencyMs).toBe('number');
    expect(result.message).toContain(`${api.url}/health -> 200`);
  });

  test('503 twice then 200: the retry succeeds and the earlier answers are reported', async () => {
    const api = await server((_req, res, n) =>
      n <= 2 ? send(res, 503, 'starting') : send(res, 200, { status: 'healthy' }),
    );
    const result = await runApiHealth(context(api.url, 10_000));
    expect(api.requests).toBe(3);
    expect(result.figures.attempts).toBe(3);
    expect(result.message).toContain('earlier: 503, 503');
  });

  test('never healthy: a timeout failure within the timeout, naming the URL and the last status', async () => {
    const api = await server((_req, res) => send(res, 503, 'still starting'));
    const started = Date.now();
    const failure = await failureOf(runApiHealth(context(api.url, 2000)));
    const elapsed = Date.now() - started;
    expect(failure.kind).toBe('timeout');
    expect(failure.message).toMatch(
      /^timeout: API health GET http:\/\/127\.0\.0\.1:\d+\/health — last answer HTTP 503 still starting \(gave up after 2 s\)/,
    );
    expect(elapsed).toBeLessThan(2000 + 1500);
    expect(api.requests).toBeGreaterThan(1);
  });

  test('nothing listening: a refused failure, not a timeout', async () => {
    const port = await freePort();
    const failure = await failureOf(runApiHealth(context(`http://127.0.0.1:${port}`, 1500)));
    expect(failure.kind).toBe('refused');
    expect(failure.message).toContain('connection refused');
  });

  test('slow but within the timeout: passes and the latency shows the delay', async () => {
    const api = await server((_req, res) => void setTimeout(() => send(res, 200, { status: 'healthy' }), 400));
    const result = await runApiHealth(context(api.url, 5000));
    expect(result.figures.latencyMs).toBeGreaterThanOrEqual(380);
  });

  test('slower than the timeout: a timeout failure', async () => {
    const api = await server((_req, res) => void setTimeout(() => send(res, 200, 'too late'), 3000));
    const started = Date.now();
    const failure = await failureOf(runApiHealth(context(api.url, 1000)));
    expect(failure.kind).toBe('timeout');
    expect(failure.message).toMatch(/no answer (in time|within the remaining \d+ ms)/);
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

describe('smoke', () => {
  const tests: SmokeTest[] = [
    { name: 'health', method: 'GET', path: '/health', expectStatus: 200, expectBodyIncludes: ['ok'] },
    { name: 'unknown route is 404', method: 'GET', path: '/no-such-route', expectStatus: 404 },
    {
      name: 'echo',
      method: 'POST',
      path: '/echo',
      body: { hello: 'world' },
      expectStatus: 201,
      expectBodyIncludes: ['world'],
    },
  ];

  test('all declared requests answer as expected', async () => {
    const api = await server(async (req, res) => {
      if (req.url === '/health') return send(res, 200, 'ok');
      if (req.url === '/echo' && req.method === 'POST') return send(res, 201, 'echo: world');
      return send(res, 404, 'not found');
    });
    const result = await runSmoke(context(api.url, 5000), tests);
    expect(result.figures).toEqual({ tests: 3, passed: 3, failed: 0 });
  });

  test('a 429 is named as rate limited, not as a wrong answer', async () => {
    const api = await server((_req, res) => send(res, 429, 'Too many requests, please try again later'));
    const failure = await failureOf(runSmoke(context(api.url, 5000), tests.slice(0, 1)));
    expect(failure.kind).toBe('rate-limited');
    expect(failure.message).toContain('[health] rate limited: GET');
  });

  test('a wrong status and a missing body fragment are named', async () => {
    const api = await server((req, res) =>
      req.url === '/health' ? send(res, 200, 'degraded') : send(res, 500, 'boom'),
    );
    const failure = await failureOf(runSmoke(context(api.url, 5000), tests));
    expect(failure.kind).toBe('wrong-answer');
    expect(failure.figures).toMatchObject({ tests: 3, passed: 0, failed: 3 });
    expect(failure.message).toContain('[health] wrong answer: GET');
    expect(failure.message).toContain('body lacks "ok"');
    expect(failure.message).toContain('status 500, expected 404');
  });
});

describe('load (embedded engine)', () => {
  const profile = (overrides: Partial<LoadProfile['thresholds']> = {}): LoadProfile => ({
    paths: ['/health', '/items'],
    virtualUsers: 4,
    durationSeconds: 1,
    thresholds: { p95Ms: 500, maxErrorRate: 0.01, minChecksRate: 0.99, ...overrides },
  });

  test('a load run produces real figures and passing thresholds', async () => {
    const hits = new Map<string, number>();
    const api = await server((req, res) => {
      hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
      send(res, 200, 'ok');
    });
    const figures = await runEmbeddedLoad(api.url, profile());
    expect(figures.engine).toBe('embedded');
    expect(figures.requests).toBeGreaterThan(50);
    // Every completed request reached the server; at most one in flight per connection when the run stopped.
    expect(figures.requests).toBeLessThanOrEqual(api.requests);
    expect(figures.requests).toBeGreaterThanOrEqual(api.requests - 4);
    expect(hits.get('/health')).toBeGreaterThan(10);
    expect(hits.get('/items')).toBeGreaterThan(10);
    expect(figures.rps).toBeGreaterThan(0);
    expect(figures.p95Ms).toBeGreaterThanOrEqual(figures.p50Ms);
    expect(figures.p99Ms).toBeGreaterThanOrEqual(figures.p95Ms);
    expect(figures.errorRate).toBe(0);
    expect(figures.checksRate).toBe(1);
    expect(figures.thresholds.map((t) => [t.metric, t.expression, t.ok])).toEqual([
      ['served_duration', 'p(95)<500', true],
      ['errors', 'rate<=0.01', true],
      ['checks', 'rate>=0.99', true],
      ['rate_limited', 'count==0', true],
    ]);
  });

  test("the step's signal ends a long run early: a 30 s profile stops soon after the abort", async () => {
    const api = await server((_req, res) => send(res, 200, 'ok'));
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort('deadline'), 300);
    const figures = await runLoad(
      {
        ...context(api.url, 30_000),
        loadEngine: 'embedded',
        signal: abort.signal,
        reportDir: '/tmp/verify-test-abort',
      },
      { ...profile(), durationSeconds: 30 },
    );
    expect(Date.now() - started).toBeLessThan(5000); // the profile asks for 30 s
    expect(Number(figures.figures.requests)).toBeGreaterThan(0);
  });

  test('errors and slow answers fail the matching thresholds, and the step names them', async () => {
    // Every 4th request fails with 500; every answer takes ~30 ms.
    const api = await server((_req, res, n) => void setTimeout(() => send(res, n % 4 === 0 ? 500 : 200, 'x'), 30));
    const ctx: StepContext = { ...context(api.url, 10_000), loadEngine: 'embedded' };
    const failure = await failureOf(runLoad(ctx, profile({ p95Ms: 5 })));
    expect(failure.kind).toBe('wrong-answer');
    expect(failure.figures.engine).toBe('embedded');
    expect(Number(failure.figures.errorRate)).toBeGreaterThan(0.2);
    expect(Number(failure.figures.errorRate)).toBeLessThan(0.3);
    expect(Number(failure.figures.p95Ms)).toBeGreaterThanOrEqual(25);
    expect(failure.figures['threshold served_duration p(95)<5']).toBe('FAIL');
    expect(failure.figures['threshold errors rate<=0.01']).toBe('FAIL');
    expect(failure.figures['threshold checks rate>=0.99']).toBe('FAIL');
    expect(failure.figures['threshold rate_limited count==0']).toBe('pass');
    expect(failure.message).toMatch(/thresholds FAILED: served_duration p\(95\)<5 \(actual \d/);
  });

  test('nothing listening: the load step is a refused failure, not a threshold verdict', async () => {
    const port = await freePort();
    const failure = await failureOf(
      runLoad({ ...context(`http://127.0.0.1:${port}`, 10_000), loadEngine: 'embedded' }, profile()),
    );
    expect(failure.kind).toBe('refused');
    expect(failure.message).toMatch(
      new RegExp(
        `^refused/unreachable: load on http://127.0.0.1:${port}: no request got an answer; embedded: \\d+ requests`,
      ),
    );
    expect(failure.figures.errorRate).toBe(1);
  });

  test('the step passes on a healthy server and says which engine ran', async () => {
    const api = await server((_req, res) => send(res, 200, 'ok'));
    const result = await runLoad({ ...context(api.url, 10_000), loadEngine: 'embedded' }, profile());
    expect(result.figures.engine).toBe('embedded');
    expect(result.message).toMatch(
      /^embedded: \d+ requests, [\d.]+\/s, \d+ served \(p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms\), rate limited 0, errors 0\.00%, checks 100\.00%; thresholds passed$/,
    );
  });

  test('429 answers are their own kind: counted as rate limited, neither passes nor errors, and the step fails on them', async () => {
    // Every 3rd request is refused by a limiter; the others are served in ~20 ms, the refusals at once.
    const api = await server((_req, res, n) =>
      n % 3 === 0 ? send(res, 429, 'Too many requests') : void setTimeout(() => send(res, 200, 'ok'), 20),
    );
    const paced: LoadProfile = { ...profile(), paths: ['/health'], requestsPerMinute: 1200, durationSeconds: 1.5 };
    const failure = await failureOf(runLoad({ ...context(api.url, 10_000), loadEngine: 'embedded' }, paced));
    expect(failure.kind).toBe('rate-limited');
    expect(failure.figures).toMatchObject({ requests: 30, rateLimited: 10, served: 20, errorRate: 0 });
    expect(failure.figures.checksRate).toBeCloseTo(20 / 30, 3);
    // The percentiles are of the served answers: the instant refusals do not pull them down.
    expect(Number(failure.figures.p50Ms)).toBeGreaterThanOrEqual(15);
    expect(failure.message).toMatch(
      /^rate limited: load on .*: 10 of 30 requests refused by the app's rate limit \(429\)/,
    );
  });

  test('a paced profile starts its requests at the pace, whatever the answers, and drops what finds no free user', async () => {
    const starts: number[] = [];
    const api = await server((_req, res) => {
      starts.push(Date.now());
      setTimeout(() => send(res, 200, 'ok'), 250); // slower than the pace
    });
    const paced: LoadProfile = {
      ...profile(),
      paths: ['/health'],
      virtualUsers: 2,
      requestsPerMinute: 600,
      durationSeconds: 2,
    };
    const figures = await runEmbeddedLoad(api.url, paced);
    // 20 due in 2 s, one every 100 ms; two in flight at most, each 250 ms: about 8 start, the rest are dropped.
    expect(figures.requests + (figures.dropped ?? 0)).toBe(20);
    expect(figures.dropped).toBeGreaterThan(5);
    expect(starts.length).toBe(figures.requests);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(90);
  });
});
