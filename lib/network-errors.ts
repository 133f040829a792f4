/**
 * The one network-error classifier: what a thrown value says about the network, read from error CODES and names
 * along its cause chain (Node system errors, undici's, the AWS SDK's), never from message text. verify, the AMI
 * command, the HTTP reader and the Neo4j check all use it; each maps the kind to its own failure type.
 */
import { connect } from 'node:net';

/**
 * - `refused`: nothing answers there (refused, reset, unreachable, no such host);
 * - `timeout`: no answer in time;
 * - `tls`: the TLS handshake failed (certificate or protocol).
 */
export type NetworkProblemKind = 'refused' | 'timeout' | 'tls';

export interface NetworkProblem {
  readonly kind: NetworkProblemKind;
  /** The code or error name it was read from (ECONNREFUSED, TimeoutError, CERT_HAS_EXPIRED, ...). */
  readonly code: string;
  /** A few words for a person, with the code. */
  readonly detail: string;
}

const CODES: Readonly<Record<string, { kind: NetworkProblemKind; words: string }>> = {
  ECONNREFUSED: { kind: 'refused', words: 'connection refused' },
  ECONNRESET: { kind: 'refused', words: 'connection reset' },
  EPIPE: { kind: 'refused', words: 'connection reset' },
  ENOTFOUND: { kind: 'refused', words: 'host not found' },
  EAI_AGAIN: { kind: 'refused', words: 'host not found' },
  EHOSTUNREACH: { kind: 'refused', words: 'host unreachable' },
  ENETUNREACH: { kind: 'refused', words: 'network unreachable' },
  UND_ERR_SOCKET: { kind: 'refused', words: 'connection closed before the answer was complete' },
  ETIMEDOUT: { kind: 'timeout', words: 'connection timed out' },
  UND_ERR_CONNECT_TIMEOUT: { kind: 'timeout', words: 'connection timed out' },
  DEPTH_ZERO_SELF_SIGNED_CERT: { kind: 'tls', words: 'self-signed certificate' },
  SELF_SIGNED_CERT_IN_CHAIN: { kind: 'tls', words: 'self-signed certificate in the chain' },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { kind: 'tls', words: 'certificate not signed by a trusted authority' },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { kind: 'tls', words: 'certificate issuer unknown' },
  CERT_HAS_EXPIRED: { kind: 'tls', words: 'certificate expired' },
  CERT_NOT_YET_VALID: { kind: 'tls', words: 'certificate not yet valid' },
  ERR_TLS_CERT_ALTNAME_INVALID: { kind: 'tls', words: 'certificate does not name this host' },
  ERR_SSL_WRONG_VERSION_NUMBER: { kind: 'tls', words: 'not a TLS server (wrong version number)' },
  EPROTO: { kind: 'tls', words: 'TLS protocol error' },
};

/** Error names that mean "no answer in time" (AbortSignal.timeout, the AWS SDK's request timeout). */
const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout']);

/** The `code` and `name` fields along an error's cause chain, outermost first. */
function causeChain(err: unknown): { code?: string; name?: string }[] {
  const out: { code?: string; name?: string }[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const { code, name, cause } = current as { code?: unknown; name?: unknown; cause?: unknown };
    out.push({
      code: typeof code === 'string' ? code : undefined,
      name: typeof name === 'string' ? name : undefined,
    });
    current = cause;
  }
  return out;
}

/**
 * The network problem an error reports, or undefined when it is not one (an API's own error, a bug). A TLS code
 * anywhere in the chain wins over the connection codes around it (a failed handshake also resets the socket).
 */
export function networkProblem(err: unknown): NetworkProblem | undefined {
  const chain = causeChain(err);
  const known = chain.flatMap(({ code }) => (code && CODES[code] ? [code] : []));
  const tls =
    known.find((code) => CODES[code].kind === 'tls') ??
    chain.find(({ code }) => code && /^ERR_(SSL|TLS)_/.test(code))?.code;
  if (tls) return { kind: 'tls', code: tls, detail: `${CODES[tls]?.words ?? 'TLS error'} (${tls})` };
  const first = known[0];
  if (first) return { kind: CODES[first].kind, code: first, detail: `${CODES[first].words} (${first})` };
  const timeout = chain.find(({ name }) => name && TIMEOUT_NAMES.has(name))?.name;
  if (timeout) return { kind: 'timeout', code: timeout, detail: `no answer in time (${timeout})` };
  return undefined;
}

/**
 * Opens and closes one TCP connection to `host:port`: undefined when something accepts it, else the problem (by
 * code). For clients that drop the cause of a connection failure (the Neo4j driver reports every one as
 * "ServiceUnavailable"), this asks the network itself.
 */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<NetworkProblem | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (problem: NetworkProblem | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () =>
      done({ kind: 'timeout', code: 'ETIMEDOUT', detail: `${CODES.ETIMEDOUT.words} (ETIMEDOUT)` }),
    );
    socket.once('connect', () => done(undefined));
    socket.once('error', (err) =>
      done(networkProblem(err) ?? { kind: 'refused', code: 'error', detail: 'no connection' }),
    );
  });
}
