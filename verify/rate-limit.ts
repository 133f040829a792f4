/**
 * Step rate-limit: how does the app key its rate limit, and what does one client really get? Only where the
 * environment allows it (config `verify.rateLimitProbe`: staging and local runs, never production), because it spends
 * a whole window of the budget: behind the load balancer, possibly every client's.
 *
 * 1. Three requests of the health path as two made-up clients, A then B twice, told apart only by X-Forwarded-For
 *    (documentation addresses, RFC 5737). The app's X-RateLimit-* header fields tell whether B spent from A's budget
 *    (one key for both: the socket address) and how many hits one request costs.
 * 2. Requests as A until the first 429, then one as B: a 429 for B is the plain fact that A's requests spent B's
 *    budget. This step decides; the header fields (when the app sends them) add the figures.
 *
 * The result is compared with the app contract (contracts/app.ts APP_RATE_LIMIT), from which the load step's pace is
 * derived: a difference fails the step as a wrong answer. Keyed on the socket address, the step reports the finding
 * that all clients behind the load balancer share one rate-limit budget.
 *
 * Seen through the load balancer, the app's key could also be the address the load balancer appends to
 * X-Forwarded-For (trust proxy = 1): one verify client cannot tell that from the socket address, so the message says
 * so; a local run (the rehearsal) has no proxy in between and tells them apart.
 */
import { APP_HEALTH, APP_RATE_LIMIT } from '../contracts/app';
import { redactUrl } from '../lib/redact';
import { StepFailure } from './errors';
import { httpRequest, joinUrl, type HttpAnswer } from './http';
import type { Figures, StepContext } from './types';

/** What one probe request saw: its status and the app's rate-limit header fields, when sent. */
export interface ProbeAnswer {
  readonly status: number;
  readonly limit?: number;
  readonly remaining?: number;
  /** Seconds until the key's window resets. */
  readonly resetSeconds?: number;
}

/** Reads the legacy (X-RateLimit-*) or draft-6 (RateLimit-*) header fields of express-rate-limit. */
export function readRateLimitHeaders(answer: Pick<HttpAnswer, 'status' | 'headers'>, nowMs = Date.now()): ProbeAnswer {
  const h = answer.headers;
  const num = (...names: string[]) => {
    for (const n of names) {
      const v = Number(h[n]);
      if (h[n] !== undefined && Number.isFinite(v)) return v;
    }
    return undefined;
  };
  const limit = num('x-ratelimit-limit', 'ratelimit-limit');
  const remaining = num('x-ratelimit-remaining', 'ratelimit-remaining');
  // Legacy: X-RateLimit-Reset is an epoch second; draft-6 RateLimit-Reset is seconds from now.
  const epoch = num('x-ratelimit-reset');
  const relative = num('ratelimit-reset', 'retry-after');
  const resetSeconds =
    epoch !== undefined ? Math.max(0, Math.round(epoch - nowMs / 1000)) : relative !== undefined ? relative : undefined;
  return { status: answer.status, limit, remaining, resetSeconds };
}

/** How the three header-carrying answers (A, B, B) read, or undefined when the app sends no header fields. */
export function judgeHeaders(
  a: ProbeAnswer,
  b1: ProbeAnswer,
  b2: ProbeAnswer,
): { key: 'socket-address' | 'forwarded-address' | 'unclear'; hitsPerRequest?: number } | undefined {
  if (a.remaining === undefined || b1.remaining === undefined || b2.remaining === undefined) return undefined;
  const hits = b1.remaining - b2.remaining; // two requests of B in a row: what one costs (plus others' traffic)
  // A fresh key for B starts where A's fresh key did; a shared key has less left after A's request.
  if (b1.remaining < a.remaining) return { key: 'socket-address', hitsPerRequest: hits > 0 ? hits : undefined };
  if (b1.remaining === a.remaining && a.limit !== undefined)
    return { key: 'forwarded-address', hitsPerRequest: a.limit - a.remaining };
  return { key: 'unclear' };
}

/** A documentation address (RFC 5737) in `prefix` with a random last part, standing for one made-up client. */
function madeUpClient(prefix: string, random: () => number): string {
  return `${prefix}.${1 + Math.floor(random() * 254)}`;
}

export async function runRateLimitProbe(
  ctx: StepContext,
  random: () => number = Math.random,
): Promise<{ message: string; figures: Figures; findings: string[] }> {
  if (!ctx.apiUrl) throw new StepFailure({ kind: 'missing', detail: 'no API URL for the rate-limit probe' });
  const url = joinUrl(ctx.apiUrl, ctx.outputs.healthPath ?? APP_HEALTH.path);
  const shown = redactUrl(url);
  const deadline = Date.now() + ctx.timeoutMs;
  const a = madeUpClient('198.51.100', random);
  const b = madeUpClient('203.0.113', random);
  let sent = 0;
  const ask = async (client: string): Promise<ProbeAnswer> => {
    const left = deadline - Date.now();
    if (left <= 0)
      throw new StepFailure({
        kind: 'timeout',
        detail: `rate-limit probe on ${shown}: ran out of time after ${sent} requests`,
      });
    sent++;
    const answer = await httpRequest(url, {
      headers: { 'x-forwarded-for': client },
      timeoutMs: left,
      signal: ctx.signal,
      followRedirects: false,
    });
    return readRateLimitHeaders(answer);
  };

  // 1. The header fields: A, B, B.
  const first = [await ask(a), await ask(b), await ask(b)];
  if (first.some((p) => p.status === 429))
    throw new StepFailure({
      kind: 'rate-limited',
      detail: `rate-limit probe on ${shown}: the budget was already spent before the probe (HTTP 429); run it after a quiet minute`,
    });
  const byHeaders = judgeHeaders(first[0], first[1], first[2]);

  // 2. Spend A's budget to the first 429, then ask as B.
  const limit = first[0].limit ?? APP_RATE_LIMIT.limit;
  const bound = limit + 5; // no key of this limit can serve more requests than hits in a window
  let servedBefore429 = 0;
  let refusal: ProbeAnswer | undefined;
  while (servedBefore429 < bound) {
    const answer = await ask(a);
    if (answer.status === 429) {
      refusal = answer;
      break;
    }
    servedBefore429++;
  }
  if (!refusal)
    throw new StepFailure({
      kind: 'wrong-answer',
      detail: `rate-limit probe on ${shown}: no 429 after ${bound} requests of one client; the app contract (contracts/app.ts) says ${APP_RATE_LIMIT.limit} hits a ${APP_RATE_LIMIT.windowSeconds} s window`,
      figures: { requests: sent, servedBefore429 },
    });
  const other = await ask(b);
  const key = other.status === 429 ? 'socket-address' : 'forwarded-address';

  const hits = byHeaders?.hitsPerRequest;
  const figures: Figures = {
    requests: sent,
    key,
    servedBefore429,
    otherClientStatus: other.status,
  };
  if (first[0].limit !== undefined) figures.limit = first[0].limit;
  if (hits !== undefined) {
    figures.hitsPerRequest = hits;
    figures.requestsPerWindow = Math.floor(limit / hits);
  }
  if (refusal.resetSeconds !== undefined) figures.resetSeconds = refusal.resetSeconds;
  if (byHeaders) figures.keyByHeaders = byHeaders.key;

  const findings: string[] = [];
  const perWindow = hits ? Math.floor(limit / hits) : undefined;
  if (key === 'socket-address')
    findings.push(
      `all clients behind the load balancer share one rate-limit budget: the app keys its limit on the socket address (a client with another X-Forwarded-For was refused with 429 once one client had spent it), so behind the load balancer every client counts as the load balancer node: ${perWindow ?? limit} requests a ${APP_RATE_LIMIT.windowSeconds} s window for all of them together, the load balancer's health checks included`,
    );
  if (hits !== undefined && hits > 1)
    findings.push(
      `each request spends ${hits} of the limit of ${limit}: the app mounts its limiter ${hits} times (src/middleware/securityConfig.ts and src/index.ts), so a client gets ${perWindow} requests a window, not ${limit}`,
    );

  const measured = `${key === 'socket-address' ? 'one budget for every forwarded address (socket address)' : 'a budget per forwarded address'}${hits ? `, ${hits} hits a request of ${limit}` : ''}`;
  const expected = `${APP_RATE_LIMIT.key === 'socket-address' ? 'socket address' : 'forwarded address'}, ${APP_RATE_LIMIT.hitsPerRequest} hits a request of ${APP_RATE_LIMIT.limit}`;
  const drift =
    key !== APP_RATE_LIMIT.key ||
    (first[0].limit !== undefined && first[0].limit !== APP_RATE_LIMIT.limit) ||
    (hits !== undefined && hits !== APP_RATE_LIMIT.hitsPerRequest);
  if (drift)
    throw new StepFailure({
      kind: 'wrong-answer',
      detail: `rate-limit probe on ${shown}: measured ${measured}; the app contract (contracts/app.ts APP_RATE_LIMIT) says ${expected}: update the contract (verify's load pace derives from it)`,
      figures,
      findings,
    });
  const viaProxy =
    key === 'socket-address' ? ' (through a load balancer, a key on the address it appends would read the same)' : '';
  return {
    message: `${measured}${viaProxy}: ${servedBefore429} requests served before the first 429, then ${other.status} for another client; ${sent} requests in all${refusal.resetSeconds !== undefined ? `, budget back in ${refusal.resetSeconds} s` : ''}`,
    figures,
    findings,
  };
}
