/** An input the gate cannot use (missing file, invalid JSON, not Terraform JSON, bad option): exit code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
