/**
 * The rehearsal's steps between the apply and the app: what the estate's own parts would do once the stack stands,
 * done here against moto and the local Neo4j servers. Each is a named stand-in (listed in the report):
 * - the hosts' first boot: each Neo4j server starts with the password Terraform wrote into its host secret
 *   (`credex/<env>/neo4j/<space>`), as the host's boot script reads it;
 * - the hosts' addresses: the connection secret's `<space>bolturl` keys name the hosts' private IPs (bolt://10.x:7687),
 *   which do not exist here; they are rewritten to the local servers (the mapping verify's --neo4j-address does);
 * - the deploy workflow's app-secret write: the workflow's own script (.github/workflows/scripts/put-app-secret.sh)
 *   with the contract's keys, run against moto; the GitHub secrets' values are fresh random ones.
 */
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { APP_SECRET_KEYS } from '../../contracts/app';
import { neo4jSecretKey, type Neo4jSpace } from '../../contracts/neo4j';
import { repoRoot } from '../../lib/paths';
import { motoEnvironment } from '../terraform/moto';

export interface HostCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * A secret's AWSCURRENT JSON value (never printed). The stage is asked for by name: AWS answers AWSCURRENT when none is
 * given, but moto 5.2.5 answers the version last written by PutSecretValue, and the rotation's finishSecret moves
 * AWSCURRENT with UpdateSecretVersionStage, which moto does not count: a rotated host secret would read as before.
 */
export async function readJsonSecret(sm: SecretsManagerClient, secretId: string): Promise<Record<string, string>> {
  const out = await sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
  const value = JSON.parse(out.SecretString ?? 'null') as unknown;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${secretId} is not a JSON object`);
  return value as Record<string, string>;
}

/** The credentials Terraform wrote into a host secret, which the host sets at its first boot. */
export async function hostCredentials(sm: SecretsManagerClient, secretId: string): Promise<HostCredentials> {
  const v = await readJsonSecret(sm, secretId);
  if (typeof v.username !== 'string' || typeof v.password !== 'string' || v.password === '')
    throw new Error(`${secretId} lacks username or password`);
  return { username: v.username, password: v.password };
}

/** What the address mapping changed: the host's Bolt address in the secret and the local server's. */
export interface AddressMapping {
  readonly space: Neo4jSpace;
  readonly host: string;
  readonly local: string;
}

/**
 * Rewrites the connection secret's `<space>bolturl` keys to the local servers (a new AWSCURRENT version; every other
 * key as Terraform wrote it). Returns the mapping, without credentials.
 */
export async function pointConnectionSecret(
  sm: SecretsManagerClient,
  secretId: string,
  local: Readonly<Record<Neo4jSpace, string>>,
): Promise<AddressMapping[]> {
  const value = await readJsonSecret(sm, secretId);
  const mapping: AddressMapping[] = [];
  for (const [space, url] of Object.entries(local) as [Neo4jSpace, string][]) {
    const key = neo4jSecretKey(space, 'bolturl');
    if (typeof value[key] !== 'string') throw new Error(`the connection secret has no ${key}`);
    mapping.push({ space, host: value[key], local: url });
    value[key] = url;
  }
  await sm.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(value) }));
  return mapping;
}

/** How the app secret was written: by the workflow's script, through which AWS CLI. */
export interface AppSecretWrite {
  readonly script: string;
  readonly keys: readonly string[];
  /** `aws --version` of the CLI the script ran, or the stand-in's name when none is installed. */
  readonly awsCli: string;
  /** The script's last output line (it prints the keys and the version id, never a value). */
  readonly line: string;
}

/**
 * A stand-in for the AWS CLI when none is installed: the one call put-app-secret.sh makes
 * (`secretsmanager put-secret-value --secret-id ID --secret-string file://F --query VersionId --output text`),
 * made with the SDK against AWS_ENDPOINT_URL; anything else is refused.
 */
const AWS_CLI_STAND_IN = `#!/usr/bin/env node
const a = process.argv.slice(2);
const arg = (n) => a[a.indexOf(n) + 1];
if (a[0] !== 'secretsmanager' || a[1] !== 'put-secret-value' || !String(arg('--secret-string')).startsWith('file://')) {
  console.error('aws stand-in: only "secretsmanager put-secret-value --secret-string file://..." is played');
  process.exit(2);
}
const { SecretsManagerClient, PutSecretValueCommand } = require(process.env.REHEARSAL_SM_MODULE);
const sm = new SecretsManagerClient({ endpoint: process.env.AWS_ENDPOINT_URL, region: process.env.AWS_REGION });
const text = require('node:fs').readFileSync(arg('--secret-string').slice(7), 'utf8');
sm.send(new PutSecretValueCommand({ SecretId: arg('--secret-id'), SecretString: text })).then(
  (out) => console.log(out.VersionId),
  (err) => { console.error('aws stand-in: ' + err.name); process.exit(1); },
);
`;

/**
 * Runs the deploy workflow's put-app-secret.sh against moto: APP_SECRET_KEYS from the contract, each value a fresh
 * random one (the GitHub secrets' stand-in; OPEN_EXCHANGE_RATES_API a dummy: nothing calls openexchangerates.org
 * unless the app's daily job runs). The real `aws` CLI when on PATH, else the stand-in above.
 */
export async function writeAppSecret(
  secretId: string,
  motoEndpoint: string,
  region: string,
  scratch: string,
): Promise<AppSecretWrite> {
  const script = path.join(repoRoot(), '.github', 'workflows', 'scripts', 'put-app-secret.sh');
  const bin = path.join(scratch, 'aws-stand-in');
  mkdirSync(bin, { recursive: true });
  const real = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  let awsCli: string;
  let PATH = process.env.PATH ?? '';
  if (real.status === 0) {
    awsCli = (real.stdout || real.stderr).trim().split(' ')[0];
  } else {
    writeFileSync(path.join(bin, 'aws'), AWS_CLI_STAND_IN);
    chmodSync(path.join(bin, 'aws'), 0o755);
    PATH = `${bin}${path.delimiter}${PATH}`;
    awsCli = 'stand-in (no AWS CLI installed): tools/rehearse/estate.ts AWS_CLI_STAND_IN';
  }
  const values = Object.fromEntries(
    APP_SECRET_KEYS.map((k) => [
      k,
      k === 'OPEN_EXCHANGE_RATES_API' ? 'stand-in-no-calls' : randomBytes(24).toString('hex'),
    ]),
  );
  const env = {
    ...process.env,
    ...motoEnvironment(motoEndpoint),
    ...values,
    PATH,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    APP_SECRET_KEYS: APP_SECRET_KEYS.join(' '),
    RUNNER_TEMP: scratch,
    REHEARSAL_SM_MODULE: require.resolve('@aws-sdk/client-secrets-manager'),
  };
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('bash', [script, secretId], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c) => (text += c));
    child.stderr.on('data', (c) => (text += c));
    child.on('error', reject);
    child.on('exit', (c) => resolve({ code: c, output: text }));
  });
  const line = output.trim().split('\n').pop() ?? '';
  if (code !== 0) throw new Error(`put-app-secret.sh failed (${code}): ${line}`);
  return { script: path.relative(repoRoot(), script), keys: [...APP_SECRET_KEYS], awsCli, line };
}
