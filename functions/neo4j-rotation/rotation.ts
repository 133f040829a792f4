/**
 * Secrets Manager rotation of a Neo4j host's password secret (`credex/<env>/neo4j/<space>`, JSON
 * {username, password}), keeping the API's six-key connection secret (`neo4j_stage_secrets` / `neo4j_prod_secrets`)
 * in step.
 *
 * Strategy: alternating users (contracts/neo4j.ts NEO4J_ROTATION_USERS). A rotation never changes the password of the
 * user that is current: it gives the OTHER user a new password (creating it the first time), tests it, makes it
 * current, writes it into the connection secret and forces a new ECS deployment so the API tasks pick it up. Tasks
 * that started before keep working with the previous user, whose password stays valid until the rotation after next;
 * createSecret refuses to start while the service's previous deployment is still rolling out, so that window is never
 * cut short by two rotations in a row.
 *
 * Every step is idempotent (Secrets Manager retries a failed step) and a failure at any step leaves AWSCURRENT
 * working: the current user is never altered. Nothing here logs or throws a password.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { randomBytes } from 'node:crypto';
import neo4j, { Driver } from 'neo4j-driver';
import { NEO4J_ROTATION_USERS, NEO4J_SPACES, Neo4jSpace, neo4jSecretKey } from '../../contracts/neo4j';
import { poll } from '../../lib/poll';

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
export const ROTATION_STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** The event Secrets Manager invokes a rotation function with. */
export interface RotationEvent {
  readonly Step: RotationStep;
  readonly SecretId: string;
  readonly ClientRequestToken: string;
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface RotationDeps {
  readonly secrets: SecretsManagerClient;
  /** Opens a driver to a Neo4j server. @default neo4j-driver with basic auth, a small pool and 10 s timeouts */
  readonly connect?: (boltUrl: string, credentials: Credentials) => Driver;
  /** The connection secret the API reads (name or ARN). */
  readonly connectionSecretId: string;
  /** Host password secret (ARN or name) -> the space it belongs to. */
  readonly spaces: Readonly<Record<string, Neo4jSpace>>;
  /** The API's ECS service: rotation waits for its deployment to settle and forces a new one at the end. */
  readonly ecs?: { readonly client: ECSClient; readonly cluster: string; readonly service: string };
  /** One line per event. @default console.log */
  readonly log?: (line: string) => void;
}

/** A rotation failure: one line naming the step and what failed, never a secret value. */
export class RotationError extends Error {
  constructor(
    readonly step: RotationStep,
    message: string,
  ) {
    super(`${step}: ${message}`);
    this.name = 'RotationError';
  }
}

const PENDING = 'AWSPENDING';
const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

/** Runs one step of a rotation. */
export async function rotate(event: RotationEvent, deps: RotationDeps): Promise<void> {
  const { Step: step, SecretId: secretId, ClientRequestToken: token } = event;
  if (!ROTATION_STEPS.includes(step)) throw new RotationError(step, 'unknown step');
  const log = deps.log ?? ((line: string) => console.log(line));
  const ctx = new Context(step, secretId, token, deps, log);
  const meta = await ctx.describe();
  const stages = meta.VersionIdsToStages?.[token];
  // RotateSecret labels the new version id AWSPENDING before it invokes createSecret, which then gives it a value;
  // createSecret also accepts a token that has no version yet (its PutSecretValue creates it with AWSPENDING).
  if (!stages) {
    if (step === 'createSecret') return ctx.createSecret();
    throw new RotationError(step, `version ${token} is not a version of secret ${meta.Name}`);
  }
  if (stages.includes(CURRENT)) {
    if (step !== 'finishSecret') {
      log(`${step} ${meta.Name}: version ${token} is already current, nothing to do`);
      return;
    }
  } else if (!stages.includes(PENDING)) {
    throw new RotationError(step, `version ${token} of ${meta.Name} is neither ${PENDING} nor ${CURRENT}`);
  }
  switch (step) {
    case 'createSecret':
      return ctx.createSecret();
    case 'setSecret':
      return ctx.setSecret();
    case 'testSecret':
      return ctx.testSecret();
    case 'finishSecret':
      return ctx.finishSecret(meta.VersionIdsToStages ?? {});
  }
}

/** The other user of the pair (the one a rotation gives a new password). */
export function nextUser(current: string): string {
  const i = (NEO4J_ROTATION_USERS as readonly string[]).indexOf(current);
  return NEO4J_ROTATION_USERS[i === 0 ? 1 : 0];
}

/** A new password: 40 characters of [A-Za-z0-9] (no quoting issues in shells, Cypher or JSON). */
export function newPassword(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const out: string[] = [];
  while (out.length < 40) {
    for (const b of randomBytes(64)) if (b < 248 && out.length < 40) out.push(alphabet[b % 62]);
  }
  return out.join('');
}

const USER_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function defaultConnect(boltUrl: string, c: Credentials): Driver {
  return neo4j.driver(boltUrl, neo4j.auth.basic(c.username, c.password), {
    maxConnectionPoolSize: 2,
    connectionTimeout: 10_000,
    connectionAcquisitionTimeout: 15_000,
    disableLosslessIntegers: true,
  });
}

function errorCode(error: unknown): string {
  const e = error as { code?: string; name?: string };
  return e?.code ?? e?.name ?? 'error';
}

/** The first line of an error's message, for logs; secrets never reach error messages of the SDK or the driver. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${errorCode(error)}: ${message.split('\n')[0]}`;
}

class Context {
  private metaName = '';

  constructor(
    private readonly step: RotationStep,
    private readonly secretId: string,
    private readonly token: string,
    private readonly deps: RotationDeps,
    private readonly log: (line: string) => void,
  ) {}

  private fail(message: string): never {
    throw new RotationError(this.step, message);
  }

  private connect(boltUrl: string, c: Credentials): Driver {
    return (this.deps.connect ?? defaultConnect)(boltUrl, c);
  }

  async describe() {
    const meta = await this.deps.secrets.send(new DescribeSecretCommand({ SecretId: this.secretId }));
    this.metaName = meta.Name ?? this.secretId;
    this.space = this.spaceOf(meta.ARN, meta.Name);
    return meta;
  }

  private space: Neo4jSpace = NEO4J_SPACES[0];

  private spaceOf(arn?: string, name?: string): Neo4jSpace {
    for (const key of [arn, name, this.secretId]) {
      if (key && this.deps.spaces[key]) return this.deps.spaces[key];
    }
    return this.fail(`secret ${name ?? this.secretId} is not a Neo4j host secret this function rotates`);
  }

  /** The JSON value of a version (by stage, or by id and stage); undefined when that version has no value. */
  private async read(
    secretId: string,
    select: { stage: string; versionId?: string },
  ): Promise<Record<string, string> | undefined> {
    try {
      const out = await this.deps.secrets.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionStage: select.stage, VersionId: select.versionId }),
      );
      if (out.SecretString === undefined) return undefined;
      const value = JSON.parse(out.SecretString) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return this.fail(`the ${select.stage} value of ${secretId} is not a JSON object`);
      return value as Record<string, string>;
    } catch (error) {
      if (errorCode(error) === 'ResourceNotFoundException') return undefined;
      if (error instanceof RotationError) throw error;
      if (error instanceof SyntaxError) return this.fail(`the ${select.stage} value of ${secretId} is not JSON`);
      throw error;
    }
  }

  private async credentials(select: { stage: string; versionId?: string }): Promise<Credentials | undefined> {
    const v = await this.read(this.secretId, select);
    if (!v) return undefined;
    if (typeof v.username !== 'string' || typeof v.password !== 'string' || v.password === '')
      return this.fail(`the ${select.stage} value of ${this.metaName} lacks username or password`);
    if (!USER_NAME.test(v.username)) return this.fail(`user name "${v.username}" is not a plain Neo4j user name`);
    return { username: v.username, password: v.password };
  }

  private async required(select: { stage: string; versionId?: string }): Promise<Credentials> {
    return (await this.credentials(select)) ?? this.fail(`${this.metaName} has no ${select.stage} value`);
  }

  private async boltUrl(): Promise<string> {
    const conn = await this.read(this.deps.connectionSecretId, { stage: CURRENT });
    const url = conn?.[neo4jSecretKey(this.space, 'bolturl')];
    return url ?? this.fail(`the connection secret has no ${neo4jSecretKey(this.space, 'bolturl')}`);
  }

  /** Whether `c` can log in and run a query on the server (false on a rejected password; throws when unreachable). */
  private async canLogIn(boltUrl: string, c: Credentials): Promise<boolean> {
    const driver = this.connect(boltUrl, c);
    try {
      const session = driver.session();
      try {
        await session.run('RETURN 1');
        return true;
      } finally {
        await session.close();
      }
    } catch (error) {
      const code = errorCode(error);
      if (code === 'Neo.ClientError.Security.Unauthorized' || code === 'Neo.ClientError.Security.CredentialsExpired')
        return false;
      if (code === 'Neo.ClientError.Security.AuthenticationRateLimit')
        return this.fail('Neo4j rate-limits authentication for this user; retry later');
      return this.fail(`Neo4j ${this.space} at ${boltUrl} is unreachable (${describeError(error)})`);
    } finally {
      await driver.close();
    }
  }

  // ---- createSecret -----------------------------------------------------------------------------------------------

  async createSecret(): Promise<void> {
    const current = await this.required({ stage: CURRENT });
    if (await this.credentials({ stage: PENDING, versionId: this.token })) {
      this.log(`createSecret ${this.metaName}: pending version ${this.token} exists already`);
      return;
    }
    await this.requireSettledService();
    const username = nextUser(current.username);
    const existing = (await this.read(this.secretId, { stage: CURRENT })) ?? {};
    await this.deps.secrets.send(
      new PutSecretValueCommand({
        SecretId: this.secretId,
        ClientRequestToken: this.token,
        SecretString: JSON.stringify({ ...existing, username, password: newPassword() }),
        VersionStages: [PENDING],
      }),
    );
    this.log(
      `createSecret ${this.metaName}: pending version ${this.token} for user ${username} (current: ${current.username})`,
    );
  }

  /** Refuses to rotate while the API's previous deployment is still replacing tasks (they may hold the old user). */
  private async requireSettledService(): Promise<void> {
    const ecs = this.deps.ecs;
    if (!ecs) return;
    const out = await ecs.client.send(new DescribeServicesCommand({ cluster: ecs.cluster, services: [ecs.service] }));
    const service = out.services?.[0];
    if (!service) this.fail(`ECS service ${ecs.service} not found in ${ecs.cluster}`);
    const deployments = service.deployments ?? [];
    const settled = deployments.length === 1 && (deployments[0].rolloutState ?? 'COMPLETED') === 'COMPLETED';
    if (!settled)
      this.fail(
        `ECS service ${ecs.service} is still rolling out (${deployments.length} deployments); rotate again when it has settled`,
      );
  }

  // ---- setSecret --------------------------------------------------------------------------------------------------

  async setSecret(): Promise<void> {
    const pending = await this.required({ stage: PENDING, versionId: this.token });
    const current = await this.required({ stage: CURRENT });
    if (pending.username === current.username)
      this.fail(`pending user ${pending.username} is the current user; alternating rotation never changes it`);
    const url = await this.boltUrl();
    if (await this.canLogIn(url, pending)) {
      this.log(`setSecret ${this.metaName}: user ${pending.username} already has the pending password`);
      return;
    }
    // Administer with the current credentials; after a restore from an older snapshot, the previous ones may be valid.
    const previous = await this.credentials({ stage: PREVIOUS });
    let admin: Credentials | undefined;
    for (const c of [current, previous]) {
      if (c && (await this.canLogIn(url, c))) {
        admin = c;
        break;
      }
    }
    if (!admin) this.fail(`neither the current nor the previous credentials of ${this.metaName} log in to Neo4j`);
    const driver = this.connect(url, admin);
    try {
      const session = driver.session({ database: 'system' });
      try {
        if (admin.username === pending.username) {
          await session.run('ALTER CURRENT USER SET PASSWORD FROM $old TO $new', {
            old: admin.password,
            new: pending.password,
          });
        } else {
          const found = await session.run('SHOW USERS YIELD user WHERE user = $name RETURN user', {
            name: pending.username,
          });
          const verb = found.records.length > 0 ? 'ALTER' : 'CREATE';
          await session.run(`${verb} USER \`${pending.username}\` SET PASSWORD $password CHANGE NOT REQUIRED`, {
            password: pending.password,
          });
          await this.copyRoles(session, admin.username, pending.username);
        }
      } finally {
        await session.close();
      }
    } catch (error) {
      if (error instanceof RotationError) throw error;
      this.fail(`setting the password of ${pending.username} failed (${describeError(error)})`);
    } finally {
      await driver.close();
    }
    this.log(`setSecret ${this.metaName}: user ${pending.username} has the pending password`);
  }

  /** Enterprise: the new user gets the roles of the administering user (Community has no roles). */
  private async copyRoles(session: ReturnType<Driver['session']>, from: string, to: string): Promise<void> {
    const edition = await session.run('CALL dbms.components() YIELD edition RETURN edition');
    if (edition.records[0]?.get('edition') !== 'enterprise') return;
    const res = await session.run('SHOW USERS YIELD user, roles WHERE user = $name RETURN roles', { name: from });
    const roles = ((res.records[0]?.get('roles') as string[] | null) ?? []).filter((r) => r !== 'PUBLIC');
    for (const role of roles) {
      if (!USER_NAME.test(role)) this.fail(`role name "${role}" is not a plain name`);
      await session.run(`GRANT ROLE \`${role}\` TO \`${to}\``);
    }
  }

  // ---- testSecret -------------------------------------------------------------------------------------------------

  async testSecret(): Promise<void> {
    const pending = await this.credentials({ stage: PENDING, versionId: this.token });
    const current = await this.required({ stage: CURRENT });
    // Secrets Manager's check of the rotation configuration (RotateSecret without an immediate rotation, which
    // Terraform does when it creates the rotation, while the hosts may still be booting): it labels a version
    // AWSPENDING that createSecret never wrote (no value, or a copy of the current one: a rotation's pending user is
    // always the other user) and runs testSecret alone. What the function needs is checked without the host:
    // both secrets are readable and name this space's server. Each real rotation still tests the pending user.
    if (!pending || (pending.username === current.username && pending.password === current.password)) {
      await this.boltUrl();
      this.log(
        `testSecret ${this.metaName}: configuration test (version ${this.token} is no rotation's); Neo4j is tested at each rotation`,
      );
      return;
    }
    const url = await this.boltUrl();
    if (!(await this.canLogIn(url, pending)))
      this.fail(`user ${pending.username} cannot log in with the pending password`);
    this.log(`testSecret ${this.metaName}: user ${pending.username} logs in and runs a query`);
  }

  // ---- finishSecret -----------------------------------------------------------------------------------------------

  async finishSecret(versions: Record<string, string[]>): Promise<void> {
    const currentVersion = Object.entries(versions).find(([, s]) => s.includes(CURRENT))?.[0];
    if (currentVersion !== this.token) {
      await this.deps.secrets.send(
        new UpdateSecretVersionStageCommand({
          SecretId: this.secretId,
          VersionStage: CURRENT,
          MoveToVersionId: this.token,
          RemoveFromVersionId: currentVersion,
        }),
      );
      this.log(`finishSecret ${this.metaName}: version ${this.token} is now ${CURRENT}`);
    }
    if (versions[this.token]?.includes(PENDING)) {
      await this.deps.secrets.send(
        new UpdateSecretVersionStageCommand({
          SecretId: this.secretId,
          VersionStage: PENDING,
          RemoveFromVersionId: this.token,
        }),
      );
    }
    const now = await this.required({ stage: CURRENT });
    await this.updateConnectionSecret(now);
    await this.redeploy();
  }

  /**
   * Writes this space's user and password into the connection secret (read-modify-write of one JSON value, so the
   * other space's rotation may race it: re-read after writing and retry until this space's keys are in).
   */
  private async updateConnectionSecret(c: Credentials): Promise<void> {
    const userKey = neo4jSecretKey(this.space, 'user');
    const passKey = neo4jSecretKey(this.space, 'pass');
    const written = await poll(
      async (_remaining, attempt) => {
        const conn = await this.read(this.deps.connectionSecretId, { stage: CURRENT });
        if (!conn) this.fail('the connection secret has no current value');
        if (conn[userKey] === c.username && conn[passKey] === c.password) {
          if (attempt > 1) this.log(`finishSecret ${this.metaName}: connection secret holds ${c.username}`);
          else this.log(`finishSecret ${this.metaName}: connection secret already holds ${c.username}`);
          return true;
        }
        await this.deps.secrets.send(
          new PutSecretValueCommand({
            SecretId: this.deps.connectionSecretId,
            ClientRequestToken: `${this.token}-${this.space}-${attempt - 1}`,
            SecretString: JSON.stringify({ ...conn, [userKey]: c.username, [passKey]: c.password }),
          }),
        );
        return undefined;
      },
      // at most five writes, each re-read after 100-500 ms (the other space's rotation writes at random moments too)
      { maxAttempts: 5, timeoutMs: 30_000, initialDelayMs: 500, factor: 1, jitter: 0.8 },
    );
    if (!('stopped' in written)) return;
    this.fail('the connection secret kept changing while it was written (five attempts)');
  }

  private async redeploy(): Promise<void> {
    const ecs = this.deps.ecs;
    if (!ecs) return;
    await ecs.client.send(
      new UpdateServiceCommand({ cluster: ecs.cluster, service: ecs.service, forceNewDeployment: true }),
    );
    this.log(`finishSecret ${this.metaName}: new deployment of ${ecs.service} started`);
  }
}
