/**
 * The servers the integration project starts once (integration-setup.ts) and hands to every test file by
 * environment: one moto (MOTO_ECS_SERVICE_RUNNING=1: a service's tasks count as running) and one Neo4j. A file takes
 * them with sharedMoto() / sharedNeo4j(), which reset them first, so each file starts from an empty account and an
 * empty database with the shared password. Files that need a moto or Neo4j of another kind (other moto settings, an
 * expired password, two hosts) start their own with startMoto() / startNeo4j().
 */
import neo4j from 'neo4j-driver';
import { resetMoto, type MotoServer } from './moto';
import type { Neo4jServer } from './neo4j';

/** The environment variables integration-setup.ts sets: the shared moto and the shared Neo4j, as JSON. */
export const SHARED_MOTO_ENV = 'CREDEX_TEST_MOTO';
export const SHARED_NEO4J_ENV = 'CREDEX_TEST_NEO4J';

/** The moto settings of the shared server. */
export const SHARED_MOTO_SETTINGS = { MOTO_ECS_SERVICE_RUNNING: '1' } as const;

function handed(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this file in jest's integration project (npm test)`);
  return value;
}

/** The shared moto, reset (an empty emulated account). Its stop() does nothing: the global teardown stops it. */
export async function sharedMoto(): Promise<MotoServer> {
  const { endpoint, pid } = JSON.parse(handed(SHARED_MOTO_ENV)) as { endpoint: string; pid: number };
  const server: MotoServer = {
    endpoint,
    pid,
    reset: () => resetMoto(endpoint),
    stop: async () => undefined,
  };
  await server.reset();
  return server;
}

/**
 * The shared Neo4j, reset: every node and every user but `neo4j` dropped, `neo4j`'s password the shared one. A file
 * that changes `neo4j`'s password must set it back (the next reset signs in with the shared one).
 */
export async function sharedNeo4j(): Promise<Neo4jServer> {
  const shared = JSON.parse(handed(SHARED_NEO4J_ENV)) as Omit<Neo4jServer, 'stop'>;
  const driver = neo4j.driver(shared.boltUrl, neo4j.auth.basic(shared.user, shared.password));
  try {
    await driver.executeQuery('MATCH (n) DETACH DELETE n');
    const users = await driver.executeQuery('SHOW USERS YIELD user', {}, { database: 'system' });
    for (const record of users.records) {
      const user = String(record.get('user'));
      if (user !== shared.user) await driver.executeQuery(`DROP USER \`${user}\``, {}, { database: 'system' });
    }
  } finally {
    await driver.close();
  }
  return { ...shared, stop: async () => undefined };
}
