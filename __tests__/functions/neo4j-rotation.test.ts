/**
 * The Neo4j rotation function, called directly with Secrets Manager's four step events, against a real moto server
 * (Secrets Manager with its AWSPENDING / AWSCURRENT stages set up by RotateSecret exactly as AWS does before it invokes
 * the function; ECS for the redeploy) and a real Neo4j 5.26 Community server.
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import neo4j from 'neo4j-driver';
import { randomUUID } from 'node:crypto';
import { depsFromEnvironment } from '../../functions/neo4j-rotation/index';
import {
  Credentials,
  rotate,
  ROTATION_STEPS,
  RotationDeps,
  RotationStep,
} from '../../functions/neo4j-rotation/rotation';
import { MOTO_CLIENT_CONFIG, type MotoServer } from '../support/moto';
import { type Neo4jServer } from '../support/neo4j';
import { sharedMoto, sharedNeo4j } from '../support/shared-servers';

let moto: MotoServer;
let server: Neo4jServer;
let sm: SecretsManagerClient;
/** Every line the function logged and every error message it threw, for the no-password check. */
const output: string[] = [];
/** Every password that existed during the tests. */
const passwords = new Set<string>();

beforeAll(async () => {
  [moto, server] = await Promise.all([sharedMoto(), sharedNeo4j()]);
  sm = new SecretsManagerClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
  passwords.add(server.password);
}, 120_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), server?.stop()]);
}, 60_000);

/** Back to the start: neo4j has the server's password, neo4j_alt does not exist. */
beforeEach(() => backToStart());
// The server is shared with the other files (support/shared-servers.ts): leave it with its own password.
afterAll(() => backToStart());

async function backToStart(): Promise<void> {
  await moto.reset();
  for (const c of [{ username: 'neo4j', password: server.password }, ...known]) {
    if (!(await logsIn(c))) continue;
    const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic(c.username, c.password));
    const session = driver.session({ database: 'system' });
    try {
      if (c.username === 'neo4j') {
        await session.run('DROP USER neo4j_alt IF EXISTS');
      } else {
        await session.run('ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED', { p: server.password });
        await session.close();
        const again = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', server.password));
        await again.session({ database: 'system' }).run('DROP USER neo4j_alt IF EXISTS');
        await again.close();
      }
    } finally {
      await session.close();
      await driver.close();
    }
    break;
  }
  known.length = 0;
}

/** Credentials a test made valid (for beforeEach to undo). */
const known: Credentials[] = [];

async function logsIn(c: Credentials): Promise<boolean> {
  const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic(c.username, c.password), { connectionTimeout: 5000 });
  try {
    const session = driver.session();
    await session.run('RETURN 1');
    await session.close();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'Neo.ClientError.Security.Unauthorized') return false;
    throw error;
  } finally {
    await driver.close();
  }
}

interface Setup {
  readonly hostSecretArn: string;
  readonly connectionSecretArn: string;
  readonly deps: RotationDeps;
}

/** The host secret (neo4j + the server's password) and the six-key connection secret, as Terraform creates them. */
async function setup(overrides: Partial<RotationDeps> = {}): Promise<Setup> {
  const host = await sm.send(
    new CreateSecretCommand({
      Name: 'credex/staging/neo4j/ledgerspace',
      SecretString: JSON.stringify({ username: 'neo4j', password: server.password }),
    }),
  );
  const conn = await sm.send(
    new CreateSecretCommand({
      Name: 'neo4j_stage_secrets',
      SecretString: JSON.stringify(connectionValue()),
    }),
  );
  const deps: RotationDeps = {
    secrets: sm,
    connectionSecretId: conn.ARN!,
    spaces: { [host.ARN!]: 'ledgerspace' },
    log: (line) => output.push(line),
    ...overrides,
  };
  return { hostSecretArn: host.ARN!, connectionSecretArn: conn.ARN!, deps };
}

const connectionValue = () => ({
  ledgerspacebolturl: server.boltUrl,
  ledgerspaceuser: 'neo4j',
  ledgerspacepass: server.password,
  searchspacebolturl: 'bolt://10.10.11.5:7687',
  searchspaceuser: 'neo4j',
  searchspacepass: 'searchspace-password-untouched',
});

/**
 * A rotation's token. AWS's RotateSecret labels a new version id AWSPENDING (without a value) and invokes createSecret
 * with it; moto's RotateSecret without a Lambda instead makes that id AWSCURRENT at once, so the tests pass a fresh
 * token straight to createSecret, whose PutSecretValue creates the AWSPENDING version (the function handles both).
 */
async function startRotation(): Promise<string> {
  return randomUUID();
}

async function step(s: Setup, name: RotationStep, token: string, deps: RotationDeps = s.deps): Promise<void> {
  try {
    await rotate({ Step: name, SecretId: s.hostSecretArn, ClientRequestToken: token }, deps);
  } catch (error) {
    output.push(String(error instanceof Error ? error.message : error));
    throw error;
  }
}

async function value(secretId: string, stage = 'AWSCURRENT'): Promise<Record<string, string>> {
  const out = await sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  const v = JSON.parse(out.SecretString!) as Record<string, string>;
  for (const [k, x] of Object.entries(v)) if (/pass/.test(k)) passwords.add(x);
  return v;
}

async function stages(secretId: string): Promise<Record<string, string[]>> {
  return (await sm.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
}

async function fullRotation(s: Setup): Promise<string> {
  const token = await startRotation();
  for (const name of ROTATION_STEPS) await step(s, name, token);
  return token;
}

const creds = (v: Record<string, string>): Credentials => ({ username: v.username, password: v.password });

/** A Secrets Manager client whose `command` fails once (or always). */
function failing(commandName: string, times = Infinity): SecretsManagerClient {
  let left = times;
  return new Proxy(sm, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string } }) => {
        if (command.constructor.name === commandName && left-- > 0) {
          const e = new Error(`injected failure of ${commandName}`);
          e.name = 'InternalServiceError';
          return Promise.reject(e);
        }
        return target.send(command as never);
      };
    },
  }) as SecretsManagerClient;
}

describe('a rotation', () => {
  test('makes the other user current with a new password, in both secrets; the previous user keeps working', async () => {
    const s = await setup();
    const before = creds(await value(s.hostSecretArn));
    const token = await fullRotation(s);

    const after = await value(s.hostSecretArn);
    known.push(creds(after));
    expect(after.username).toBe('neo4j_alt');
    expect(after.password).toMatch(/^[A-Za-z0-9]{40}$/);
    expect((await stages(s.hostSecretArn))[token]).toEqual(['AWSCURRENT']);
    expect(await logsIn(creds(after))).toBe(true);
    // No outage: tasks that started with the previous credentials keep working until the rotation after next.
    expect(await logsIn(before)).toBe(true);

    const conn = await value(s.connectionSecretArn);
    expect(conn).toEqual({ ...connectionValue(), ledgerspaceuser: 'neo4j_alt', ledgerspacepass: after.password });
  });

  test('the rotation after next retires the first credentials: refused, while the two newest work', async () => {
    const s = await setup();
    const first = creds(await value(s.hostSecretArn));
    await fullRotation(s);
    const second = creds(await value(s.hostSecretArn));
    known.push(second);
    await fullRotation(s);
    const third = creds(await value(s.hostSecretArn));
    known.push(third);

    expect([first.username, second.username, third.username]).toEqual(['neo4j', 'neo4j_alt', 'neo4j']);
    expect(third.password).not.toBe(first.password);
    expect(await logsIn(first)).toBe(false);
    expect(await logsIn(second)).toBe(true);
    expect(await logsIn(third)).toBe(true);
    expect(await value(s.connectionSecretArn)).toMatchObject({
      ledgerspaceuser: 'neo4j',
      ledgerspacepass: third.password,
    });
  });

  test('every step is idempotent: running each twice gives the same result as once', async () => {
    const s = await setup();
    const token = await startRotation();
    await step(s, 'createSecret', token);
    const pending = await value(s.hostSecretArn, 'AWSPENDING');
    for (const name of ROTATION_STEPS) {
      await step(s, name, token);
      await step(s, name, token);
    }
    const current = await value(s.hostSecretArn);
    known.push(creds(current));
    expect(current).toEqual(pending);
    expect((await stages(s.hostSecretArn))[token]).toEqual(['AWSCURRENT']);
    expect(await logsIn(creds(current))).toBe(true);
    expect((await value(s.connectionSecretArn)).ledgerspacepass).toBe(current.password);
  });

  test('a query running on the previous credentials during the rotation completes, and its session goes on', async () => {
    const s = await setup();
    const driver = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', server.password));
    const session = driver.session();
    try {
      const tx = session.beginTransaction();
      await tx.run('CREATE (:RotationProbe {at: timestamp()})');
      // A query that takes a while, started before the rotation and running through it.
      const long = tx.run('UNWIND range(1, 3000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS n');
      await fullRotation(s);
      known.push(creds(await value(s.hostSecretArn)));
      const n = (await long).records[0].get('n');
      expect(Number(n)).toBe(428571);
      await tx.run('MATCH (p:RotationProbe) SET p.done = true');
      await tx.commit();
      const after = await session.run('MATCH (p:RotationProbe) WHERE p.done RETURN count(p) AS c');
      expect(Number(after.records[0].get('c'))).toBeGreaterThanOrEqual(1);
    } finally {
      await session.close();
      await driver.close();
    }
  });

  test('with the API service configured: waits for a settled deployment, then forces a new one', async () => {
    const ecs = new ECSClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    await ecs.send(new CreateClusterCommand({ clusterName: 'credex-cluster-staging' }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'credex-core-staging',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1024',
        containerDefinitions: [{ name: 'credex-core', image: 'repo:sha', essential: true }],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'credex-cluster-staging',
        serviceName: 'credex-core-service-staging',
        taskDefinition: td.taskDefinition!.taskDefinitionArn!,
        desiredCount: 1,
        launchType: 'FARGATE',
      }),
    );
    const service = { client: ecs, cluster: 'credex-cluster-staging', service: 'credex-core-service-staging' };
    const s = await setup({ ecs: service });
    const before = await ecs.send(
      new DescribeServicesCommand({ cluster: service.cluster, services: [service.service] }),
    );
    const deploymentsBefore = before.services![0].deployments!.map((d) => d.id);
    await fullRotation(s);
    known.push(creds(await value(s.hostSecretArn)));
    const after = await ecs.send(
      new DescribeServicesCommand({ cluster: service.cluster, services: [service.service] }),
    );
    const ids = after.services![0].deployments!.map((d) => d.id);
    expect(ids.some((id) => !deploymentsBefore.includes(id))).toBe(true);
  });
});

describe("Secrets Manager's configuration test (RotateSecret with RotateImmediately false, issue 17 item g)", () => {
  // RotateSecret without an immediate rotation "tests the rotation configuration by running the testSecret step":
  // it labels a new version AWSPENDING (moto copies the current value into it, as modelled here) and invokes
  // testSecret with that token. Terraform creates the rotation right after the hosts, which may still be booting.
  const unreachable = {
    connect: (_url: string, c: Credentials) =>
      neo4j.driver('bolt://127.0.0.1:9', neo4j.auth.basic(c.username, c.password), { connectionTimeout: 2000 }),
  };
  async function configurationTest(s: Setup): Promise<string> {
    const token = randomUUID();
    await sm.send(
      new PutSecretValueCommand({
        SecretId: s.hostSecretArn,
        ClientRequestToken: token,
        SecretString: JSON.stringify(await value(s.hostSecretArn)),
        VersionStages: ['AWSPENDING'],
      }),
    );
    return token;
  }

  test('passes while the host is still booting (unreachable), without touching either secret', async () => {
    const s = await setup();
    const before = [await value(s.hostSecretArn), await value(s.connectionSecretArn)];
    const token = await configurationTest(s);
    await step(s, 'testSecret', token, { ...s.deps, ...unreachable });
    expect([await value(s.hostSecretArn), await value(s.connectionSecretArn)]).toEqual(before);
    expect(output.some((l) => l.includes(`testSecret credex/staging/neo4j/ledgerspace: configuration test`))).toBe(
      true,
    );
  });

  test('a real rotation still tests the pending user against Neo4j: unreachable fails', async () => {
    const s = await setup();
    const token = await startRotation();
    await step(s, 'createSecret', token);
    await step(s, 'setSecret', token);
    await expect(step(s, 'testSecret', token, { ...s.deps, ...unreachable })).rejects.toThrow(/unreachable/);
    await step(s, 'testSecret', token);
    await step(s, 'finishSecret', token);
    known.push(creds(await value(s.hostSecretArn)));
  });
});

describe('a failure at any step leaves AWSCURRENT working and the secrets consistent; a retry completes', () => {
  interface FailureCase {
    readonly step: RotationStep;
    readonly what: string;
    readonly deps: (s: Setup) => Partial<RotationDeps>;
    /** Steps run before the failing one with the normal dependencies. */
    readonly skipSetSecret?: boolean;
  }
  const cases: FailureCase[] = [
    {
      step: 'createSecret',
      what: 'Secrets Manager refuses PutSecretValue',
      deps: () => ({ secrets: failing('PutSecretValueCommand') }),
    },
    {
      step: 'setSecret',
      what: 'Neo4j is unreachable',
      deps: () => ({
        connect: (_url, c) =>
          neo4j.driver('bolt://127.0.0.1:9', neo4j.auth.basic(c.username, c.password), { connectionTimeout: 2000 }),
      }),
    },
    {
      step: 'testSecret',
      what: 'the pending password was never set (setSecret skipped)',
      deps: () => ({}),
      skipSetSecret: true,
    },
    {
      step: 'finishSecret',
      what: 'Secrets Manager refuses UpdateSecretVersionStage',
      deps: () => ({ secrets: failing('UpdateSecretVersionStageCommand') }),
    },
  ];

  test.each(cases)('$step: $what', async (c) => {
    const s = await setup();
    const original = await value(s.hostSecretArn);
    const originalConn = await value(s.connectionSecretArn);
    const token = await startRotation();
    for (const name of ROTATION_STEPS) {
      if (name === c.step) break;
      if (name === 'setSecret' && c.skipSetSecret) continue;
      await step(s, name, token);
    }
    await expect(step(s, c.step, token, { ...s.deps, ...c.deps(s) })).rejects.toThrow();

    // AWSCURRENT is the original value and still logs in; the API's secret is untouched; no version is current twice.
    expect(await value(s.hostSecretArn)).toEqual(original);
    expect(await logsIn(creds(original))).toBe(true);
    expect(await value(s.connectionSecretArn)).toEqual(originalConn);
    const current = Object.entries(await stages(s.hostSecretArn)).filter(([, st]) => st.includes('AWSCURRENT'));
    expect(current).toHaveLength(1);
    expect(current[0][0]).not.toBe(token);

    // Secrets Manager retries: the remaining steps (from the failed one) complete the rotation.
    const from = c.skipSetSecret ? 'setSecret' : c.step;
    for (const name of ROTATION_STEPS.slice(ROTATION_STEPS.indexOf(from))) await step(s, name, token);
    const after = await value(s.hostSecretArn);
    known.push(creds(after));
    expect(after.username).toBe('neo4j_alt');
    expect(await logsIn(creds(after))).toBe(true);
    expect((await value(s.connectionSecretArn)).ledgerspacepass).toBe(after.password);
  });

  test('finishSecret: the connection secret write fails after the host secret moved: both users work, a retry syncs it', async () => {
    const s = await setup();
    const token = await startRotation();
    for (const name of ROTATION_STEPS.slice(0, 3)) await step(s, name, token);
    await expect(
      step(s, 'finishSecret', token, { ...s.deps, secrets: failing('PutSecretValueCommand') }),
    ).rejects.toThrow();
    const host = await value(s.hostSecretArn);
    known.push(creds(host));
    const conn = await value(s.connectionSecretArn);
    // The API's secret still names the previous user, which still works: no outage while Secrets Manager retries.
    expect(conn.ledgerspaceuser).toBe('neo4j');
    expect(await logsIn({ username: conn.ledgerspaceuser, password: conn.ledgerspacepass })).toBe(true);
    expect(await logsIn(creds(host))).toBe(true);
    await step(s, 'finishSecret', token);
    expect(await value(s.connectionSecretArn)).toMatchObject({
      ledgerspaceuser: 'neo4j_alt',
      ledgerspacepass: host.password,
    });
  });

  test("a token that is no version of the secret, or a secret that is not a host's, is refused without changes", async () => {
    const s = await setup();
    await expect(step(s, 'setSecret', randomUUID())).rejects.toThrow(/is not a version of secret/);
    const other = await sm.send(
      new CreateSecretCommand({ Name: 'credex/staging/other', SecretString: '{"username":"x","password":"y"}' }),
    );
    await expect(
      rotate({ Step: 'createSecret', SecretId: other.ARN!, ClientRequestToken: randomUUID() }, s.deps),
    ).rejects.toThrow(/not a Neo4j host secret this function rotates/);
    expect(Object.keys(await stages(s.hostSecretArn))).toHaveLength(1);
    expect(Object.keys(await stages(other.ARN!))).toHaveLength(1);
  });
});

describe('configuration from the environment', () => {
  test('names the variable that is missing or wrong', () => {
    expect(() => depsFromEnvironment({})).toThrow(/CONNECTION_SECRET_ID is not set/);
    for (const bad of ['nope', 'null', '[]', '"arn"'])
      expect(() => depsFromEnvironment({ CONNECTION_SECRET_ID: 'c', SPACE_SECRETS: bad })).toThrow(
        /SPACE_SECRETS is not a JSON object/,
      );
    expect(() => depsFromEnvironment({ CONNECTION_SECRET_ID: 'c', SPACE_SECRETS: '{"otherspace":"arn"}' })).toThrow(
      /SPACE_SECRETS names unknown space "otherspace"/,
    );
    expect(() => depsFromEnvironment({ CONNECTION_SECRET_ID: 'c', SPACE_SECRETS: '{"searchspace":""}' })).toThrow(
      /SPACE_SECRETS gives no secret ARN for searchspace/,
    );
  });

  test('SPACE_SECRETS maps each space to its host secret (the shape the construct synthesizes); the old ARN-keyed shape is refused', () => {
    const deps = depsFromEnvironment({
      CONNECTION_SECRET_ID: 'c',
      SPACE_SECRETS: '{"ledgerspace":"arn:ledger","searchspace":"arn:search"}',
      ECS_CLUSTER: 'k',
      ECS_SERVICE: 's',
    });
    expect(deps.spaces).toEqual({ 'arn:ledger': 'ledgerspace', 'arn:search': 'searchspace' });
    expect(deps.ecs?.service).toBe('s');
    // SECRET_SPACES ({"<arn>": "<space>"}) is gone: a function left on it would fail at its first call, loudly.
    expect(() => depsFromEnvironment({ CONNECTION_SECRET_ID: 'c', SECRET_SPACES: '{"arn":"searchspace"}' })).toThrow(
      /SPACE_SECRETS is not a JSON object/,
    );
  });
});

test('no password ever reached the log lines or error messages of any test above (runs last)', () => {
  const leaks = output.filter((line) => [...passwords].some((p) => p.length >= 8 && line.includes(p)));
  expect(output.length).toBeGreaterThan(20);
  expect(leaks).toEqual([]);
});
