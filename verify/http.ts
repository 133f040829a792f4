/**
 * One bounded HTTP request with latency, classified errors and a short body summary: bounded in time (the step's
 * signal, or timeoutMs) and in size (MAX_BODY_BYTES, then cut), same-origin redirects only, credentials in the URL
 * sent as HTTP Basic and redacted from every message (lib/bounded-http.ts).
 */
import { boundedRequest, HttpProblem } from '../lib/bounded-http';
import { redactUrl } from '../lib/redact';
import { StepFailure } from './errors';

/** Bytes of a health or smoke answer verify reads; a longer body is cut there and fails as `too large`. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface HttpAnswer {
  readonly status: number;
  readonly latencyMs: number;
  /** The body, at most MAX_BODY_BYTES of it. */
  readonly body: string;
  /** Bytes read (MAX_BODY_BYTES + 1 when cut). */
  readonly bodyBytes: number;
  /** The body was longer than the limit and was cut. */
  readonly cut: boolean;
  /** A redirect to another origin, not followed (redacted). */
  readonly offOriginRedirect?: string;
  readonly redirects: readonly string[];
  /** The answer's header fields, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The API base URL to use: explicit flag, the api_url output, else http://<load_balancer_dns>. */
export function resolveApiUrl(
  flag: string | undefined,
  apiUrlOutput: string | undefined,
  lbDns: string | undefined,
): string | undefined {
  const url = flag ?? apiUrlOutput ?? (lbDns ? `http://${lbDns}` : undefined);
  return url?.replace(/\/+$/, '');
}

/** base + path, tolerant of slashes on either side. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The first line of a body, at most 80 characters, for reports. */
export function bodySummary(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/**
 * Sends one request and reads the body, all before `signal` aborts (or within `timeoutMs`). Failures throw a
 * StepFailure of kind `refused`, `timeout`, `tls` or `redirect-loop` naming the (redacted) URL.
 */
export async function httpRequest(
  url: string,
  init: {
    method?: string;
    body?: unknown;
    /** Request header fields (e.g. authorization); never put in a message. */
    headers?: Record<string, string>;
    timeoutMs: number;
    signal?: AbortSignal;
    followRedirects?: boolean;
    maxBodyBytes?: number;
  },
): Promise<HttpAnswer> {
  const hasBody = init.body !== undefined && init.method !== 'GET' && init.method !== 'HEAD';
  const timeout = AbortSignal.timeout(Math.max(1, Math.round(init.timeoutMs)));
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  try {
    const answer = await boundedRequest(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      body: hasBody ? JSON.stringify(init.body) : undefined,
      signal,
      maxBodyBytes: init.maxBodyBytes ?? MAX_BODY_BYTES,
      followRedirects: init.followRedirects ?? true,
    });
    return {
      status: answer.status,
      latencyMs: answer.latencyMs,
      body: answer.body,
      bodyBytes: answer.bodyBytes,
      cut: answer.cut,
      offOriginRedirect: answer.offOriginRedirect,
      redirects: answer.redirects,
      headers: answer.headers,
    };
  } catch (err) {
    const problem = err instanceof HttpProblem ? err : new HttpProblem('error', String(err), url);
    throw new StepFailure({
      kind: problem.kind,
      detail: `${init.method ?? 'GET'} ${redactUrl(url)}: ${problem.reason}`,
      reason: problem.reason,
    });
  }
}
