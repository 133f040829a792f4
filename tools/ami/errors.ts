/**
 * Exit codes of `npm run -s ami -- ...` (documented in docs/neo4j-ami.md) and the error type that carries them.
 * Every failure reaches the user as one line on stderr; no stack traces.
 */
export const EXIT = {
  /** Done: image built or already present, prune finished, configured version is the newest in its line. */
  OK: 0,
  /** The operation failed: builder reported failure or timed out, AWS refused a call, unusable answer. */
  FAILED: 1,
  /** Bad input: unknown subcommand/option, unknown edition, malformed version, missing region. */
  USAGE: 2,
  /** Could not reach the EC2 endpoint or the release source (refused, DNS, timeout). */
  UNREACHABLE: 3,
  /** The pinned base image does not exist (or is not visible) in the region. */
  BASE_IMAGE_MISSING: 4,
  /** check-version: a newer release exists in the configured version's line. */
  NEWER_AVAILABLE: 10,
  /** check-version: the configured version is not a published release. */
  NOT_PUBLISHED: 11,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class AmiError extends Error {
  /** HTTP status of the API answer behind the error, when there was one. */
  readonly httpStatus?: number;

  constructor(message: string, readonly exitCode: ExitCode = EXIT.FAILED, httpStatus?: number) {
    super(message);
    this.name = 'AmiError';
    this.httpStatus = httpStatus;
  }
}

/** The API answered with a server error (HTTP 5xx), as opposed to refusing the request. */
export function isServerFault(err: unknown): boolean {
  return err instanceof AmiError && (err.httpStatus ?? 0) >= 500;
}

export class UsageError extends AmiError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
    this.name = 'UsageError';
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** The first line of a message, trimmed, so multi-line SDK messages stay one line. */
export function oneLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}

/** The fields of thrown values (SDK errors, fetch errors, Node system errors) that classify a failure. */
interface ErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function shape(err: unknown): ErrorShape | undefined {
  return typeof err === 'object' && err !== null ? (err as ErrorShape) : undefined;
}

/** Network failure kind of an error (or its cause), or undefined when it is not a network failure. */
export function networkProblem(err: unknown): string | undefined {
  for (let e = shape(err), depth = 0; e && depth < 4; e = shape(e.cause), depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES[e.code]) return NETWORK_CODES[e.code];
    if (e.name === 'TimeoutError' || e.name === 'RequestTimeout' || e.code === 'UND_ERR_CONNECT_TIMEOUT')
      return 'timed out';
    if (e.name === 'AbortError') return 'timed out';
  }
  return undefined;
}

/**
 * Turns anything an AWS SDK call throws into an AmiError with a one-line message that says which kind of
 * failure it was: unreachable (timeout/refused/DNS), credentials, an AWS error code, or an answer that is not EC2's.
 */
export function fromAwsError(err: unknown, where: string, endpoint: string): AmiError {
  if (err instanceof AmiError) return err;
  const e = shape(err);
  const net = networkProblem(err);
  if (net) return new AmiError(`cannot reach the EC2 API at ${endpoint}: ${net}`, EXIT.UNREACHABLE);
  if (
    e?.name === 'CredentialsProviderError' ||
    (/credential/i.test(String(e?.message ?? '')) && !e?.$metadata?.httpStatusCode)
  ) {
    return new AmiError(`no usable AWS credentials for ${where}: ${oneLine(String(e?.message ?? e))}`);
  }
  if (/Deserialization error|XML parse error|char '.*' is not expected/i.test(String(e?.message ?? ''))) {
    const status = e?.$metadata?.httpStatusCode;
    return new AmiError(
      `${endpoint} did not answer like the EC2 API during ${where}${status ? ` (HTTP ${status})` : ''}`,
      EXIT.FAILED,
      status,
    );
  }
  const code = e?.Code ?? e?.code ?? e?.name ?? 'Error';
  return new AmiError(`${where} failed: ${code}: ${oneLine(String(e?.message ?? e))}`, EXIT.FAILED, e?.$metadata?.httpStatusCode);
}
