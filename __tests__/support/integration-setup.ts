/**
 * Global setup of jest's integration project: the function packages the app reads (as the unit project's setup), then
 * one moto and one Neo4j for every file (shared-servers.ts), handed over by environment. integration-teardown.ts
 * stops them.
 */
import { startMoto } from './moto';
import { startNeo4j } from './neo4j';
import { SHARED_MOTO_ENV, SHARED_MOTO_SETTINGS, SHARED_NEO4J_ENV } from './shared-servers';

// The unit project's setup (CommonJS, as jest loads it there): the function packages.
const buildFunctionPackages = require('./global-setup') as () => void;

export default async function integrationSetup(): Promise<void> {
  buildFunctionPackages();
  const [moto, neo4j] = await Promise.all([startMoto({ ...SHARED_MOTO_SETTINGS }), startNeo4j()]);
  // Jest runs the teardown in this same context: it finds the servers here.
  (globalThis as { credexSharedServers?: unknown }).credexSharedServers = [moto, neo4j];
  process.env[SHARED_MOTO_ENV] = JSON.stringify({ endpoint: moto.endpoint, pid: moto.pid });
  const { boltUrl, port, user, password, version, pid } = neo4j;
  process.env[SHARED_NEO4J_ENV] = JSON.stringify({ boltUrl, port, user, password, version, pid });
}
