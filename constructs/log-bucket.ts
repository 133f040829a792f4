import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';

export interface AccessLogBucketProps {
  /** Globally unique bucket name prefix; AWS appends a suffix so two accounts never collide. */
  readonly bucketPrefix: string;
  /** Days the logs are kept. */
  readonly retentionDays: number;
  /** Key prefix the load balancer writes under. */
  readonly logPrefix: string;
}

/**
 * Private, encrypted S3 bucket that receives the load balancer's access logs, with an expiry rule.
 * Only the region's Elastic Load Balancing account may write, and only under `logPrefix`; TLS is required.
 */
export class AccessLogBucket extends Construct {
  public readonly bucket: S3Bucket;
  /** The bucket policy: the load balancer must wait for it before it can write its test object. */
  public readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    if (props.retentionDays < 1) throw new Error(`AccessLogBucket ${id}: retentionDays must be at least 1`);
    this.bucket = new S3Bucket(this, 'bucket', { bucketPrefix: props.bucketPrefix, forceDestroy: false });
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
    // ALB access logs support only SSE-S3 (not KMS).
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.retentionDays }],
        },
      ],
    });

    const elb = new DataAwsElbServiceAccount(this, 'elb-account', {});
    const document = new DataAwsIamPolicyDocument(this, 'policy-document', {
      statement: [
        {
          sid: 'LoadBalancerWritesAccessLogs',
          effect: 'Allow',
          actions: ['s3:PutObject'],
          principals: [{ type: 'AWS', identifiers: [elb.arn] }],
          resources: [`${this.bucket.arn}/${props.logPrefix}/*`],
        },
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          actions: ['s3:*'],
          principals: [{ type: '*', identifiers: ['*'] }],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, 'policy', { bucket: this.bucket.id, policy: document.json });
  }
}
