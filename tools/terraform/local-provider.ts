/**
 * The AWS provider this machine's terraform runs use, and the CLI configuration that installs it
 * (tools/terraform/local-provider.json, which dev/terraform/setup.sh reads too).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../lib/paths';
import { TerraformError } from './errors';
import spec from './local-provider.json';

/** e.g. registry.terraform.io/hashicorp/aws */
export const LOCAL_PROVIDER_SOURCE: string = spec.source;
/** The version the local copy asks for (the stacks pin what production applies). */
export const LOCAL_PROVIDER_VERSION: string = spec.version;

/** Environment variable that names another CLI configuration file (instead of the one `npm run setup` writes). */
export const CLI_CONFIG_ENV = 'CREDEX_TF_CLI_CONFIG';

/**
 * The Terraform CLI configuration file for the project's own runs (TF_CLI_CONFIG_FILE): `$CREDEX_TF_CLI_CONFIG`, or
 * the one dev/terraform/setup.sh writes into .tools/. Throws a `setup` error when the file does not exist.
 */
export function cliConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  const file = env[CLI_CONFIG_ENV] || path.join(repoRoot(), spec.cliConfig);
  if (!existsSync(file))
    throw new TerraformError(
      'setup',
      `no Terraform CLI configuration at ${file}: run "npm run setup" (dev/terraform/setup.sh writes it)`,
    );
  return file;
}
