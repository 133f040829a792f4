/**
 * The rate-limit probe against stand-in limiters on real local HTTP servers, each keyed one way (the real app, keyed on
 * the socket address, is probed in __tests__/tools/rehearse/app-on-estate.test.ts): what it concludes, its figures and
 * findings, and that a result other than the app contract fails; and where the runner does not run it at all.
 */
import type { IncomingMessage } from 'node:http';
import { environmentConfig } from '../../config';
import { APP_RATE_LIMIT } from '../../contracts/app';
import { readRateLimitHeaders, runRateLimitProbe } from '../../verify/rate-limit';
import { runVerify } from '../../verify/runner';
import type { StepContext } from '../../verify/types';
import { failureOf } from '../support/step-failure';
import { send, startHttpServer, type TestHttpServer } from '../support/http-server';

const servers: TestHttpServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/**
 * A stand-in limiter: `limit` hits a window per key, `hits` per request, X-RateLimit-* fields unless `headers` is
 * false; the key is the socket address or the leftmost X-Forwarded-For (what `trust proxy` would give).
 */
async function limiter(opts: {
  key: 'socket' | 'forwarded';
  hits: number;
  limit?: number;
  headers?: boolean;
  never429?: boolean;
}) {
  const limit = opts.limit ?? APP_RATE_LIMIT.limit;
  const spent = new Map<string, number>();
  const keyOf = (req: IncomingMessage) =>
    opts.key === 'socket'
      ? String(req.socket.remoteAddress)
      : String(req.headers['x-forwarded-for'] ?? req.socket.remoteAddress)
          .split(',')[0]
          .trim();
  const s = await startHttpServer((req, res) => {
    const key = keyOf(req);
    const used = (spent.get(key) ?? 0) + opts.hits;
    spent.set(key, used);
    if (opts.headers !== false) {
      res.setHeader('X-RateLimit-Limit', String(limit));
      res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - used)));
      res.setHeader('X-RateLimit-Reset', String(Math.ceil(Date.now() / 1000) + 42));
    }
    if (used > limit && !opts.never429) return send(res, 429, 'Too many requests, please try again later');
    send(res, 200, { status: 'healthy' });
  });
  servers.push(s);
  return s;
}

const ctx = (apiUrl: string): StepContext => ({
  outputs: { source: 'test' },
  timeoutMs: 20_000,
  apiUrl,
  reportDir: '/tmp/verify-test-unused',
});

test("the app's shape (socket address, 2 hits a request): the shared-budget finding, and it matches the contract", async () => {
  const api = await limiter({ key: 'socket', hits: 2 });
  const result = await runRateLimitProbe(ctx(api.url));
  expect(result.figures).toMatchObject({
    key: 'socket-address',
    keyByHeaders: 'socket-address',
    limit: 100,
    hitsPerRequest: 2,
    requestsPerWindow: 50,
    servedBefore429: 47, // 50 minus the three header probes
    otherClientStatus: 429,
  });
  expect(Number(result.figures.resetSeconds)).toBeGreaterThanOrEqual(41); // the stand-in says 42 s (epoch seconds)
  expect(Number(result.figures.resetSeconds)).toBeLessThanOrEqual(43);
  expect(result.findings[0]).toMatch(/^all clients behind the load balancer share one rate-limit budget: /);
  expect(result.findings[1]).toMatch(/^each request spends 2 of the limit of 100/);
});

test('keyed on the forwarded address (trust proxy): a budget per client, no shared-budget finding, and the contract drift fails', async () => {
  const api = await limiter({ key: 'forwarded', hits: 1 });
  const failure = await failureOf(runRateLimitProbe(ctx(api.url)));
  expect(failure.kind).toBe('wrong-answer');
  expect(failure.figures).toMatchObject({ key: 'forwarded-address', hitsPerRequest: 1, otherClientStatus: 200 });
  expect(failure.message).toContain('measured a budget per forwarded address, 1 hits a request of 100');
  expect(failure.message).toContain('the app contract (contracts/app.ts APP_RATE_LIMIT) says socket address');
  expect(failure.findings).toEqual([]);
});

test('without rate-limit header fields the 429 for another client decides alone', async () => {
  const api = await limiter({ key: 'socket', hits: 2, headers: false });
  const result = await runRateLimitProbe(ctx(api.url));
  expect(result.figures).toMatchObject({ key: 'socket-address', servedBefore429: 47, otherClientStatus: 429 });
  expect(result.figures.hitsPerRequest).toBeUndefined();
  expect(result.findings).toHaveLength(1);
});

test('a limiter that never refuses is a wrong answer, bounded in requests', async () => {
  const api = await limiter({ key: 'socket', hits: 2, never429: true });
  const failure = await failureOf(runRateLimitProbe(ctx(api.url)));
  expect(failure.kind).toBe('wrong-answer');
  expect(failure.message).toContain('no 429 after 105 requests of one client');
  expect(api.requests).toBe(3 + 105);
});

test('a budget already spent before the probe is named as rate limited', async () => {
  const api = await limiter({ key: 'socket', hits: 60 });
  const failure = await failureOf(runRateLimitProbe(ctx(api.url)));
  expect(failure.kind).toBe('rate-limited');
  expect(failure.message).toContain('the budget was already spent before the probe');
});

test('header fields: legacy X-RateLimit-* (epoch reset) and draft-6 RateLimit-* (seconds)', () => {
  const now = 1_800_000_000_000;
  expect(
    readRateLimitHeaders(
      {
        status: 200,
        headers: { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '96', 'x-ratelimit-reset': '1800000030' },
      },
      now,
    ),
  ).toEqual({ status: 200, limit: 100, remaining: 96, resetSeconds: 30 });
  expect(
    readRateLimitHeaders({
      status: 429,
      headers: { 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': '7' },
    }),
  ).toEqual({ status: 429, limit: 10, remaining: 0, resetSeconds: 7 });
  expect(readRateLimitHeaders({ status: 200, headers: {} })).toEqual({ status: 200 });
});

test('the runner never probes where config says no (production), and sends it no request', async () => {
  const api = await limiter({ key: 'socket', hits: 2 });
  const report = await runVerify({
    stack: 'production',
    env: environmentConfig('production'),
    only: ['rate-limit'],
    apiUrl: api.url,
    reportDir: '/tmp/verify-test-unused',
  });
  const step = report.steps.find((s) => s.step === 'rate-limit')!;
  expect(step.status).toBe('skipped');
  expect(step.message).toContain('not in production: the probe spends a window of the rate-limit budget');
  expect(api.requests).toBe(0);
});
