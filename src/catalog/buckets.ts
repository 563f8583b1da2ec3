/**
 * S3 buckets, defined once. The CDK service stack creates each one per region (encrypted, public
 * access blocked, TLS only, objects expiring after `expiryDays`); the local mode creates it in the
 * S3 emulator (s3rver). A function that lists a bucket in its catalog entry gets the grant and the
 * environment variable `envVar` that names it (src/catalog/function-env.ts).
 */
export type BucketId = 'Imports';

/** `read`: GetObject (and HeadObject). `write`: PutObject (and pre-signing PUT URLs). */
export type BucketAccess = 'read' | 'write' | 'readwrite';

export interface BucketDefinition {
  readonly id: BucketId;
  readonly envVar: string;
  /** Objects are deleted this many days after they were written (lifecycle rule). */
  readonly expiryDays: number;
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
];

export function bucketDefinition(id: BucketId): BucketDefinition {
  const bucket = BUCKETS.find((b) => b.id === id);
  if (!bucket) throw new Error(`unknown bucket ${id}`);
  return bucket;
}
