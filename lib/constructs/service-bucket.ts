/**
 * A catalog bucket as deployed (src/catalog/buckets.ts): S3-managed encryption, every kind of
 * public access blocked, TLS only, objects owned by the bucket owner (no ACLs), objects expiring
 * after the catalog's `expiryDays` (and incomplete multipart uploads after a day), and server
 * access logs in a log bucket of its own.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { BucketDefinition } from '#src/catalog/buckets';

export interface ServiceBucketProps {
  readonly definition: BucketDefinition;
  /** Days the access logs are kept. */
  readonly accessLogRetentionDays: number;
}

const SECURE = {
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  versioned: false,
} as const;

export class ServiceBucket extends Construct {
  readonly definition: BucketDefinition;
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ServiceBucketProps) {
    super(scope, id);
    const { definition: def } = props;
    this.definition = def;

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...SECURE,
      // S3 server access logging delivers as the logging service, which ACL-less buckets allow
      // through the bucket policy CDK adds for it.
      lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the catalog bucket beside it; logging a log bucket into another ' +
        'log bucket would never end. Its own objects are written only by the S3 logging service.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...SECURE,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: `${def.id.toLowerCase()}/`,
      lifecycleRules: [
        {
          ...(def.expiryDays !== undefined ? { expiration: Duration.days(def.expiryDays) } : {}),
          ...(def.versioning
            ? { noncurrentVersionExpiration: Duration.days(def.versioning.noncurrentExpiryDays) }
            : {}),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Model store (ADR 0026): versioned, and kept when the stack goes (the only copy of retrained models).
      ...(def.versioning ? { versioned: true } : {}),
      // Expiring objects are never the only copy of anything (reviews are in DynamoDB).
      removalPolicy: def.versioning ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
  }
}
