/**
 * An input the gate cannot use (missing file, invalid JSON, not Terraform JSON, no synthesized stacks): kind
 * `input`, exit code 2. The class is the family's (lib/errors.ts), re-exported for the engine's modules.
 */
export { InputError } from '../../lib/errors';
