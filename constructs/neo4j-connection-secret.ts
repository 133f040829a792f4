import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { Neo4jHost } from './neo4j-host';
import { ContainerSecret } from './service';

/** The six keys of the connection secret, and the container environment variable each one feeds. */
export const NEO4J_SECRET_KEYS = {
  ledgerspacebolturl: 'NEO4J_LEDGER_SPACE_BOLT_URL',
  ledgerspaceuser: 'NEO4J_LEDGER_SPACE_USER',
  ledgerspacepass: 'NEO4J_LEDGER_SPACE_PASS',
  searchspacebolturl: 'NEO4J_SEARCH_SPACE_BOLT_URL',
  searchspaceuser: 'NEO4J_SEARCH_SPACE_USER',
  searchspacepass: 'NEO4J_SEARCH_SPACE_PASS',
} as const;

export type Neo4jSecretKey = keyof typeof NEO4J_SECRET_KEYS;

export interface Neo4jConnectionSecretProps {
  /** neo4j_stage_secrets or neo4j_prod_secrets. */
  readonly name: string;
  readonly ledgerSpace: Neo4jHost;
  readonly searchSpace: Neo4jHost;
  /** @default 7 */
  readonly recoveryWindowDays?: number;
}

/**
 * The one JSON secret the API reads its Neo4j connection details from, with exactly the six keys above.
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
    });
    const value: Record<Neo4jSecretKey, string> = {
      ledgerspacebolturl: props.ledgerSpace.boltUrl,
      ledgerspaceuser: props.ledgerSpace.username,
      ledgerspacepass: props.ledgerSpace.password,
      searchspacebolturl: props.searchSpace.boltUrl,
      searchspaceuser: props.searchSpace.username,
      searchspacepass: props.searchSpace.password,
    };
    new SecretsmanagerSecretVersion(this, 'value', { secretId: this.secret.id, secretString: Fn.jsonencode(value) });
  }

  /** The task definition hook: each key injected with valueFrom under the variable name the API reads. */
  public containerSecrets(): ContainerSecret[] {
    const secretArn = this.secret.arn; // one token, so the execution role lists the ARN once
    return (Object.keys(NEO4J_SECRET_KEYS) as Neo4jSecretKey[]).map((key) => ({
      name: NEO4J_SECRET_KEYS[key],
      secretArn,
      jsonKey: key,
    }));
  }
}
