import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { Construct } from 'constructs';
import { APP_SECRET_KEYS, appSecretVariables } from '../contracts/app';
import { waive } from '../contracts/waivers';
import { ContainerSecret } from './service';

export interface AppSecretsProps {
  /** Secret name, e.g. credex-core/staging/app. */
  readonly name: string;
  /**
   * Days a deleted secret can still be restored.
   * @default 7
   */
  readonly recoveryWindowDays?: number;
  /** Customer-managed KMS key of the secret. @default - the AWS-managed key aws/secretsmanager */
  readonly kmsKeyArn?: string;
  /**
   * Record the reasoned waiver of CDX-SEC-003 (secrets rotate) where the gate requires rotation: these values come
   * from third parties and the deploy workflow, so no function can rotate them; verify warns on their age instead.
   * @default false
   */
  readonly waiveRotation?: boolean;
}

/**
 * The container for the API's secrets. Terraform creates the secret but never its value: the deploy workflow
 * writes the values from the environment's GitHub secrets, so they never reach code, state or synthesized JSON.
 */
export class AppSecrets extends Construct {
  public readonly secret: SecretsmanagerSecret;
  public readonly keys = APP_SECRET_KEYS;

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: props.name,
      description: `credex-core API secrets (${APP_SECRET_KEYS.join(', ')}); values are written by the deploy workflow`,
      recoveryWindowInDays: props.recoveryWindowDays ?? 7,
      kmsKeyId: props.kmsKeyArn,
    });
    if (props.waiveRotation) {
      waive(this.secret, {
        rule: 'CDX-SEC-003',
        reason: `${APP_SECRET_KEYS.join(', ')} are issued by third parties or by people and written by the deploy workflow; no function can rotate them. verify (every deploy, and weekly the secret-age workflow with its read-only role) warns when the current value is older than security.appSecretMaxAgeDays`,
      });
    }
  }

  /** Each key injected into the container with valueFrom, under its own name (contracts/app.ts). */
  public containerSecrets(): ContainerSecret[] {
    const secretArn = this.secret.arn; // one token, so the execution role lists the ARN once
    return appSecretVariables()
      .filter((v) => v.secret === 'app')
      .map((v) => ({ name: v.name, secretArn, jsonKey: v.jsonKey }));
  }
}
