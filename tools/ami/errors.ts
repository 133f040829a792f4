/**
 * Exit codes of `npm run -s ami -- ...` (documented in docs/neo4j-ami.md) and the error type that carries them,
 * a member of the CLI error family (lib/errors.ts): the kind is a field, the exit code follows from it.
 * Every failure reaches the user as one line on stderr; no stack traces.
 */
import { CliError, oneLine, UsageError } from '../../lib/errors';
import { ExitCode } from '../../lib/exit-codes';
import { redactText } from '../../lib/redact';
import { networkProblem } from '../../lib/network-errors';

/** The AMI command's exit codes: the shared ones (lib/exit-codes.ts) it uses, under the names it has always used. */
export const EXIT = {
  /** Done: image built or already present, prune finished, configured version is the newest in its line. */
  OK: ExitCode.OK,
  /** The operation failed: builder reported failure or timed out, AWS refused a call, unusable answer. */
  FAILED: ExitCode.FAILED,
  /** Bad input (unknown subcommand/option, unknown edition, malformed version, missing region) or internal error. */
  USAGE: ExitCode.USAGE,
  /** Could not reach the EC2 endpoint or the release source (refused, DNS, timeout). */
  UNREACHABLE: ExitCode.UNREACHABLE,
  /** The pinned base image does not exist (or is not visible) in the region. */
  BASE_IMAGE_MISSING: ExitCode.BASE_IMAGE_MISSING,
  /** check-version: a newer release exists in the configured version's line. */
  NEWER_AVAILABLE: ExitCode.NEWER_AVAILABLE,
  /** check-version: the configured version is not a published release. */
  NOT_PUBLISHED: ExitCode.NOT_PUBLISHED,
} as const;
export type AmiExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * What kind of failure an AmiError is:
 * - failed: the operation failed (builder reported failure, AWS refused a call, unusable answer): exit 1
 * - timeout: a wait ran out (builder never reported, image never available): exit 1
 * - unreachable: the EC2 endpoint or the release source could not be reached: exit 3
 * - base-image-missing: the pinned base image is not in the region: exit 4
 */
export type AmiErrorKind = 'failed' | 'timeout' | 'unreachable' | 'base-image-missing';

const EXIT_OF: Record<AmiErrorKind, AmiExitCode> = {
  failed: EXIT.FAILED,
  timeout: EXIT.FAILED,
  unreachable: EXIT.UNREACHABLE,
  'base-image-missing': EXIT.BASE_IMAGE_MISSING,
};

export interface AmiErrorOptions {
  readonly kind: AmiErrorKind;
  readonly message: string;
  /** HTTP status of the API answer behind the error, when there was one. */
  readonly httpStatus?: number;
}

export class AmiError extends CliError<AmiErrorKind> {
  /** HTTP status of the API answer behind the error, when there was one. */
  readonly httpStatus?: number;

  constructor(options: AmiErrorOptions) {
    // An endpoint or source URL given with credentials (https://user:pass@host) never reaches a message.
    super({ kind: options.kind, message: redactText(options.message), exitCode: EXIT_OF[options.kind] });
    this.httpStatus = options.httpStatus;
  }
}

/** The API answered with a server error (HTTP 5xx), as opposed to refusing the request. */
export function isServerFault(err: unknown): boolean {
  return err instanceof AmiError && (err.httpStatus ?? 0) >= 500;
}

/** Bad input: the family's UsageError (exit 2). */
export { oneLine, UsageError };

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

/**
 * Turns anything an AWS SDK call throws into an AmiError with a one-line message that says which kind of
 * failure it was: unreachable (timeout/refused/DNS), credentials, an AWS error code, or an answer that is not EC2's.
 */
export function fromAwsError(err: unknown, where: string, endpoint: string): AmiError {
  if (err instanceof AmiError) return err;
  const e = shape(err);
  const net = networkProblem(err);
  if (net)
    return new AmiError({ kind: 'unreachable', message: `cannot reach the EC2 API at ${endpoint}: ${net.detail}` });
  if (e?.name === 'ResponseTooLarge') {
    return new AmiError({
      kind: 'failed',
      message: `${where}: the answer from ${endpoint} was too large (${oneLine(String(e.message ?? ''))}; cut there)`,
    });
  }
  if (
    e?.name === 'CredentialsProviderError' ||
    (/credential/i.test(String(e?.message ?? '')) && !e?.$metadata?.httpStatusCode)
  ) {
    return new AmiError({
      kind: 'failed',
      message: `no usable AWS credentials for ${where}: ${oneLine(String(e?.message ?? e))}`,
    });
  }
  if (/Deserialization error|XML parse error|char '.*' is not expected/i.test(String(e?.message ?? ''))) {
    const status = e?.$metadata?.httpStatusCode;
    return new AmiError({
      kind: 'failed',
      message: `${endpoint} did not answer like the EC2 API during ${where}${status ? ` (HTTP ${status})` : ''}`,
      httpStatus: status,
    });
  }
  const code = e?.Code ?? e?.code ?? e?.name ?? 'Error';
  return new AmiError({
    kind: 'failed',
    message: `${where} failed: ${code}: ${oneLine(String(e?.message ?? e))}`,
    httpStatus: e?.$metadata?.httpStatusCode,
  });
}
