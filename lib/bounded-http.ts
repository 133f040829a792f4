/**
 * One HTTP request bounded in time (an AbortSignal: the caller's deadline) and in size (the body is read up to a
 * limit, then the connection is dropped), with redirects followed only on the same origin and loops detected, and
 * failures classified by cause: refused/unreachable, timeout, tls (with the reason), redirect loop, error.
 * Credentials in the URL are sent as HTTP Basic (fetch refuses such URLs) and never appear in a message.
 */
import { networkProblem } from './network-errors';
import { redactUrl, splitCredentials } from './redact';

export type HttpProblemKind = 'refused' | 'timeout' | 'tls' | 'redirect-loop' | 'error';

/** A request that did not produce an answer, with its kind as a field and a message free of credentials. */
export class HttpProblem extends Error {
  readonly kind: HttpProblemKind;
  /** The cause alone, e.g. "connection refused", "self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)". */
  readonly reason: string;
  constructor(kind: HttpProblemKind, reason: string, url: string) {
    super(`${redactUrl(url)}: ${reason}`);
    this.name = 'HttpProblem';
    this.kind = kind;
    this.reason = reason;
  }
}

export interface BoundedRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Ends the request, body included (a deadline's signal). */
  readonly signal: AbortSignal;
  /** Bytes of body read at most; the rest is not read (`cut` tells). */
  readonly maxBodyBytes: number;
  /** Follow redirects to the same origin (scheme, host, port), at most `maxRedirects`. @default true */
  readonly followRedirects?: boolean;
  /** @default 5 */
  readonly maxRedirects?: number;
}

export interface BoundedAnswer {
  readonly status: number;
  readonly latencyMs: number;
  /** The body as text, at most maxBodyBytes of it. */
  readonly body: string;
  /** Bytes read (at most maxBodyBytes + 1: one more than the limit proves it was exceeded). */
  readonly bodyBytes: number;
  /** The body was longer than maxBodyBytes and was cut. */
  readonly cut: boolean;
  readonly contentType?: string;
  /** The answer's header fields, names in lower case (e.g. x-ratelimit-remaining). */
  readonly headers: Readonly<Record<string, string>>;
  /** Same-origin redirects followed, in order (redacted). */
  readonly redirects: readonly string[];
  /** A redirect to another origin that was NOT followed (redacted Location). */
  readonly offOriginRedirect?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Classifies what fetch (or a body read) threw, by code (lib/network-errors.ts). */
export function classifyFetchError(err: unknown, url: string): HttpProblem {
  if (err instanceof HttpProblem) return err;
  const problem = networkProblem(err);
  if (problem) return new HttpProblem(problem.kind, problem.detail, url);
  const message = String((err as Error)?.message ?? err);
  const cause = (err as { cause?: { message?: string } })?.cause?.message;
  // Not a network answer: fetch itself refuses the ports browsers block (1, 25, 6000, ...) and says so only in words.
  if (cause === 'bad port')
    return new HttpProblem(
      'refused',
      'fetch refuses this port (a blocked port such as 1 or 25): use another port',
      url,
    );
  return new HttpProblem('error', redactUrl(cause ? `${message}: ${cause}` : message).split('\n')[0], url);
}

/** Reads at most `max` bytes (+1 to detect more), then cancels the stream. */
async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  max: number,
): Promise<{ bytes: Buffer; total: number; cut: boolean }> {
  if (!body) return { bytes: Buffer.alloc(0), total: 0, cut: false };
  const reader = body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = max + 1 - total;
      const chunk = Buffer.from(value.buffer, value.byteOffset, Math.min(value.byteLength, room));
      chunks.push(chunk);
      total += chunk.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  const all = Buffer.concat(chunks);
  return { bytes: all.subarray(0, max), total, cut: total > max };
}

/** Sends one request (following same-origin redirects) and reads a bounded body. Throws HttpProblem. */
export async function boundedRequest(url: string, init: BoundedRequest): Promise<BoundedAnswer> {
  const started = performance.now();
  const { url: bare, authorization } = splitCredentials(url);
  const origin = new URL(bare).origin;
  const seen = new Set<string>([bare]);
  const redirects: string[] = [];
  const maxRedirects = init.maxRedirects ?? 5;
  let current = bare;
  let method = init.method ?? 'GET';
  let body = init.body;
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await fetch(current, {
        method,
        headers: {
          ...(init.headers ?? {}),
          ...(authorization ? { authorization } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body,
        signal: init.signal,
        redirect: 'manual',
      });
    } catch (err) {
      throw classifyFetchError(err, url);
    }
    const location = res.headers.get('location');
    if (REDIRECTS.has(res.status) && location && init.followRedirects !== false) {
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        next = new URL('about:blank');
      }
      if (next.origin === origin) {
        await res.body?.cancel().catch(() => undefined);
        const target = next.toString();
        if (seen.has(target))
          throw new HttpProblem('redirect-loop', `redirect loop (${redactUrl(target)} again after ${hop + 1})`, url);
        if (hop + 1 > maxRedirects)
          throw new HttpProblem(
            'redirect-loop',
            `more than ${maxRedirects} redirects (last ${redactUrl(target)})`,
            url,
          );
        seen.add(target);
        redirects.push(redactUrl(target));
        current = target;
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
    }
    let read: { bytes: Buffer; total: number; cut: boolean };
    try {
      read = await readBounded(res.body, init.maxBodyBytes);
    } catch (err) {
      throw classifyFetchError(err, url);
    }
    const offOrigin =
      REDIRECTS.has(res.status) && location ? redactUrl(new URL(location, current).toString()) : undefined;
    return {
      status: res.status,
      latencyMs: Math.round(performance.now() - started),
      body: read.bytes.toString('utf8'),
      bodyBytes: read.total,
      cut: read.cut,
      contentType: res.headers.get('content-type') ?? undefined,
      headers: Object.fromEntries(res.headers.entries()),
      redirects,
      offOriginRedirect: offOrigin,
    };
  }
}
