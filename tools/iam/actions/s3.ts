/** S3: the load balancer's access-log bucket, credex-<env>-* (the state bucket is the workflow's: workflow.ts). */
import { ServiceActions } from '../types';
import { ENV_NAMES } from './arns';

const bucketArns = [`arn:{partition}:s3:::${ENV_NAMES}`];

export const S3: ServiceActions = {
  aws_s3_bucket: {
    note: 'bucket credex-<env>-*: the provider reads every bucket sub-configuration on refresh',
    names: { attributes: ['bucket', 'bucket_prefix'], patterns: [ENV_NAMES] },
    grants: [
      {
        sid: 'Bucket',
        actions: [
          's3:CreateBucket',
          's3:DeleteBucket',
          's3:ListBucket',
          's3:GetBucketTagging',
          's3:PutBucketTagging',
          's3:GetBucketAcl',
          's3:GetBucketCORS',
          's3:GetBucketWebsite',
          's3:GetBucketVersioning',
          's3:GetAccelerateConfiguration',
          's3:GetBucketRequestPayment',
          's3:GetBucketLogging',
          's3:GetLifecycleConfiguration',
          's3:GetReplicationConfiguration',
          's3:GetEncryptionConfiguration',
          's3:GetBucketObjectLockConfiguration',
          's3:GetBucketPolicy',
          's3:GetBucketOwnershipControls',
          's3:GetBucketPublicAccessBlock',
        ],
        resources: bucketArns,
      },
    ],
  },
  aws_s3_bucket_policy: {
    note: 'the ELB log-delivery policy',
    grants: [
      {
        sid: 'Bucket',
        actions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
        resources: bucketArns,
      },
    ],
  },
  aws_s3_bucket_public_access_block: {
    note: 'all four blocks on',
    grants: [
      {
        sid: 'Bucket',
        actions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
        resources: bucketArns,
      },
    ],
  },
  aws_s3_bucket_ownership_controls: {
    note: 'bucket-owner-enforced',
    grants: [
      {
        sid: 'Bucket',
        actions: ['s3:GetBucketOwnershipControls', 's3:PutBucketOwnershipControls'],
        resources: bucketArns,
      },
    ],
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    note: 'SSE',
    grants: [
      {
        sid: 'Bucket',
        actions: ['s3:GetEncryptionConfiguration', 's3:PutEncryptionConfiguration'],
        resources: bucketArns,
      },
    ],
  },
  aws_s3_bucket_lifecycle_configuration: {
    note: 'expiry of access logs',
    grants: [
      {
        sid: 'Bucket',
        actions: ['s3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration'],
        resources: bucketArns,
      },
    ],
  },
  aws_s3_bucket_versioning: {
    note: 'versioning',
    grants: [{ sid: 'Bucket', actions: ['s3:GetBucketVersioning', 's3:PutBucketVersioning'], resources: bucketArns }],
  },
};
