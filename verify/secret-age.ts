/**
 * Step secret-age: the app secret (JWT_SECRET, OPEN_EXCHANGE_RATES_API, CLIENT_API_KEY: contracts/app.ts APP_SECRET_KEYS) cannot rotate itself,
 * so its age is watched: Secrets Manager's LastChangedDate against the environment's security.appSecretMaxAgeDays.
 * Too old is a WARNING (the step passes, its message starts with "warning:" and figure app-secret.overMaxAge is true):
 * the deploy is healthy, the secret is due for a change. The secret is found by the app_secret_arn output, or by its
 * name from the naming contract when verify runs without outputs (the scheduled workflow). Only names, dates and
 * ages are reported: DescribeSecret never returns a value, and no value is read.
 */
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { appSecretName } from '../contracts/naming';
import { awsClient, awsErrorKind, awsErrorName, resolveRegion } from './aws';
import { StepFailure } from './errors';
import type { Figures, StepContext } from './types';

const DAY_MS = 86_400_000;

export interface SecretAgeVerdict {
  readonly name: string;
  /** Whole days since the last change. */
  readonly ageDays: number;
  readonly maxAgeDays: number;
  readonly overMaxAge: boolean;
  readonly message: string;
}

/** The pure decision: age in whole days of `lastChanged` at `now`, and whether it exceeds `maxAgeDays`. */
export function judgeSecretAge(name: string, lastChanged: Date, now: Date, maxAgeDays: number): SecretAgeVerdict {
  const ageDays = Math.max(0, Math.floor((now.getTime() - lastChanged.getTime()) / DAY_MS));
  const overMaxAge = ageDays > maxAgeDays;
  const changed = lastChanged.toISOString().slice(0, 10);
  const message = overMaxAge
    ? `warning: secret ${name} was last changed ${ageDays} days ago (${changed}), more than the ${maxAgeDays} days allowed: write new values (docs/deployer-guide.md, "App secrets: maximum age")`
    : `secret ${name} was last changed ${ageDays} days ago (${changed}), within ${maxAgeDays} days`;
  return { name, ageDays, maxAgeDays, overMaxAge, message };
}

export async function runSecretAge(
  ctx: StepContext,
  now: () => Date = () => new Date(),
): Promise<{
  message: string;
  figures: Figures;
}> {
  const env = ctx.env;
  if (!env)
    throw new StepFailure({ kind: 'missing', detail: "secret-age reads the environment's config: pass --stack NAME" });
  const secretId = ctx.outputs.appSecretArn ?? appSecretName(env.name);
  const client = awsClient(
    SecretsManagerClient,
    { region: resolveRegion(ctx.outputs.region, env.region), endpointUrl: ctx.endpointUrl },
    ctx.signal,
  );
  try {
    const meta = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    const changed = meta.LastChangedDate ?? meta.CreatedDate;
    if (!changed)
      throw new StepFailure({ kind: 'wrong-answer', detail: `DescribeSecret of ${secretId} has no LastChangedDate` });
    const verdict = judgeSecretAge(meta.Name ?? secretId, new Date(changed), now(), env.security.appSecretMaxAgeDays);
    return {
      message: verdict.message,
      figures: {
        'app-secret.name': verdict.name,
        'app-secret.ageDays': verdict.ageDays,
        'app-secret.maxAgeDays': verdict.maxAgeDays,
        'app-secret.overMaxAge': verdict.overMaxAge,
      },
    };
  } catch (error) {
    if (error instanceof StepFailure) throw error;
    const name = awsErrorName(error);
    const kind = name === 'ResourceNotFoundException' ? 'missing' : awsErrorKind(error);
    throw new StepFailure({
      kind: kind === 'too-large' ? 'error' : kind,
      detail: `DescribeSecret of ${secretId}: ${name}`,
    });
  } finally {
    client.destroy();
  }
}
