/**
 * The Lambda entry point (Node.js 22 runtime, bundled by dev/build.js into dist/functions/neo4j-rotation/index.js).
 * Configuration comes from the environment the construct (constructs/neo4j-rotation.ts) sets:
 *   CONNECTION_SECRET_ID   the six-key connection secret the API reads
 *   SECRET_SPACES          JSON {"<host secret ARN>": "ledgerspace" | "searchspace"}
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
  let spaces: Record<string, Neo4jSpace>;
  try {
    spaces = JSON.parse(env.SECRET_SPACES ?? '') as Record<string, Neo4jSpace>;
  } catch {
    throw new Error('neo4j-rotation: SECRET_SPACES is not a JSON object');
  }
  for (const [secret, space] of Object.entries(spaces)) {
    if (!(NEO4J_SPACES as readonly string[]).includes(space))
      throw new Error(`neo4j-rotation: SECRET_SPACES maps ${secret} to unknown space "${space}"`);
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
