/**
 * Step dns: the API URL's host points at THIS stack's load balancer, so the checks after it reach the new system and
 * not an old one that still holds the name. Passed when the host is a CNAME (or a chain of them) to the load
 * balancer's DNS name (output load_balancer_dns), or when it resolves to addresses all of which the load balancer's
 * name resolves to at the same moment (an alias record: Route 53 answers with the load balancer's addresses).
 * Skipped, with that reason, when the API URL names the load balancer itself or an IP address (a local run). DNS is read through the system's
 * resolver (or the servers given), so it sees what the deploy's clients see.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { requireOutputs } from './outputs';
import { StepFailure } from './errors';
import type { Figures, StepContext } from './types';

/** The two lookups the step makes (injected in tests; the system resolver otherwise). */
export interface DnsLookup {
  /** CNAME targets of `host`; [] when it has none. */
  resolveCname(host: string): Promise<string[]>;
  /** IPv4 addresses of `host` (following CNAMEs). */
  resolve4(host: string): Promise<string[]>;
}

/** Errors a resolver answers when a name has no record of the type asked: an empty answer, not a failure. */
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND']);
const code = (e: unknown) => (e as { code?: string })?.code ?? '';

/**
 * Lookups through Node's resolver: the system's servers, or `servers` (ip or ip:port). Each query times out
 * after `timeoutMs` and an aborted `signal` cancels those in flight.
 */
export function systemDns(options: { servers?: string[]; timeoutMs?: number; signal?: AbortSignal } = {}): DnsLookup {
  const resolver = new Resolver({ timeout: Math.max(100, Math.min(options.timeoutMs ?? 5000, 10_000)), tries: 2 });
  if (options.servers) resolver.setServers(options.servers);
  options.signal?.addEventListener('abort', () => resolver.cancel(), { once: true });
  return {
    resolveCname: (host) => resolver.resolveCname(host).catch((e) => (NO_DATA.has(code(e)) ? [] : Promise.reject(e))),
    resolve4: (host) => resolver.resolve4(host),
  };
}

const normal = (name: string) => name.toLowerCase().replace(/\.$/, '');

export async function runDns(
  ctx: StepContext,
  lookup: DnsLookup = systemDns({ timeoutMs: ctx.timeoutMs, signal: ctx.signal }),
): Promise<{ message: string; figures: Figures }> {
  const apiUrl = ctx.apiUrl ?? ctx.outputs.apiUrl;
  if (!apiUrl)
    throw new StepFailure({ kind: 'missing', detail: 'dns needs the API URL (output api_url or --api-url)' });
  const host = normal(new URL(apiUrl).hostname);
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) {
    return {
      message: `skipped: the API URL names an IP address (${host}), not a DNS name`,
      figures: { 'dns.checked': false },
    };
  }
  // Only now the load balancer's name is needed: a local run (an IP address) has none.
  requireOutputs(ctx.outputs, 'dns', ['loadBalancerDns']);
  const lb = normal(ctx.outputs.loadBalancerDns!);
  if (host === lb) {
    return {
      message: `skipped: the API URL names the load balancer itself (${lb}); no DNS record to check`,
      figures: { 'dns.checked': false },
    };
  }
  const ask = async <T>(what: string, q: () => Promise<T>): Promise<T> => {
    try {
      return await q();
    } catch (e) {
      const c = code(e);
      if (c === 'ENOTFOUND' || c === 'ENODATA')
        throw new StepFailure({
          kind: 'missing',
          detail: `${what} has no DNS record: point it at ${lb} (docs/deployer-guide.md section 5, "The API's DNS name")`,
        });
      if (c === 'ETIMEOUT' || c === 'ECANCELLED')
        throw new StepFailure({ kind: 'timeout', detail: `DNS lookup of ${what} did not answer (${c})` });
      throw new StepFailure({ kind: 'refused', detail: `DNS lookup of ${what} failed (${c || String(e)})` });
    }
  };

  // A CNAME chain (at most 5 links) that reaches the load balancer's name.
  const chain: string[] = [];
  for (let name = host; chain.length < 5;) {
    const [target] = await ask(name, () => lookup.resolveCname(name));
    if (!target) break;
    chain.push(normal(target));
    if (normal(target) === lb) {
      return {
        message: `${host} is a CNAME to the load balancer ${lb}${chain.length > 1 ? ` (via ${chain.slice(0, -1).join(', ')})` : ''}`,
        figures: { 'dns.checked': true, 'dns.match': 'cname' },
      };
    }
    name = normal(target);
  }

  // An alias (or a CNAME elsewhere): the addresses must be the load balancer's, asked at the same moment.
  const [hostAddresses, lbAddresses] = await Promise.all([
    ask(host, () => lookup.resolve4(host)),
    ask(`the load balancer ${lb}`, () => lookup.resolve4(lb)),
  ]);
  const ofLb = new Set(lbAddresses);
  const foreign = hostAddresses.filter((a) => !ofLb.has(a));
  const figures: Figures = { 'dns.checked': true, 'dns.addresses': hostAddresses.length };
  if (hostAddresses.length > 0 && foreign.length === 0) {
    return {
      message: `${host} resolves to the load balancer's addresses (${[...hostAddresses].sort().join(', ')}): an alias to ${lb}`,
      figures: { ...figures, 'dns.match': 'addresses' },
    };
  }
  const via = chain.length > 0 ? ` (CNAME ${chain.join(' -> ')})` : '';
  throw new StepFailure({
    kind: 'wrong-answer',
    detail: `${host}${via} resolves to ${foreign.sort().join(', ')}, not to this stack's load balancer ${lb} (${[...ofLb].sort().join(', ')}): verify would check another system; point the record at ${lb} (docs/deployer-guide.md section 5, "The API's DNS name")`,
    figures,
  });
}
