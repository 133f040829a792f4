import type { FailureKind, Figures } from './types';

/** A step's failure with its kind; thrown inside a step, turned into a failed StepResult by the runner. */
export class StepFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly figures: Figures = {},
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** A usage or configuration error: the CLI prints its one-line message and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const REFUSED_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** The system error code of a network error, looking through `cause` chains (fetch wraps them). */
export function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classifies a thrown network error: refused/unreachable, a timeout, or something else. */
export function classifyNetworkError(err: unknown): { kind: FailureKind; detail: string } {
  const code = errorCode(err);
  if (code && REFUSED_CODES.has(code)) return { kind: 'refused', detail: describeCode(code) };
  const name = (err as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { kind: 'timeout', detail: 'no answer in time' };
  }
  return { kind: 'error', detail: err instanceof Error ? err.message : String(err) };
}

function describeCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${code})`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `connection reset (${code})`;
    default:
      return `host unreachable (${code})`;
  }
}

/** The label a message starts with, per failure kind. */
export function kindLabel(kind: FailureKind): string {
  return {
    timeout: 'timeout',
    refused: 'refused/unreachable',
    auth: 'auth failure',
    'expired-credentials': 'expired credentials',
    'wrong-answer': 'wrong answer',
    missing: 'missing',
    error: 'error',
  }[kind];
}
