/** One bounded HTTP request with latency, classified errors and a short body summary. */
import { StepFailure, classifyNetworkError } from './errors';

export interface HttpAnswer {
  readonly status: number;
  readonly latencyMs: number;
  /** The body, cut to 4 KiB. */
  readonly body: string;
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
 * Sends one request and reads the body, all within `timeoutMs`. Network failures throw a StepFailure of kind
 * `refused` (nothing listening, DNS) or `timeout` (no complete answer in time), naming the URL.
 */
export async function httpRequest(
  url: string,
  init: { method?: string; body?: unknown; timeoutMs: number; followRedirects?: boolean },
): Promise<HttpAnswer> {
  const started = performance.now();
  const hasBody = init.body !== undefined && init.method !== 'GET' && init.method !== 'HEAD';
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: hasBody ? { 'content-type': 'application/json' } : undefined,
      body: hasBody ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(Math.max(1, Math.round(init.timeoutMs))),
      redirect: init.followRedirects ? 'follow' : 'manual',
    });
    const text = await res.text();
    return { status: res.status, latencyMs: Math.round(performance.now() - started), body: text.slice(0, 4096) };
  } catch (err) {
    const { kind, detail } = classifyNetworkError(err);
    throw new StepFailure({
      kind: kind === 'error' ? 'refused' : kind,
      detail: `${init.method ?? 'GET'} ${url}: ${detail}`,
      reason: detail,
    });
  }
}
