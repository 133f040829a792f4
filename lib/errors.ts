/**
 * The one error family of the commands. A failure's KIND is a field (never a prefix typed into the message and
 * parsed back), and so is the exit code it leads to. The command-line runner (lib/cli.ts) prints
 * `<command>: <message>` as one line on stderr and exits with `exitCode`; no stack trace.
 *
 * Members: UsageError and InputError here, verify's StepFailure (verify/errors.ts), the AMI command's AmiError
 * (tools/ami/errors.ts) and the IAM generator's IamPolicyError (an InputError); the gate throws InputError itself.
 */
import { ExitCode, type ExitCodeValue } from './exit-codes';

/** The kinds every command shares; a member class may add its own (verify: timeout, refused, ...). */
export type CliErrorKind =
  /** The command line is wrong: unknown option, missing value, bad value. Exit 2. */
  | 'usage'
  /** The input cannot be used: missing or invalid file, unknown stack, no synthesized stacks. Exit 2. */
  | 'input'
  /** Anything the command did not expect (a bug). Exit 2: there is no verdict. */
  | 'internal'
  /** The operation or check failed. Exit 1. */
  | 'failed';

export interface CliErrorOptions<K extends string = CliErrorKind> {
  readonly kind: K;
  /** One line, without the command name (the runner adds it) and without the kind's words (the runner adds "internal error"). */
  readonly message: string;
  /** @default 2 for usage, input and internal; 1 otherwise */
  readonly exitCode?: ExitCodeValue;
  readonly cause?: unknown;
}

const NO_VERDICT: readonly string[] = ['usage', 'input', 'internal'];

export class CliError<K extends string = string> extends Error {
  readonly kind: K;
  readonly exitCode: ExitCodeValue;

  constructor(options: CliErrorOptions<K>) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = options.kind;
    this.exitCode = options.exitCode ?? (NO_VERDICT.includes(options.kind) ? ExitCode.USAGE : ExitCode.FAILED);
  }
}

/** A wrong command line (unknown option, missing or bad value, missing argument): exit 2. */
export class UsageError extends CliError<'usage'> {
  constructor(message: string) {
    super({ kind: 'usage', message });
  }
}

/** An input the command cannot use (missing file, invalid JSON, not Terraform JSON, unknown stack): exit 2. */
export class InputError extends CliError<'input'> {
  constructor(message: string, cause?: unknown) {
    super({ kind: 'input', message, cause });
  }
}

/** The first non-empty line of a text, trimmed: multi-line messages (SDKs, JSON.parse) stay one line. */
export function oneLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).trim();
}

/** The first line of whatever was thrown. */
export function errorText(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}

/** The error as a member of the family: a CliError as it is, anything else as an `internal` error. */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  return new CliError({ kind: 'internal', message: errorText(err), cause: err });
}
