/**
 * The Lambda entry point (Node.js 22 runtime, bundled by dev/build.js into dist/functions/neo4j-rotation/index.js).
 * Configuration comes from the environment the construct (constructs/neo4j-rotation.ts) sets:
 *   CONNECTION_SECRET_ID   the six-key connection secret the API reads
 *   SPACE_SECRETS          JSON {"ledgerspace": "<host secret ARN>", "searchspace": "<host secret ARN>"}
 *                          (space -> ARN: the ARNs are Terraform references, which can be values but not object keys)
 *   ECS_CLUSTER, ECS_SERVICE  the API's service (optional): rotation waits for it to settle, then redeploys it
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NEO4J_SPACES, Neo4jSpace } from '../../contracts/neo4j';
import { rotate, RotationDeps, RotationEvent } from './rotation';

let deps: RotationDeps | undefined;

/** Reads the configuration once per container; throws one line naming the variable that is wrong. */
export function depsFromEnvironment(env: NodeJS.ProcessEnv = process.env): RotationDeps {
  const connectionSecretId = env.CONNECTION_SECRET_ID;
  if (!connectionSecretId) throw new Error('neo4j-rotation: CONNECTION_SECRET_ID is not set');
  let bySpace: unknown;
  try {
    bySpace = JSON.parse(env.SPACE_SECRETS ?? '');
  } catch {
    bySpace = undefined;
  }
  if (bySpace === null || typeof bySpace !== 'object' || Array.isArray(bySpace))
    throw new Error('neo4j-rotation: SPACE_SECRETS is not a JSON object');
  // The rotation looks a secret's space up by its ARN: invert the map.
  const spaces: Record<string, Neo4jSpace> = {};
  for (const [space, secret] of Object.entries(bySpace)) {
    if (!(NEO4J_SPACES as readonly string[]).includes(space))
      throw new Error(`neo4j-rotation: SPACE_SECRETS names unknown space "${space}"`);
    if (typeof secret !== 'string' || secret === '')
      throw new Error(`neo4j-rotation: SPACE_SECRETS gives no secret ARN for ${space}`);
    spaces[secret] = space as Neo4jSpace;
  }
  const endpoint = env.AWS_ENDPOINT_URL || undefined;
  return {
    secrets: new SecretsManagerClient({ endpoint }),
    connectionSecretId,
    spaces,
    ecs:
      env.ECS_CLUSTER && env.ECS_SERVICE
        ? { client: new ECSClient({ endpoint }), cluster: env.ECS_CLUSTER, service: env.ECS_SERVICE }
        : undefined,
  };
}

export async function handler(event: RotationEvent): Promise<void> {
  deps ??= depsFromEnvironment();
  try {
    await rotate(event, deps);
  } catch (error) {
    // One line in the log (Secrets Manager shows the function's failure; the log says which step and why).
    console.error(`neo4j-rotation ${event.Step} failed: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}
