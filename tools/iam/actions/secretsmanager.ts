/**
 * Secrets Manager: the environment's secrets credex-core/<env>/* and credex/<env>/*, and the seed's connection
 * secret names neo4j_<stage|prod>_secrets (config), allowed exactly.
 */
import { ANY, appSecretName, coreSecretName, ENV, envSecretName } from '../../../contracts/naming';
import { ServiceActions } from '../types';
import { arn, ENV_NAMES } from './arns';

const secretPatterns = [coreSecretName(ANY, ENV), envSecretName(ANY, ENV)];
const secretArns = secretPatterns.map((p) => arn('secretsmanager', `secret:${p}`));
/** The API's app secret, whose values the deploy workflow writes (Secrets Manager appends a 6-character suffix). */
export const APP_SECRET_ARN = arn('secretsmanager', `secret:${appSecretName(ENV)}-??????`);

export const SECRETSMANAGER: ServiceActions = {
  aws_secretsmanager_secret: {
    note: 'secrets credex-core/<env>/*, credex/<env>/* and the seed name neo4j_<stage|prod>_secrets',
    names: {
      attributes: ['name', 'name_prefix'],
      patterns: secretPatterns,
      // The seed's names: the deployer gets the secret actions on exactly that name; in the boundary, only
      // roles of the stack's own environment may use it, for what their inline policies name it (read; the
      // rotation function also writes it).
      exact: {
        pattern: /^neo4j_[a-z]+_secrets$/,
        arn: arn('secretsmanager', 'secret:{name}-??????'),
        sid: 'SecretSeedName',
        actionsOf: 'Secret',
        boundary: { sid: 'WorkloadSeedSecret' },
      },
    },
    grants: [
      {
        sid: 'Secret',
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:DeleteSecret',
          'secretsmanager:DescribeSecret',
          'secretsmanager:UpdateSecret',
          'secretsmanager:GetResourcePolicy',
          'secretsmanager:TagResource',
          'secretsmanager:UntagResource',
        ],
        resources: secretArns,
      },
    ],
    // Workload roles read their environment's secrets.
    boundaryArns: secretArns,
  },
  aws_secretsmanager_secret_rotation: {
    note: 'rotation of the Neo4j host secrets by the credex-<env>-* function (RotateSecret invokes it)',
    grants: [
      {
        sid: 'Secret',
        actions: ['secretsmanager:RotateSecret', 'secretsmanager:CancelRotateSecret', 'secretsmanager:DescribeSecret'],
        resources: secretArns,
      },
      {
        sid: 'RotationFunction',
        actions: ['lambda:InvokeFunction'],
        resources: [arn('lambda', `function:${ENV_NAMES}`)],
      },
    ],
  },
  aws_secretsmanager_secret_version: {
    note: 'values Terraform owns (generated Neo4j passwords): written and read back into state',
    grants: [
      {
        sid: 'Secret',
        actions: [
          'secretsmanager:PutSecretValue',
          'secretsmanager:GetSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
          'secretsmanager:DescribeSecret',
          'secretsmanager:ListSecretVersionIds',
        ],
        resources: secretArns,
      },
    ],
  },
};
