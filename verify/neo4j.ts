/**
 * Step 5, neo4j: for LedgerSpace and SearchSpace, with the credentials from the environment's Secrets Manager
 * secret: Bolt connectivity, server version and edition (must match config), and a read query.
 * Auth failure, expired credentials and an unreachable server are distinct failures. Secret values never appear
 * in messages or figures (only the Bolt host:port).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import neo4j, { type Driver } from 'neo4j-driver';
import type { Neo4jEdition } from '../config';
import { NEO4J_SECRET_KEYS, NEO4J_SPACE_LABELS, NEO4J_SPACES, neo4jSecretKey } from '../contracts/neo4j';
import { within } from '../lib/deadline';
import { probeTcp } from '../lib/network-errors';
import { awsClient, awsErrorKind, awsErrorName, resolveRegion } from './aws';
import { StepFailure } from './errors';
import { requireOutputs } from './outputs';
import type { FailureKind, Figures, StepContext } from './types';
import { waitFor } from './wait';

export interface SpaceCredentials {
  readonly name: string;
  /** The secret's key prefix: ledgerspace or searchspace. */
  readonly key?: string;
  readonly url: string;
  readonly user: string;
  readonly password: string;
}

export interface Neo4jExpectation {
  readonly edition?: Neo4jEdition;
  /** Exact version (5.26.19) or a prefix (5.26). */
  readonly version?: string;
}

/** host:port of a Bolt URL, without any user info: the only part of the secret verify prints. */
export function boltHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparseable bolt URL)';
  }
}

/** Parses the secret string: missing keys (names only) are a `missing` failure. */
export function parseNeo4jSecret(secretString: string | undefined, secretId: string): SpaceCredentials[] {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(secretString ?? '');
  } catch {
    throw new StepFailure({ kind: 'wrong-answer', detail: `secret ${secretId} is not a JSON object` });
  }
  if (typeof doc !== 'object' || doc === null)
    throw new StepFailure({ kind: 'wrong-answer', detail: `secret ${secretId} is not a JSON object` });
  const absent = NEO4J_SECRET_KEYS.filter((k) => typeof doc[k] !== 'string' || doc[k] === '');
  if (absent.length > 0)
    throw new StepFailure({ kind: 'missing', detail: `secret ${secretId} lacks key(s) ${absent.join(', ')}` });
  return NEO4J_SPACES.map((space) => ({
    name: NEO4J_SPACE_LABELS[space],
    key: space,
    url: doc[neo4jSecretKey(space, 'bolturl')] as string,
    user: doc[neo4jSecretKey(space, 'user')] as string,
    password: doc[neo4jSecretKey(space, 'pass')] as string,
  }));
}

/** Reads the secret with an endpoint-overridable Secrets Manager client. */
export async function readNeo4jSecret(
  secretId: string,
  region: string,
  endpointUrl?: string,
  signal?: AbortSignal,
): Promise<SpaceCredentials[]> {
  const client = awsClient(SecretsManagerClient, { region, endpointUrl }, signal);
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    return parseNeo4jSecret(out.SecretString, secretId);
  } catch (err) {
    if (err instanceof StepFailure) throw err;
    const kind = awsErrorKind(err);
    const what =
      kind === 'missing' ? `secret ${secretId} not found` : `GetSecretValue ${secretId}: ${awsErrorName(err)}`;
    throw new StepFailure({ kind, detail: what });
  } finally {
    client.destroy();
  }
}

/**
 * Maps a neo4j-driver error to a failure kind by its code; `undefined` means transient (retry). The driver reports
 * every connection problem under a code of its own (ServiceUnavailable, SessionExpired, or N/A for a pool that timed
 * out) without the network's code: whyUnreachable() asks the network.
 */
export function neo4jErrorKind(err: unknown): FailureKind | undefined {
  const code = String((err as { code?: unknown })?.code ?? '');
  if (code === 'Neo.ClientError.Security.CredentialsExpired') return 'expired-credentials';
  if (code.startsWith('Neo.ClientError.Security.')) return 'auth';
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || code === 'N/A') return undefined;
  if (code.startsWith('Neo.TransientError.')) return undefined;
  return 'error';
}

function describeNeo4jError(err: unknown): string {
  const code = String((err as { code?: unknown })?.code ?? '');
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  return code ? `${code}: ${message}` : message;
}

/**
 * Why a Bolt address did not serve the driver, from one TCP connection (lib/network-errors.ts): refused or not found
 * is `refused`; a connection that is accepted (or never completes) is a server that does not answer: `timeout`.
 */
async function whyUnreachable(url: string, timeoutMs: number): Promise<{ reason: string; kind: FailureKind }> {
  const { hostname, port } = new URL(url);
  const problem = await probeTcp(hostname.replace(/^\[|\]$/g, ''), Number(port || 7687), timeoutMs);
  if (problem?.kind === 'refused') return { reason: problem.detail, kind: 'refused' };
  return { reason: 'no answer in time (the server accepts connections but does not answer)', kind: 'timeout' };
}

export interface SpaceResult {
  readonly name: string;
  readonly host: string;
  readonly version: string;
  readonly edition: string;
  readonly nodes: number;
  readonly attempts: number;
}

/** Checks one space within `timeoutMs`: retries while unreachable, stops at once on auth/expired/wrong answers. */
export async function checkSpace(
  creds: SpaceCredentials,
  expected: Neo4jExpectation,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<SpaceResult> {
  const host = boltHost(creds.url);
  const where = `${creds.name} Neo4j at ${host}`;
  let driver: Driver | undefined;
  try {
    driver = neo4j.driver(creds.url, neo4j.auth.basic(creds.user, creds.password), {
      connectionTimeout: Math.min(5000, timeoutMs),
      connectionAcquisitionTimeout: Math.min(10_000, timeoutMs),
      maxConnectionPoolSize: 2,
      logging: { level: 'error', logger: () => undefined },
    });
  } catch (err) {
    throw new StepFailure({
      kind: 'wrong-answer',
      detail: `${creds.name} bolt URL in the secret is not valid (${host}): ${(err as Error).message.split('\n')[0]}`,
    });
  }
  const d = driver;
  try {
    const { value, attempts } = await waitFor(
      `${where} unreachable`,
      async () => {
        try {
          await d.verifyConnectivity();
          const info = await d.getServerInfo();
          const components = await d.executeQuery(
            'CALL dbms.components() YIELD name, versions, edition RETURN versions[0] AS version, edition',
            {},
            { routing: neo4j.routing.READ, database: 'system' },
          );
          const read = await d.executeQuery('MATCH (n) RETURN count(n) AS nodes', {}, { routing: neo4j.routing.READ });
          const row = components.records[0];
          return {
            done: true,
            value: {
              agent: info.agent ?? '',
              version: String(row?.get('version') ?? (info.agent ?? '').replace(/^Neo4j\//, '')),
              edition: String(row?.get('edition') ?? 'unknown'),
              nodes: Number(read.records[0]?.get('nodes') ?? 0),
            },
          };
        } catch (err) {
          const kind = neo4jErrorKind(err);
          if (kind) throw new StepFailure({ kind, detail: `${where}: ${describeNeo4jError(err)}` });
          return { done: false, ...(await whyUnreachable(creds.url, Math.min(2000, timeoutMs))) };
        }
      },
      { timeoutMs, initialDelayMs: 500, maxDelayMs: 5000, signal },
    );
    if (expected.edition && value.edition !== expected.edition) {
      throw new StepFailure({
        kind: 'wrong-answer',
        detail: `${where} runs the ${value.edition} edition, config expects ${expected.edition}`,
      });
    }
    if (expected.version && !(value.version === expected.version || value.version.startsWith(`${expected.version}.`))) {
      throw new StepFailure({
        kind: 'wrong-answer',
        detail: `${where} runs Neo4j ${value.version}, config expects ${expected.version}`,
      });
    }
    return { name: creds.name, host, version: value.version, edition: value.edition, nodes: value.nodes, attempts };
  } finally {
    // A frozen server can hold close() too: give it a second, then leave the socket to the process exit.
    await within(d.close(), AbortSignal.timeout(1000)).catch(() => undefined);
  }
}

/** Checks every space (concurrently); the step fails with the first failure's kind and lists each. */
export async function checkSpaces(
  spaces: readonly SpaceCredentials[],
  expected: Neo4jExpectation,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ message: string; figures: Figures }> {
  const settled = await Promise.allSettled(spaces.map((s) => checkSpace(s, expected, timeoutMs, signal)));
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  const results = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const figures: Figures = {};
  for (const r of results) {
    figures[`${r.name}.version`] = r.version;
    figures[`${r.name}.edition`] = r.edition;
    figures[`${r.name}.nodes`] = r.nodes;
  }
  if (failures.length > 0) {
    const first = failures[0];
    const kind: FailureKind = first instanceof StepFailure ? first.kind : 'error';
    const text = failures.map((f) => (f instanceof Error ? f.message : String(f))).join('; ');
    throw new StepFailure({ kind, message: text, figures });
  }
  return {
    message: results
      .map((r) => `${r.name} ${r.host}: Neo4j ${r.version} ${r.edition}, ${r.nodes} nodes readable`)
      .join('; '),
    figures,
  };
}

/** The same Bolt URL with its host:port replaced (scheme and everything else kept). */
export function withAddress(url: string, address: string): string {
  const parsed = new URL(url);
  parsed.host = address;
  return parsed.toString().replace(/\/$/, '');
}

export async function runNeo4j(ctx: StepContext): Promise<{ message: string; figures: Figures }> {
  requireOutputs(ctx.outputs, 'neo4j', ['neo4jSecretArn']);
  const region = resolveRegion(ctx.outputs.region, ctx.env?.region);
  const deadline = Date.now() + ctx.timeoutMs;
  // The secret read is part of the step's budget: a Secrets Manager endpoint that never answers ends with the step.
  const fromSecret = await readNeo4jSecret(ctx.outputs.neo4jSecretArn!, region, ctx.endpointUrl, ctx.signal);
  const overrides = ctx.neo4jAddresses ?? {};
  const spaces = fromSecret.map((s) =>
    s.key && overrides[s.key] ? { ...s, url: withAddress(s.url, overrides[s.key]) } : s,
  );
  const expected: Neo4jExpectation = { edition: ctx.env?.neo4j.edition, version: ctx.env?.neo4j.version };
  const left = deadline - Date.now();
  if (left <= 0 || ctx.signal?.aborted)
    throw new StepFailure({ kind: 'timeout', detail: `no time left for the Bolt checks after reading the secret` });
  return checkSpaces(spaces, expected, left, ctx.signal);
}
