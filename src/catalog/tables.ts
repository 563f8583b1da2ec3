/**
 * The DynamoDB tables, defined once. The CDK data stack creates them as global tables from this
 * list, the local mode creates them in DynamoDB Local from this list, and functions find them
 * through `envVar`. Every key attribute is a string. Each table's access patterns and retention
 * are in src/catalog/table-docs.ts, keyed by the same ids (kept out of the functions' bundles).
 */
import { constantCase } from './env-names';
export type TableId =
  | 'Reviews'
  | 'Tenants'
  | 'ReviewRequests'
  | 'Rejected'
  | 'ModelStats'
  | 'WebhookEndpoints'
  | 'Deliveries'
  | 'WebhookBreakers'
  | 'Budgets'
  | 'Idempotency'
  | 'Connections'
  | 'Audit'
  | 'PlatformStats'
  | 'PlatformBreakers'
  | 'RateLimits'
  | 'PlatformSync'
  | 'ImportJobs'
  // Real-time updates (issue 14)
  | 'RealtimeConnections'
  | 'RealtimeLog'
  // Data migrations (issue 11)
  | 'Migrations'
  // The event log in its own table (issue 14, ADR 0017)
  | 'EventLog';

/**
 * What a GSI holds besides its keys and the table's keys (ADR 0032): `all` (every attribute:
 * each write of the item writes its whole size to the index again), `keys-only`, or `include`
 * (the keys plus the attributes named). An index holding less costs one write unit per entry
 * whatever the item's size, and an update of attributes it does not hold does not write it at
 * all; a reader that needs whole items then reads them by key (BatchGetItem, one read per item).
 */
export type IndexProjection = 'all' | 'keys-only' | { readonly include: readonly string[] };

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Decided per index (ADR 0032): what its queries must read or filter on without the table. */
  readonly projection: IndexProjection;
}

/** An index's projection in DynamoDB's terms (CreateTable, DescribeTable, CloudFormation). */
export function dynamoProjection(projection: IndexProjection): {
  readonly ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly NonKeyAttributes?: string[];
} {
  if (projection === 'all') return { ProjectionType: 'ALL' };
  if (projection === 'keys-only') return { ProjectionType: 'KEYS_ONLY' };
  return { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.include] };
}

/**
 * Autoscaled provisioned capacity of one kind (reads or writes): DynamoDB Application Auto Scaling
 * keeps the consumed units near `targetPercent` of what is provisioned, between `min` and `max`.
 * `min` is paid every hour of the month, in every region holding the table, for the table and for
 * each of its GSIs (each index has its own capacity, autoscaled with the same settings).
 */
export interface AutoscaledCapacity {
  readonly min: number;
  readonly max: number;
  /** 20 to 90 (Application Auto Scaling's bounds for DynamoDB). */
  readonly targetPercent: number;
}

/**
 * How a table is billed, decided per table (ADR 0035). `on-demand`: per request, no throttling
 * below the table's previous peak doubled. `provisioned`: per capacity-hour, about 2.4x cheaper
 * per unit at a 70% target but throttled beyond what is provisioned until auto scaling catches up
 * (minutes): only for tables whose writers sit behind a queue that retries.
 */
export type TableCapacity =
  | { readonly mode: 'on-demand' }
  | {
      readonly mode: 'provisioned';
      /** A global table's write capacity is the same in every replica (it takes every region's writes). */
      readonly write: AutoscaledCapacity;
      /** Read capacity, set alike in every replica (reads are regional). */
      readonly read: AutoscaledCapacity;
    };

export const ON_DEMAND: TableCapacity = { mode: 'on-demand' };

export interface TableDefinition {
  readonly id: TableId;
  /** Environment variable that carries the table's name to the functions that use it (`tableEnvVar`). */
  readonly envVar: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Attribute holding an epoch-seconds expiry, where the data expires. */
  readonly ttlAttribute?: string;
  readonly indexes: readonly IndexDefinition[];
  /** A DynamoDB stream of new item images in every replica (a function consumes it there). */
  readonly stream?: 'new-image';
  /** On-demand or provisioned with auto scaling, decided per table (ADR 0035). */
  readonly capacity: TableCapacity;
}

/**
 * The environment variable that carries a table's name, derived from its id (`ReviewRequests` ->
 * `TABLE_REVIEW_REQUESTS`): a function finds its tables without bundling their definitions.
 */
export const tableEnvVar = (id: TableId): string => `TABLE_${constantCase(id)}`;

const TABLE_SETTINGS: readonly Omit<TableDefinition, 'envVar'>[] = [
  {
    id: 'Reviews',
    capacity: {
      // Written only behind queues (IngestWorker, InferenceWorker, ReplyWorker, PrivacyWorker) and
      // the Reviews stream (SummaryCorrection): a throttled write is retried by the SDK, then by SQS
      // (5 receives, 180 s apart). Read synchronously by GET /v1/reviews: hence a read floor of
      // 5 units per index, the SDK's retries, and the throttle alarm (ADR 0035). Writes autoscale
      // to 90% (a throttle behind a queue is a retry, not an error), reads to 70% (ADR 0035, addendum).
      mode: 'provisioned',
      write: { min: 1, max: 10000, targetPercent: 90 },
      read: { min: 5, max: 20000, targetPercent: 70 },
    },
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [
      // Each index holds only what its listing's filters test; the page's reviews (and the ingest
      // worker's 50 latest) are then read by key with BatchGetItem. All share the sort key
      // gsi1sk (ADR 0032).
      {
        name: 'byCreatedAt',
        partitionKey: 'gsi1pk',
        sortKey: 'gsi1sk',
        projection: { include: ['recommendation', 'removedAt'] },
      },
      {
        name: 'byPlatform',
        partitionKey: 'gsi2pk',
        sortKey: 'gsi1sk',
        projection: { include: ['rating', 'recommendation', 'removedAt'] },
      },
      {
        name: 'byRating',
        partitionKey: 'gsi3pk',
        sortKey: 'gsi1sk',
        projection: { include: ['recommendation', 'removedAt'] },
      },
      // Filters as partitions (issue 12: a listing reads at most 1.5x what it returns;
      // src/reviews/domain/review-listing-keys.ts). Both sparse: only reviews with stars, only
      // reviews with a recommendation.
      {
        name: 'byPlatformRating',
        partitionKey: 'gsi4pk',
        sortKey: 'gsi1sk',
        projection: { include: ['removedAt'] },
      },
      {
        name: 'byRecommendation',
        partitionKey: 'gsi5pk',
        sortKey: 'gsi1sk',
        projection: { include: ['platform', 'rating', 'removedAt'] },
      },
    ],
  },
  {
    id: 'Tenants',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
  },
  {
    id: 'ReviewRequests',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    // Data subject requests (issue 9): a person's requests by the hash of their e-mail address.
    indexes: [{ name: 'bySubject', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'all' }],
  },
  {
    id: 'Rejected',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [],
  },
  {
    id: 'WebhookEndpoints',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    // Scheduled secret rotation (issue 9): the sparse index of endpoints with a schedule.
    indexes: [{ name: 'bySecretRotation', partitionKey: 'rotpk', sortKey: 'rotsk', projection: 'all' }],
  },
  {
    id: 'Deliveries',
    capacity: {
      // Written by EventFanout, WebhookDelivery and ReplayWorker (queue consumers); the API writes a
      // replay job or a redelivery now and then (ADR 0035).
      mode: 'provisioned',
      write: { min: 1, max: 4000, targetPercent: 90 },
      read: { min: 1, max: 2000, targetPercent: 70 },
    },
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    // Keys only: a delivery's outcome updates then never write the index (ADR 0032).
    indexes: [{ name: 'byOwnerTime', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'keys-only' }],
  },
  {
    id: 'WebhookBreakers',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    indexes: [],
  },
  {
    id: 'Budgets',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
  },
  {
    id: 'ModelStats',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [],
  },
  {
    id: 'Idempotency',
    capacity: ON_DEMAND,
    // The attribute names are Powertools' (DynamoDBPersistenceLayer defaults).
    partitionKey: 'id',
    ttlAttribute: 'expiration',
    indexes: [],
  },
  {
    id: 'Connections',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    // Only a pending connection (OAuth started, no callback yet) carries it: it goes on activation.
    ttlAttribute: 'expiresAt',
    indexes: [
      { name: 'bySupplier', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'all' },
      { name: 'byStatus', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'all' },
    ],
  },
  {
    id: 'Audit',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [
      { name: 'byConnection', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'all' },
      { name: 'byPlatform', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'all' },
      { name: 'opsByPlatform', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'all' },
    ],
  },
  {
    id: 'PlatformStats',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [],
  },
  // Platform sync (issue 8)
  {
    id: 'RateLimits',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    ttlAttribute: 'expiresAt',
    indexes: [],
  },
  {
    id: 'PlatformBreakers',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    indexes: [],
  },
  {
    id: 'PlatformSync',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [],
  },
  {
    id: 'ImportJobs',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    indexes: [],
  },
  // Real-time updates (issue 14; docs/realtime.md, ADR 0017)
  {
    id: 'RealtimeConnections',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    // API Gateway closes a WebSocket after 2 hours: items expire then even if $disconnect never ran.
    ttlAttribute: 'expiresAt',
    indexes: [{ name: 'byChannel', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'all' }],
  },
  {
    id: 'RealtimeLog',
    capacity: {
      // Written only by RealtimeRecorder from the EventLog stream (primary region), whose batches are
      // retried until their records are 15 minutes old (`streamRetry`), so a throttle delays an event
      // and skips none. Read by RealtimeSocket's subscribe (consistent reads of the head, an id,
      // the log after a seq: about 3 units each) and the fan-out's catch-up: a read floor of 25 plus
      // burst capacity, then auto scaling; a reconnect storm beyond it is throttled for minutes (the
      // subscribe fails and the client resubscribes; ADR 0035, addendum).
      mode: 'provisioned',
      write: { min: 1, max: 8000, targetPercent: 90 },
      read: { min: 25, max: 10000, targetPercent: 70 },
    },
    partitionKey: 'pk',
    sortKey: 'sk',
    // Events are resumable for an hour; they expire ten minutes after that.
    ttlAttribute: 'expiresAt',
    indexes: [],
    stream: 'new-image',
  },
  // Data migrations (issue 11)
  {
    id: 'Migrations',
    capacity: ON_DEMAND,
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [],
  },
  // The event log in its own table (issue 14, ADR 0017): its stream is the source of real time, and
  // a stream on the hot Deliveries table made every delivery pay for it (and DynamoDB Local slow).
  {
    id: 'EventLog',
    capacity: {
      // Written by EventFanout and PrivacyWorker (queue consumers); read by replay and the API's
      // event listing (ADR 0035).
      mode: 'provisioned',
      write: { min: 1, max: 2000, targetPercent: 90 },
      read: { min: 1, max: 1000, targetPercent: 70 },
    },
    partitionKey: 'pk',
    ttlAttribute: 'expiresAt',
    indexes: [{ name: 'byOwnerTime', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'all' }],
    // Every insert is a logged event: RealtimeRecorder takes them all (primary region).
    stream: 'new-image',
  },
];

// Pure: a bundle that only derives environment variable names drops the definitions.
export const TABLES: readonly TableDefinition[] = /* @__PURE__ */ TABLE_SETTINGS.map((table) => ({
  ...table,
  envVar: tableEnvVar(table.id),
}));

export function tableDefinition(id: TableId): TableDefinition {
  const table = TABLES.find((t) => t.id === id);
  if (!table) throw new Error(`unknown table ${id}`);
  return table;
}
