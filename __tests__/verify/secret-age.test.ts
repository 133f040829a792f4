/**
 * The secret-age step: the pure age decision, and the step against a real moto Secrets Manager (DescribeSecret's
 * LastChangedDate), with the clock moved forward instead of waiting months. No secret value reaches the result.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { environmentConfig } from '../../config';
import { judgeSecretAge, runSecretAge } from '../../verify/secret-age';
import { StepFailure } from '../../verify/errors';
import type { StepContext } from '../../verify/types';
import { MOTO_CLIENT_CONFIG, type MotoServer } from '../support/moto';
import { sharedMoto } from '../support/shared-servers';

const staging = environmentConfig('staging');
const VALUE = JSON.stringify({ JWT_SECRET: 'jwt-value-never-printed-1234567890' });
let moto: MotoServer;
let arn: string;

beforeAll(async () => {
  moto = await sharedMoto();
  const sm = new SecretsManagerClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
  arn = (await sm.send(new CreateSecretCommand({ Name: 'credex-core/staging/app', SecretString: VALUE }))).ARN!;
}, 60_000);
afterAll(async () => moto?.stop());

const ctx = (outputs: Partial<StepContext['outputs']> = { appSecretArn: undefined }): StepContext => ({
  outputs: { source: 'test', region: 'af-south-1', ...outputs },
  env: staging,
  timeoutMs: 10_000,
  endpointUrl: moto.endpoint,
  reportDir: '/tmp',
});
const days = (n: number) => () => new Date(Date.now() + n * 86_400_000);

describe('judgeSecretAge', () => {
  const changed = new Date('2026-01-01T12:00:00Z');
  test.each([
    [0, 0, false],
    [90, 90, false],
    [91, 91, true],
  ])('%i days after the change with max 90: age %i, over %s', (after, age, over) => {
    const v = judgeSecretAge('s', changed, new Date(changed.getTime() + after * 86_400_000 + 1000), 90);
    expect([v.ageDays, v.overMaxAge]).toEqual([age, over]);
    expect(v.message.startsWith('warning:')).toBe(over);
  });
});

describe('runSecretAge against moto', () => {
  test('a fresh secret passes with its age and name; found by the output ARN', async () => {
    const r = await runSecretAge(ctx({ appSecretArn: arn }));
    expect(r.figures).toEqual({
      'app-secret.name': 'credex-core/staging/app',
      'app-secret.ageDays': 0,
      'app-secret.maxAgeDays': staging.security.appSecretMaxAgeDays,
      'app-secret.overMaxAge': false,
    });
  });

  test('older than security.appSecretMaxAgeDays: a warning naming the secret and its age, found by name', async () => {
    const r = await runSecretAge(ctx(), days(staging.security.appSecretMaxAgeDays + 20));
    expect(r.message).toMatch(
      new RegExp(
        `^warning: secret credex-core/staging/app was last changed ${staging.security.appSecretMaxAgeDays + 20} days ago`,
      ),
    );
    expect(r.figures['app-secret.overMaxAge']).toBe(true);
    expect(JSON.stringify(r)).not.toContain('jwt-value-never-printed');
  });

  test('a missing secret is a "missing" failure; no config is a "missing" failure', async () => {
    const err = await runSecretAge(ctx({ appSecretArn: 'credex-core/staging/nope' })).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.kind).toBe('missing');
    const noEnv = await runSecretAge({ ...ctx(), env: undefined }).catch((e) => e);
    expect(noEnv.kind).toBe('missing');
  });
});
