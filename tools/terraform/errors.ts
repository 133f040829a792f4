import { CliError } from '../../lib/errors';

/**
 * What went wrong around a terraform run, as a field:
 * - `setup`: no terraform binary or no CLI configuration (run `npm run setup`), exit 2;
 * - `input`: the stack to copy is missing or not Terraform JSON, or it holds something the local copy cannot stand in
 *   for, exit 2;
 * - `timeout`: the run passed its time bound and was stopped, exit 1;
 * - `interrupted`: the caller's signal stopped it, exit 1;
 * - `failed`: terraform answered with an error (the first error diagnostic is the message), exit 1.
 */
export type TerraformErrorKind = 'setup' | 'input' | 'timeout' | 'interrupted' | 'failed';

export class TerraformError extends CliError<TerraformErrorKind> {
  constructor(kind: TerraformErrorKind, message: string, cause?: unknown) {
    super({ kind, message, exitCode: kind === 'setup' || kind === 'input' ? 2 : 1, cause });
  }
}
