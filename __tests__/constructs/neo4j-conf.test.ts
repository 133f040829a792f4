/** The neo4j.conf the hosts' user_data writes, booted on a real Neo4j 5.26 (the version the hosts run). */
import { environmentConfig } from '../../config';
import { neo4jConf, neo4jMemory } from '../../constructs/neo4j-user-data';
import { checkNeo4jConf } from '../support/neo4j';
import { environment, resource } from '../support/constructs';

jest.setTimeout(120_000);

test.each(['staging', 'production'] as const)('%s: the conf in user_data starts Neo4j with Bolt', async (env) => {
  const memory = neo4jMemory(environmentConfig(env).neo4j.instanceType)!;
  const conf = neo4jConf(memory);
  const userData: string = resource(environment(env).json, 'aws_instance', 'neo4j-ledgerspace_instance').user_data;
  expect(userData).toContain(`<<'CONF'\n${conf}CONF\n`);
  const result = await checkNeo4jConf(conf);
  expect(result.line).toMatch(/^STARTED 127\.0\.0\.1:\d+$/);
});

test.each([
  [
    'a misspelt setting',
    (c: string) => c + 'server.bolt.enabeld=true\n',
    /Unrecognized setting.*server\.bolt\.enabeld/,
  ],
  [
    'TLS without an SSL policy',
    (c: string) => c.replace('tls_level=DISABLED', 'tls_level=OPTIONAL'),
    /encryption level OPTIONAL.*no SSL policy/,
  ],
])('the check fails on %s (it can tell a broken conf)', async (_name, edit, reason) => {
  const result = await checkNeo4jConf(edit(neo4jConf(neo4jMemory('t3.medium')!)));
  expect(result.started).toBe(false);
  expect(result.line).toMatch(reason);
});
