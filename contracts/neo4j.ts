/**
 * Neo4j names the infrastructure, the API and verify must agree on: the two spaces, the Bolt port, and the six
 * keys of the connection secret (`neo4j_stage_secrets` / `neo4j_prod_secrets`) with the container variable each
 * one feeds (the names the app reads).
 */

/** Bolt, the only port a Neo4j host listens on. */
export const BOLT_PORT = 7687;

/** The two graph spaces; each is its own host (Community has one user database per server). */
export const NEO4J_SPACES = ['ledgerspace', 'searchspace'] as const;
export type Neo4jSpace = (typeof NEO4J_SPACES)[number];

/** How people and reports name each space. */
export const NEO4J_SPACE_LABELS: Readonly<Record<Neo4jSpace, string>> = {
  ledgerspace: 'LedgerSpace',
  searchspace: 'SearchSpace',
};

/** The three fields each space has in the connection secret. */
export type Neo4jSecretField = 'bolturl' | 'user' | 'pass';

/** A key of the connection secret: the space followed by the field, e.g. `ledgerspacepass`. */
export type Neo4jSecretKey = `${Neo4jSpace}${Neo4jSecretField}`;

/** The secret key holding `field` of `space`. */
export function neo4jSecretKey(space: Neo4jSpace, field: Neo4jSecretField): Neo4jSecretKey {
  return `${space}${field}`;
}

/**
 * The six keys of the connection secret, and the container environment variable each one feeds: the names the app
 * reads (config/config.ts of credex-core: `NEO_4J_`, with the underscore). contracts/app.ts lists them among the
 * app's variables.
 */
export const NEO4J_SECRET_KEY_NAMES: Readonly<Record<Neo4jSecretKey, string>> = {
  ledgerspacebolturl: 'NEO_4J_LEDGER_SPACE_BOLT_URL',
  ledgerspaceuser: 'NEO_4J_LEDGER_SPACE_USER',
  ledgerspacepass: 'NEO_4J_LEDGER_SPACE_PASS',
  searchspacebolturl: 'NEO_4J_SEARCH_SPACE_BOLT_URL',
  searchspaceuser: 'NEO_4J_SEARCH_SPACE_USER',
  searchspacepass: 'NEO_4J_SEARCH_SPACE_PASS',
};

/** The six keys of the connection secret. */
export const NEO4J_SECRET_KEYS: readonly Neo4jSecretKey[] = Object.keys(NEO4J_SECRET_KEY_NAMES) as Neo4jSecretKey[];

/**
 * The two users a host's password rotation alternates between (docs/deployer-guide.md, "Neo4j password rotation"):
 * each rotation gives the user that is NOT current a new password and makes it current, so the credentials running
 * API tasks hold stay valid until the rotation after next.
 */
export const NEO4J_ROTATION_USERS = ['neo4j', 'neo4j_alt'] as const;
