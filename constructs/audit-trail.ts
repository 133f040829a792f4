import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { KEY_ADMIN_ACTIONS } from './kms-key';

export interface AuditTrailProps {
  /** Trail name, e.g. credex-audit. */
  readonly name: string;
  /** The region the trail is created in (it records every region). */
  readonly region: string;
  /** Account id and partition (Terraform references). */
  readonly accountId: string;
  readonly partition: string;
  /** Days the log files are kept. */
  readonly retentionDays: number;
}

/**
 * The account's CloudTrail trail: every region, management events (read and write, including Secrets Manager's
 * GetSecretValue, which the environments' secret-read alerts match on EventBridge), log file validation (digest files
 * prove the logs were not altered), encrypted with its own customer-managed key (rotation on), into a private,
 * versioned, TLS-only bucket that only CloudTrail may write, with an expiry rule.
 */
export class AuditTrail extends Construct {
  public readonly trail: Cloudtrail;
  public readonly bucket: S3Bucket;
  public readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 90)
      throw new Error(
        `AuditTrail ${id}: retentionDays must be at least 90 (CloudTrail's own history), got ${props.retentionDays}`,
      );
    const { partition, accountId: account, region } = props;
    const trailArn = `arn:${partition}:cloudtrail:${region}:${account}:trail/${props.name}`;
    const root = `arn:${partition}:iam::${account}:root`;

    this.key = new KmsKey(this, 'key', {
      description: `CloudTrail ${props.name}: log files and digests`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'KeyAdministration',
            Effect: 'Allow',
            Principal: { AWS: root },
            Action: [...KEY_ADMIN_ACTIONS],
            Resource: '*',
          },
          // DescribeKey (CreateTrail and UpdateTrail check the key with it) carries no encryption context, so it
          // has a statement of its own: under the encryption-context condition below it would never be allowed and
          // CreateTrail would fail with InsufficientEncryptionPolicyException (AWS's CloudTrail key policy does
          // the same).
          {
            Sid: 'CloudTrailDescribesTheKey',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:DescribeKey',
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
          },
          {
            Sid: 'CloudTrailEncryptsThisTrail',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey',
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:SourceArn': trailArn },
              StringLike: {
                'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${account}:trail/*`,
              },
            },
          },
          {
            Sid: 'AccountReadsTrailLogs',
            Effect: 'Allow',
            Principal: { AWS: root },
            Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
            Resource: '*',
            Condition: {
              StringEquals: { 'kms:CallerAccount': account },
              StringLike: {
                'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${partition}:cloudtrail:*:${account}:trail/*`,
              },
            },
          },
        ],
      }),
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.name}`, targetKeyId: this.key.keyId });

    this.bucket = new S3Bucket(this, 'bucket', { bucketPrefix: `${props.name}-logs-`, forceDestroy: false });
    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-trail-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
        },
      ],
    });
    const policy = new S3BucketPolicy(this, 'policy', {
      bucket: this.bucket.id,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CloudTrailChecksTheBucket',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: this.bucket.arn,
            Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
          },
          {
            Sid: 'CloudTrailWritesThisAccountsLogs',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${this.bucket.arn}/AWSLogs/${account}/*`,
            Condition: {
              StringEquals: { 'aws:SourceArn': trailArn, 's3:x-amz-acl': 'bucket-owner-full-control' },
            },
          },
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });

    this.trail = new Cloudtrail(this, 'trail', {
      name: props.name,
      s3BucketName: this.bucket.id,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: this.key.arn,
      eventSelector: [{ readWriteType: 'All', includeManagementEvents: true }],
      dependsOn: [policy],
    });
  }
}
