import { CliError, InputError, UsageError } from '../lib/errors';
import type { FailureKind, Figures } from './types';

/** The family's usage and input errors (exit 2), re-exported for verify's modules. */
export { InputError, UsageError };

/** What a step failed with: the kind as a field, the words after the kind's label, the figures so far. */
export type StepFailureOptions = {
  readonly kind: FailureKind;
  readonly figures?: Figures;
  /** What the step learned about the app before it failed (see StepResult.findings). @default - none */
  readonly findings?: readonly string[];
  /**
   * The cause alone, without the subject (e.g. "connection refused"), for a caller that words its own message.
   * @default - the detail
   */
  readonly reason?: string;
} & (
  | {
      /** What failed, after the kind's label: the message is `<label>: <detail>` (e.g. "timeout: API health ..."). */
      readonly detail: string;
    }
  | {
      /** The whole message, for a failure that lists several others (each with its own label). */
      readonly message: string;
    }
);

/**
 * A step's failure, a member of the CLI error family (lib/errors.ts) whose kind is a verify FailureKind; thrown
 * inside a step and turned into a failed StepResult (`failureKind` = `kind`) by the runner. The message starts with
 * the kind's label (kindLabel), written here from the kind, so reports and logs read as before.
 */
export class StepFailure extends CliError<FailureKind> {
  readonly figures: Figures;
  readonly findings: readonly string[];
  /** The message without the kind's label. */
  readonly detail: string;
  readonly reason: string;

  constructor(options: StepFailureOptions) {
    const detail = 'detail' in options ? options.detail : options.message;
    super({
      kind: options.kind,
      message: 'detail' in options ? `${kindLabel(options.kind)}: ${detail}` : options.message,
    });
    this.figures = options.figures ?? {};
    this.findings = options.findings ?? [];
    this.detail = detail;
    this.reason = options.reason ?? detail;
  }
}

/** The words a failure's message starts with, per kind (the report shows them; nothing parses them back). */
export function kindLabel(kind: FailureKind): string {
  return {
    timeout: 'timeout',
    refused: 'refused/unreachable',
    auth: 'auth failure',
    'expired-credentials': 'expired credentials',
    'wrong-answer': 'wrong answer',
    missing: 'missing',
    tls: 'tls',
    'redirect-loop': 'redirect loop',
    'too-large': 'too large',
    'rate-limited': 'rate limited',
    error: 'error',
  }[kind];
}
