/**
 * A working copy of one synthesized stack for this machine's terraform: the local copy (./local-copy.ts) written as
 * main.tf.json beside a copy of the stack's assets, and the values of the stand-ins' secrets, held in memory and
 * passed to terraform as TF_VAR_ variables (never written to disk or printed). The same copy serves every phase, so
 * the second plan sees the same secret values as the apply.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import * as path from 'node:path';
import { TerraformError } from './errors';
import { LocalCopy, localCopy, LocalCopyOptions, SecretVariable } from './local-copy';
import { Terraform, TerraformOptions } from './terraform';
import { readTerraformJson, STACK_FILE, type TerraformJson } from '../../lib/synth-output';

export interface WorkingCopyOptions extends LocalCopyOptions {
  /** The synthesized stack's folder (`cdktf.out/stacks/<stack>`: cdk.tf.json and its assets/). */
  readonly stackDir: string;
  /**
   * Where the copy goes: created, and must be empty when it exists. Keep it inside the repository, as cdktf.out is:
   * the bake's local-exec (`npm run -s ami …`) runs in it and finds package.json by walking up.
   */
  readonly dir: string;
}

export interface WorkingCopy {
  readonly dir: string;
  /** The stack's name (its folder's name). */
  readonly stack: string;
  /** The product JSON as synthesized (untouched). */
  readonly product: TerraformJson;
  readonly copy: LocalCopy;
  /** TF_VAR_ values for the stand-ins' secrets: every run of this copy needs them. Never print them. */
  readonly variables: Readonly<Record<string, string>>;
  /** A runner for this copy; `env` is added to the secrets' variables. */
  terraform(options?: Omit<TerraformOptions, 'dir'>): Terraform;
}

export function prepareWorkingCopy(options: WorkingCopyOptions): WorkingCopy {
  const stackDir = path.resolve(options.stackDir);
  const product = readTerraformJson(path.join(stackDir, STACK_FILE));
  const copy = localCopy(product, options);
  const dir = path.resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new TerraformError('input', `${dir} is not empty: a working copy starts from an empty folder`);
  mkdirSync(dir, { recursive: true });
  // Pretty-printed: terraform's diagnostics then point at a line that says something.
  writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(copy.json, null, 2) + '\n');
  const assets = path.join(stackDir, 'assets');
  if (existsSync(assets)) cpSync(assets, path.join(dir, 'assets'), { recursive: true });
  const variables = Object.fromEntries(copy.secretVariables.map((v) => [`TF_VAR_${v.name}`, secretValue(v)]));
  return {
    dir,
    stack: path.basename(stackDir),
    product,
    copy,
    variables,
    terraform: (runOptions = {}) => new Terraform({ ...runOptions, dir, env: { ...runOptions.env, ...variables } }),
  };
}

const LETTERS_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// random_password's default special characters.
const SPECIAL = '!@#$%&*()-_=+[]{}<>:?';

/** A fresh value of the variable's length and alphabet, from the system's CSPRNG. */
function secretValue(v: SecretVariable): string {
  const alphabet = v.special ? LETTERS_DIGITS + SPECIAL : LETTERS_DIGITS;
  return Array.from({ length: v.length }, () => alphabet[randomInt(alphabet.length)]).join('');
}
