/**
 * The deploy writes a new version of the app secret only when its values changed (issue 20, day 6), so the current
 * version's creation date is the age of the value that verify's secret-age step measures: put-app-secret.sh with the
 * real AWS CLI against a real moto server (Secrets Manager), deploy after deploy. No value is printed, and the label
 * the script leaves is a salted digest, not the value.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { APP_SECRET_KEYS } from '../../contracts/app';
import { appSecretName } from '../../contracts/naming';
import { repoRoot } from '../../lib/paths';
import { type MotoServer } from '../support/moto';
import { sharedMoto } from '../support/shared-servers';
import { awsCli } from '../support/aws-cli';

const script = path.join(repoRoot(), '.github', 'workflows', 'scripts', 'put-app-secret.sh');
const SECRET = appSecretName('staging');
const LABEL = /^value-[0-9a-f]{16}-[0-9a-f]{64}$/;
const runnerTemp = mkdtempSync(path.join(tmpdir(), 'app-secret-versions-'));
let moto: MotoServer;

const env = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  AWS_ENDPOINT_URL: moto.endpoint,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_DEFAULT_REGION: 'af-south-1',
  AWS_PAGER: '',
  RUNNER_TEMP: runnerTemp,
  ...extra,
});
const aws = awsCli(() => moto.endpoint);
/** Puts a staging label on a version, as an older deploy's digest label would sit there. */
const putLabel = (label: string, versionId: string) =>
  aws(
    'secretsmanager',
    'update-secret-version-stage',
    '--secret-id',
    SECRET,
    '--version-stage',
    label,
    '--move-to-version-id',
    versionId,
  );
/** One deploy's write of the app secret with these values (the GitHub environment secrets). */
const deploy = (values: Record<string, string>) =>
  spawnSync('bash', [script, SECRET], {
    encoding: 'utf8',
    env: env({ APP_SECRET_KEYS: APP_SECRET_KEYS.join(' '), ...values }),
  });
const stages = (): Record<string, string[]> =>
  aws('secretsmanager', 'describe-secret', '--secret-id', SECRET).VersionIdsToStages ?? {};
const current = () => Object.entries(stages()).find(([, labels]) => labels.includes('AWSCURRENT'));
const valueOf = () => JSON.parse(aws('secretsmanager', 'get-secret-value', '--secret-id', SECRET).SecretString);
const values = (n: number) => Object.fromEntries(APP_SECRET_KEYS.map((k) => [k, `${k.toLowerCase()}-value-${n}`]));

beforeAll(async () => {
  moto = await sharedMoto();
  aws('secretsmanager', 'create-secret', '--name', SECRET); // as Terraform creates it: no value
}, 60_000);
afterAll(async () => moto?.stop());

describe('put-app-secret.sh against moto, deploy after deploy', () => {
  let first: [string, string[]];
  let lastChanged: number;

  test('the first deploy writes the first version, labelled with a salted digest (not the value)', () => {
    const r = deploy(values(1));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^put-app-secret: wrote a new version of credex-core\/staging\/app/);
    first = current()!;
    expect(first[1]).toEqual(['AWSCURRENT', expect.stringMatching(LABEL)]);
    expect(valueOf()).toEqual(values(1));
    expect(JSON.stringify(stages())).not.toContain('value-1');
    expect(r.stdout).not.toContain('value-1');
    lastChanged = aws('secretsmanager', 'describe-secret', '--secret-id', SECRET).LastChangedDate;
  });

  test('a second deploy with the same values keeps the version, its label and the last-changed date', () => {
    const r = deploy(values(1));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`already holds these values`);
    expect(r.stdout).toContain(first[0]);
    expect(current()).toEqual(first);
    expect(Object.keys(stages())).toHaveLength(1);
    expect(aws('secretsmanager', 'describe-secret', '--secret-id', SECRET).LastChangedDate).toBe(lastChanged);
  });

  test('a changed value makes a new current version with a new label; the old one is AWSPREVIOUS', () => {
    const changed = { ...values(1), [APP_SECRET_KEYS[0]]: 'rotated-by-a-person' };
    const r = deploy(changed);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote a new version/);
    const now = current()!;
    expect(now[0]).not.toBe(first[0]);
    expect(now[1]).toEqual(['AWSCURRENT', expect.stringMatching(LABEL)]);
    expect(now[1][1]).not.toBe(first[1][1]);
    expect(stages()[first[0]]).toContain('AWSPREVIOUS');
    expect(valueOf()).toEqual(changed);
    // and the same changed value again writes nothing
    expect(deploy(changed).stdout).toContain('already holds these values');
    expect(current()).toEqual(now);
  });

  test('a digest label left on an older version is removed (a secret holds at most 20 labels)', () => {
    // Real Secrets Manager keeps a version's own labels when AWSCURRENT moves on (moto drops them): put one back on the
    // first version, which is neither current nor previous after the next write.
    const stale = `value-${'a'.repeat(16)}-${'b'.repeat(64)}`;
    putLabel(stale, first[0]);
    expect(stages()[first[0]]).toContain(stale);
    expect(deploy(values(3)).status).toBe(0);
    expect(Object.values(stages()).flat()).not.toContain(stale);
  });

  test('a digest label that does not match the values (a forged or foreign one) does not stop the write', () => {
    const [id] = current()!;
    const forged = `value-${'0'.repeat(16)}-${'1'.repeat(64)}`;
    putLabel(forged, id);
    const r = deploy(values(4));
    expect(r.stdout).toMatch(/wrote a new version/);
    expect(valueOf()).toEqual(values(4));
  });
});
