/**
 * A task definition's container environment, resolved as ECS does when it starts the task: every plain
 * `environment` entry as written, every `secrets[].valueFrom` read from Secrets Manager, nothing else.
 *
 * valueFrom of a Secrets Manager secret is the secret's ARN followed by up to three fields,
 * `arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>[:<version-stage>[:<version-id>]]]`:
 * no JSON key gives the whole secret string, a JSON key gives that key of the secret's JSON object; the version is
 * the one with the stage, or the id, and AWSCURRENT when both are empty (at most one of them may be given).
 * Anything ECS would refuse to start with (a missing secret, key or version, a value that is not a string, a
 * Parameter Store reference this estate does not use) is an error naming the variable, never a guess.
 */
import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { API_NAME } from '../../contracts/naming';
import { jsonencodeToJson } from '../../policies/engine/hcl';

/** What ECS reads of a container definition to build its environment. */
export interface ContainerEnvironmentSpec {
  readonly name: string;
  readonly environment: readonly { readonly name: string; readonly value: string }[];
  readonly secrets: readonly { readonly name: string; readonly valueFrom: string }[];
}

/** A parsed Secrets Manager valueFrom. */
export interface SecretReference {
  /** The secret's ARN (the first seven fields). */
  readonly secretId: string;
  readonly jsonKey?: string;
  readonly versionStage?: string;
  readonly versionId?: string;
}

/** Parses a Secrets Manager valueFrom; throws on any other form. */
export function parseValueFrom(valueFrom: string): SecretReference {
  const parts = valueFrom.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'secretsmanager' || parts[5] !== 'secret')
    throw new Error(
      `"${valueFrom}" is not a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>[:json-key:version-stage:version-id]); Parameter Store references are not used by this estate`,
    );
  if (parts.length > 10)
    throw new Error(`"${valueFrom}" has more than json-key:version-stage:version-id after the ARN`);
  const [jsonKey, versionStage, versionId] = parts.slice(7).map((p) => (p === '' ? undefined : p));
  if (versionStage && versionId)
    throw new Error(`"${valueFrom}" names both a version stage and a version id (ECS takes one of them)`);
  return {
    secretId: parts.slice(0, 7).join(':'),
    ...(jsonKey ? { jsonKey } : {}),
    ...(versionStage ? { versionStage } : {}),
    ...(versionId ? { versionId } : {}),
  };
}

/** One container (by name, default the API's) of a task definition registered in ECS. */
export async function containerFromEcs(
  ecs: ECSClient,
  taskDefinitionArn: string,
  containerName: string = API_NAME,
): Promise<ContainerEnvironmentSpec> {
  const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }));
  const c = out.taskDefinition?.containerDefinitions?.find((d) => d.name === containerName);
  if (!c) throw new Error(`task definition ${taskDefinitionArn} has no container ${containerName}`);
  return {
    name: containerName,
    environment: (c.environment ?? []).map((e) => ({ name: e.name ?? '', value: e.value ?? '' })),
    secrets: (c.secrets ?? []).map((s) => ({ name: s.name ?? '', valueFrom: s.valueFrom ?? '' })),
  };
}

/**
 * The container definitions of a synthesized task definition (cdktf's `${jsonencode([...])}`) with every Terraform
 * reference replaced by `resolve(reference)` (e.g. `aws_secretsmanager_secret.x.arn` -> the deployed ARN): what
 * Terraform registers at apply. A reference `resolve` does not know is left as written ("${...}").
 */
export function containerDefinitionsFromSynthesized(
  containerDefinitions: string,
  resolve: (reference: string) => string | undefined,
): Record<string, unknown>[] {
  const json = jsonencodeToJson(containerDefinitions);
  if (!json) throw new Error('container_definitions is not a jsonencode([...]) expression');
  const substitute = (value: unknown): unknown => {
    if (typeof value === 'string')
      return value.replace(/\$\{([^}]+)\}/g, (whole, ref: string) => resolve(ref.trim()) ?? whole);
    if (Array.isArray(value)) return value.map(substitute);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    return value;
  };
  const defs = substitute(JSON.parse(json));
  if (!Array.isArray(defs)) throw new Error('container_definitions is not a list');
  return defs as Record<string, unknown>[];
}

/** Reads one valueFrom from Secrets Manager as ECS would. */
async function readSecret(sm: SecretsManagerClient, variable: string, valueFrom: string): Promise<string> {
  if (valueFrom.includes('${'))
    throw new Error(`${variable}: valueFrom "${valueFrom}" still holds an unresolved reference`);
  let ref: SecretReference;
  try {
    ref = parseValueFrom(valueFrom);
  } catch (err) {
    throw new Error(`${variable}: ${(err as Error).message}`);
  }
  let secretString: string | undefined;
  try {
    const out = await sm.send(
      new GetSecretValueCommand({
        SecretId: ref.secretId,
        ...(ref.versionId ? { VersionId: ref.versionId } : { VersionStage: ref.versionStage ?? 'AWSCURRENT' }),
      }),
    );
    secretString = out.SecretString;
  } catch (err) {
    const name = (err as { name?: string }).name ?? 'error';
    throw new Error(
      `${variable}: cannot read ${ref.secretId} (${ref.versionId ?? ref.versionStage ?? 'AWSCURRENT'}): ${name}`,
    );
  }
  if (secretString === undefined) throw new Error(`${variable}: ${ref.secretId} has no SecretString (binary secret)`);
  if (!ref.jsonKey) return secretString;
  let doc: unknown;
  try {
    doc = JSON.parse(secretString);
  } catch {
    throw new Error(`${variable}: ${ref.secretId} is not a JSON object, so it has no key ${ref.jsonKey}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new Error(`${variable}: ${ref.secretId} is not a JSON object, so it has no key ${ref.jsonKey}`);
  const value = (doc as Record<string, unknown>)[ref.jsonKey];
  if (value === undefined) throw new Error(`${variable}: ${ref.secretId} has no key ${ref.jsonKey}`);
  if (typeof value !== 'string') throw new Error(`${variable}: key ${ref.jsonKey} of ${ref.secretId} is not a string`);
  return value;
}

/**
 * The environment ECS gives the container: plain entries as written, then each secret; a variable set twice is an
 * error (ECS refuses such a task definition). Values are returned, never printed.
 */
export async function resolveContainerEnvironment(
  container: ContainerEnvironmentSpec,
  sm: SecretsManagerClient,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const set = (name: string, value: string) => {
    if (name in env) throw new Error(`${name} is set twice in container ${container.name}`);
    env[name] = value;
  };
  for (const e of container.environment) set(e.name, e.value);
  for (const s of container.secrets) set(s.name, await readSecret(sm, s.name, s.valueFrom));
  return env;
}
