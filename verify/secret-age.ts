/**
 * Step secret-age: the app secret (JWT_SECRET, OPEN_EXCHANGE_RATES_API, CLIENT_API_KEY: contracts/app.ts APP_SECRET_KEYS) cannot rotate itself,
 * so the age of its VALUE is watched against the environment's security.appSecretMaxAgeDays: the creation date of the
 * version labelled AWSCURRENT (ListSecretVersionIds). The deploy writes a new version only when the values changed
 * (.github/workflows/scripts/put-app-secret.sh), so that date is when the current values were written, whatever
 * deploys came since; the secret's LastChangedDate is not used, since a change of its description, key or tags moves it.
 * Too old is a WARNING (the step passes, its message starts with "warning:" and figure app-secret.overMaxAge is true):
 * the deploy is healthy, the secret is due for a change. The secret is found by the app_secret_arn output, or by its
 * name from the naming contract when verify runs without outputs (the scheduled workflow, with its read-only role).
 * Only names, dates and ages are reported: DescribeSecret and ListSecretVersionIds never return a value, and no value
 * is read (GetSecretValue is not called).
 */
import {
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
  type SecretVersionsListEntry,
} from '@aws-sdk/client-secrets-manager';
import { appSecretName } from '../contracts/naming';
import { awsClient, awsErrorKind, awsErrorName, resolveRegion } from './aws';
import { StepFailure } from './errors';
import type { Figures, StepContext } from './types';

const DAY_MS = 86_400_000;

export interface SecretAgeVerdict {
  readonly name: string;
  /** Whole days since the current value was written. */
  readonly ageDays: number;
  readonly maxAgeDays: number;
  readonly overMaxAge: boolean;
  readonly message: string;
}

/** The pure decision: age in whole days of the value written at `written`, at `now`, and whether it exceeds `maxAgeDays`. */
export function judgeSecretAge(name: string, written: Date, now: Date, maxAgeDays: number): SecretAgeVerdict {
  const ageDays = Math.max(0, Math.floor((now.getTime() - written.getTime()) / DAY_MS));
  const overMaxAge = ageDays > maxAgeDays;
  const date = written.toISOString().slice(0, 10);
  const message = overMaxAge
    ? `warning: the value of secret ${name} was written ${ageDays} days ago (${date}), more than the ${maxAgeDays} days allowed: write new values (docs/deployer-guide.md, "App secrets: maximum age")`
    : `the value of secret ${name} was written ${ageDays} days ago (${date}), within ${maxAgeDays} days`;
  return { name, ageDays, maxAgeDays, overMaxAge, message };
}

/** The creation date of the version labelled AWSCURRENT, or undefined when the secret has no current value. */
export function currentValueWritten(versions: readonly SecretVersionsListEntry[]): Date | undefined {
  const current = versions.find((v) => v.VersionStages?.includes('AWSCURRENT'));
  return current?.CreatedDate ? new Date(current.CreatedDate) : undefined;
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
    // DescribeSecret first: it names the secret and answers ResourceNotFoundException for a missing one (moto's
    // ListSecretVersionIds answers 500 there).
    const name = (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).Name ?? secretId;
    const versions: SecretVersionsListEntry[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, NextToken: nextToken }));
      versions.push(...(page.Versions ?? []));
      nextToken = page.NextToken || undefined; // moto answers "" on the last page
    } while (nextToken);
    const written = currentValueWritten(versions);
    if (!written)
      throw new StepFailure({
        kind: 'missing',
        detail: `${secretId} has no current value (no AWSCURRENT version with a creation date): the deploy writes it`,
      });
    const verdict = judgeSecretAge(name, written, now(), env.security.appSecretMaxAgeDays);
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
    const errorName = awsErrorName(error);
    const kind = errorName === 'ResourceNotFoundException' ? 'missing' : awsErrorKind(error);
    throw new StepFailure({
      kind: kind === 'too-large' ? 'error' : kind,
      detail: `reading the versions of ${secretId}: ${errorName}`,
    });
  } finally {
    client.destroy();
  }
}
