/**
 * The rehearsal reads a host secret's AWSCURRENT value, as the host and the rotation function do: also after a
 * rotation moved AWSCURRENT with UpdateSecretVersionStage (finishSecret), which moto 5.2.5 does not count when
 * GetSecretValue names no stage. Against a real moto server.
 */
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { hostCredentials } from '../../../tools/rehearse/estate';
import { MOTO_CLIENT_CONFIG, type MotoServer } from '../../support/moto';
import { sharedMoto } from '../../support/shared-servers';

let moto: MotoServer;
let sm: SecretsManagerClient;

beforeAll(async () => {
  moto = await sharedMoto();
  sm = new SecretsManagerClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
});

afterAll(async () => {
  sm?.destroy();
  await moto?.stop();
});

test('hostCredentials reads the version finishSecret made AWSCURRENT, not the one last written', async () => {
  const created = await sm.send(
    new CreateSecretCommand({
      Name: 'credex/staging/neo4j/ledgerspace',
      SecretString: JSON.stringify({ username: 'neo4j', password: 'first' }),
    }),
  );
  expect(await hostCredentials(sm, created.ARN!)).toEqual({ username: 'neo4j', password: 'first' });
  // createSecret: the pending version; finishSecret: AWSCURRENT moved onto it.
  const pending = await sm.send(
    new PutSecretValueCommand({
      SecretId: created.ARN!,
      SecretString: JSON.stringify({ username: 'neo4j_alt', password: 'second' }),
      VersionStages: ['AWSPENDING'],
    }),
  );
  expect(await hostCredentials(sm, created.ARN!)).toEqual({ username: 'neo4j', password: 'first' });
  await sm.send(
    new UpdateSecretVersionStageCommand({
      SecretId: created.ARN!,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: pending.VersionId!,
      RemoveFromVersionId: created.VersionId!,
    }),
  );
  expect(await hostCredentials(sm, created.ARN!)).toEqual({ username: 'neo4j_alt', password: 'second' });
});
