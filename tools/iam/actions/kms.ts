/**
 * KMS: the environment's customer-managed key (tagged project/environment by the provider's default_tags) and its
 * alias alias/credex-<env>. Key ARNs hold a generated id, so the key actions are scoped by its tags; the deployer's
 * data use (writing secret versions, launching encrypted volumes) goes through Secrets Manager and EC2 only.
 */
import { ENV, kmsAliasName } from '../../../contracts/naming';
import { ServiceActions } from '../types';
import { arn, star } from './arns';

const keyArns = [arn('kms', 'key/*')];

export const KMS: ServiceActions = {
  aws_kms_key: {
    note: 'customer-managed key of the environment (rotation on); data use only through Secrets Manager and EC2',
    grants: [
      // CreateKey has no resource type: allowed only when the request tags the key with this environment.
      { sid: 'KeyCreate', actions: ['kms:CreateKey'], resources: ['*'], condition: 'request-tag' },
      // Tagging at create and later: the tags given and the tags the key has must both be this environment's.
      { sid: 'KeyTag', actions: ['kms:TagResource'], resources: keyArns, condition: 'role-tag' },
      {
        sid: 'Key',
        actions: [
          'kms:DescribeKey',
          'kms:EnableKeyRotation',
          'kms:GetKeyPolicy',
          'kms:GetKeyRotationStatus',
          'kms:ListResourceTags',
          'kms:PutKeyPolicy',
          'kms:ScheduleKeyDeletion',
          'kms:UntagResource',
          'kms:UpdateKeyDescription',
        ],
        resources: keyArns,
        condition: 'resource-tag',
      },
      {
        sid: 'KeyUseThroughServices',
        actions: [
          'kms:CreateGrant',
          'kms:Decrypt',
          'kms:Encrypt',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
        ],
        resources: keyArns,
        condition: {
          StringEquals: {
            'aws:ResourceTag/project': '{project}',
            'aws:ResourceTag/environment': '{env}',
            'kms:ViaService': ['secretsmanager.{region}.amazonaws.com', 'ec2.{region}.amazonaws.com'],
          },
        },
      },
    ],
    // Workload roles decrypt what they read with it (the key policy names them; IAM and the boundary must agree).
    boundaryArns: keyArns,
  },
  aws_kms_alias: {
    note: 'alias/credex-<env> on the environment key',
    names: { attributes: ['name', 'name_prefix'], patterns: [kmsAliasName(ENV)] },
    grants: [
      {
        sid: 'KeyAlias',
        actions: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
        resources: [arn('kms', kmsAliasName(ENV))],
      },
      {
        sid: 'Key',
        actions: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
        resources: keyArns,
        condition: 'resource-tag',
      },
      star('KmsRead', ['kms:ListAliases']),
    ],
  },
};
