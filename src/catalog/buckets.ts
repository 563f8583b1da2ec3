/**
 * S3 buckets, defined once. The CDK service stack creates each one per region (encrypted, public
 * access blocked, TLS only, objects expiring after `expiryDays`); the local mode creates it in the
 * S3 emulator (s3rver). A function that lists a bucket in its catalog entry gets the grant and the
 * environment variable `envVar` that names it (src/catalog/function-env.ts).
 */
export type BucketId = 'Imports' | 'ModelStore';

/** `read`: GetObject (and HeadObject). `write`: PutObject (and pre-signing PUT URLs). */
export type BucketAccess = 'read' | 'write' | 'readwrite';

export interface BucketDefinition {
  readonly id: BucketId;
  readonly envVar: string;
  /** Objects are deleted this many days after they were written (lifecycle rule); absent: kept. */
  readonly expiryDays?: number;
  /**
   * S3 versioning on: an overwritten or deleted object stays as a noncurrent version, removed this
   * many days later (the model store's history of configurations and artifacts).
   */
  readonly versioning?: { readonly noncurrentExpiryDays: number };
  readonly purpose: string;
}

export const BUCKETS: readonly BucketDefinition[] = [
  {
    id: 'Imports',
    envVar: 'BUCKET_IMPORTS',
    // An import runs within minutes; a week leaves room to investigate a failed one.
    expiryDays: 7,
    purpose:
      'Review import files (CSV for WeddingWire / The Knot, JSON lines), uploaded through pre-signed PUT URLs ' +
      'or by the API from a small request body, read by the ImportWorker (docs/imports.md). Keys: ' +
      '<supplierId>/<importId>.',
  },
  // Model retraining (issue 13, ADR 0026)
  {
    id: 'ModelStore',
    envVar: 'BUCKET_MODEL_STORE',
    // Artifacts are never rewritten (each run takes a new version); the active configuration is,
    // and every earlier revision stays a year for the record (the audit trail names the revisions).
    versioning: { noncurrentExpiryDays: 365 },
    purpose:
      'Retrained model artifacts and their cards (<task>/<version>/{model,card}.json) and the active model ' +
      'configuration of each task (active/<task>.json: control and canary), written by ModelRetrain and ' +
      'ModelRollout, read by the workers through a bounded cache (docs/decisions/0026).',
  },
];

export function bucketDefinition(id: BucketId): BucketDefinition {
  const bucket = BUCKETS.find((b) => b.id === id);
  if (!bucket) throw new Error(`unknown bucket ${id}`);
  return bucket;
}
