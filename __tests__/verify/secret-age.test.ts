/**
 * The secret-age step: the pure age decision, the choice of the AWSCURRENT version's date, and the step against a real
 * moto Secrets Manager (ListSecretVersionIds), with the clock moved forward instead of waiting months. No secret value
 * reaches the result. (moto reports a version's CreatedDate as the time of the call, so the dates of versions are
 * chosen by currentValueWritten on a list built here; that a deploy keeps the version is
 * __tests__/deploy/app-secret-versions.test.ts.)
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { environmentConfig } from '../../config';
import { currentValueWritten, judgeSecretAge, runSecretAge } from '../../verify/secret-age';
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

describe('currentValueWritten', () => {
  test('the creation date of the AWSCURRENT version, not the newest and not AWSPREVIOUS', () => {
    const at = (d: string) => new Date(`${d}T00:00:00Z`);
    const versions = [
      { VersionId: 'a', VersionStages: ['AWSPREVIOUS'], CreatedDate: at('2026-01-01') },
      {
        VersionId: 'b',
        VersionStages: ['AWSCURRENT', 'value-0123456789abcdef-' + '0'.repeat(64)],
        CreatedDate: at('2026-02-01'),
      },
      { VersionId: 'c', VersionStages: [], CreatedDate: at('2026-03-01') },
    ];
    expect(currentValueWritten(versions)).toEqual(at('2026-02-01'));
    expect(currentValueWritten(versions.filter((v) => v.VersionId !== 'b'))).toBeUndefined();
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
        `^warning: the value of secret credex-core/staging/app was written ${staging.security.appSecretMaxAgeDays + 20} days ago`,
      ),
    );
    expect(r.figures['app-secret.overMaxAge']).toBe(true);
    expect(JSON.stringify(r)).not.toContain('jwt-value-never-printed');
  });

  test('a secret without a value yet is a "missing" failure naming the deploy', async () => {
    const sm = new SecretsManagerClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const empty = (await sm.send(new CreateSecretCommand({ Name: 'credex-core/staging/empty' }))).ARN!;
    const err = await runSecretAge(ctx({ appSecretArn: empty })).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailure);
    expect([err.kind, err.detail]).toEqual(['missing', expect.stringContaining('no current value')]);
  });

  test('a missing secret is a "missing" failure; no config is a "missing" failure', async () => {
    const err = await runSecretAge(ctx({ appSecretArn: 'credex-core/staging/nope' })).catch((e) => e);
    expect(err).toBeInstanceOf(StepFailure);
    expect(err.kind).toBe('missing');
    const noEnv = await runSecretAge({ ...ctx(), env: undefined }).catch((e) => e);
    expect(noEnv.kind).toBe('missing');
  });
});
