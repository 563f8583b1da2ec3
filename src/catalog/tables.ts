/**
 * The DynamoDB tables, defined once. The CDK data stack creates them as global tables from this
 * list, the local mode creates them in DynamoDB Local from this list, and functions find them
 * through `envVar`. Every key attribute is a string.
 */
export type TableId = 'Reviews' | 'Tenants' | 'ReviewRequests' | 'Rejected';

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableDefinition {
  readonly id: TableId;
  readonly envVar: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Attribute holding an epoch-seconds expiry, where the data expires. */
  readonly ttlAttribute?: string;
  readonly indexes: readonly IndexDefinition[];
  /** The access patterns this key design serves (documentation that lives beside the keys). */
  readonly accessPatterns: readonly string[];
}

export const TABLES: readonly TableDefinition[] = [
  {
    id: 'Reviews',
    envVar: 'TABLE_REVIEWS',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      { name: 'byCreatedAt', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
      { name: 'byPlatform', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
      { name: 'byRating', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    ],
    accessPatterns: [
      'Get one review of a supplier: GetItem pk=SUPPLIER#<sid>, sk=REVIEW#<reviewId>.',
      "List a supplier's reviews newest first, by date range: Query byCreatedAt gsi1pk=SUPPLIER#<sid>, gsi1sk BETWEEN <from> AND <to>~.",
      'List by platform (and date range): Query byPlatform gsi2pk=SUPPLIER#<sid>#PLATFORM#<p>, gsi2sk=<createdAt>#<id>.',
      'List by rating (and date range): Query byRating gsi3pk=SUPPLIER#<sid>#RATING#<r>, gsi3sk=<createdAt>#<id>.',
      'Summary: Query pk=SUPPLIER#<sid>, sk begins_with SUMMARY# (one counter item per region, summed on read).',
      'Audit trail of a review: Query pk=SUPPLIER#<sid>, sk begins_with AUDIT#<reviewId>#.',
    ],
  },
  {
    id: 'Tenants',
    envVar: 'TABLE_TENANTS',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
    accessPatterns: [
      'Resolve an API key: GetItem pk=APIKEY#<sha256 of key>, sk=APIKEY (keys are stored only as hashes).',
      'Get a supplier: GetItem pk=SUPPLIER#<sid>, sk=PROFILE.',
    ],
  },
  {
    id: 'ReviewRequests',
    envVar: 'TABLE_REVIEW_REQUESTS',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [],
    accessPatterns: [
      'Get a review request: GetItem pk=SUPPLIER#<sid>, sk=REQUEST#<requestId>; expires with its link.',
    ],
  },
  {
    id: 'Rejected',
    envVar: 'TABLE_REJECTED',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [],
    accessPatterns: [
      'Parked message by queue and day: Query pk=QUEUE#<queue>#<yyyy-mm-dd>, sk=<messageId>; kept 30 days.',
    ],
  },
];

export function tableDefinition(id: TableId): TableDefinition {
  const table = TABLES.find((t) => t.id === id);
  if (!table) throw new Error(`unknown table ${id}`);
  return table;
}
