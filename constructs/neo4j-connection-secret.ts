import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { waive } from '../contracts/waivers';
import { appSecretVariables } from '../contracts/app';
import { neo4jSecretKey } from '../contracts/neo4j';
import { Neo4jHost } from './neo4j-host';
import { ContainerSecret } from './service';

export interface Neo4jConnectionSecretProps {
  /** neo4j_stage_secrets or neo4j_prod_secrets. */
  readonly name: string;
  readonly ledgerSpace: Neo4jHost;
  readonly searchSpace: Neo4jHost;
  /** @default 7 */
  readonly recoveryWindowDays?: number;
  /** Customer-managed KMS key of the secret. @default - the AWS-managed key aws/secretsmanager */
  readonly kmsKeyArn?: string;
  /**
   * Record the reasoned waiver of CDX-SEC-003 where the gate requires rotation: this secret is not rotated by a
   * schedule of its own, the hosts' rotations write it (constructs/neo4j-rotation.ts). @default false
   */
  readonly waiveRotation?: boolean;
}

/**
 * The one JSON secret the API reads its Neo4j connection details from, with exactly the six keys of contracts/neo4j.ts.
 * Its value is built by Terraform from the hosts' generated passwords and stable addresses: no literal
 * password exists anywhere in code or synthesized JSON.
 */
export class Neo4jConnectionSecret extends Construct {
  public readonly secret: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: Neo4jConnectionSecretProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.name,
      description: 'credex-core Neo4j connection details (LedgerSpace and SearchSpace)',
      recoveryWindowInDays: props.recoveryWindowDays ?? 7,
      kmsKeyId: props.kmsKeyArn,
    });
    if (props.waiveRotation) {
      waive(this.secret, {
        rule: 'CDX-SEC-003',
        reason:
          "kept in step by the Neo4j hosts' password rotations (functions/neo4j-rotation writes each space's user and password here in finishSecret); a schedule of its own would rotate nothing",
      });
    }
    const value: Record<string, string> = {};
    for (const host of [props.ledgerSpace, props.searchSpace]) {
      value[neo4jSecretKey(host.space, 'bolturl')] = host.boltUrl;
      value[neo4jSecretKey(host.space, 'user')] = host.username;
      value[neo4jSecretKey(host.space, 'pass')] = host.password;
    }
    // Terraform writes the first value only: afterwards the rotation owns the user and password keys (and moves the
    // AWSCURRENT label), so a plan must neither restore the first value nor relabel it.
    new SecretsmanagerSecretVersion(this, 'value', {
      secretId: this.secret.id,
      secretString: Fn.jsonencode(value),
      lifecycle: { ignoreChanges: ['secret_string', 'version_stages'] },
    });
  }

  /** The task definition hook: each key injected with valueFrom under the variable name the app reads (contracts/app.ts). */
  public containerSecrets(): ContainerSecret[] {
    const secretArn = this.secret.arn; // one token, so the execution role lists the ARN once
    return appSecretVariables()
      .filter((v) => v.secret === 'neo4j')
      .map((v) => ({ name: v.name, secretArn, jsonKey: v.jsonKey }));
  }
}
