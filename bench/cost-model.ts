/**
 * The cost model of issue 12: dollars per 1M reviews ingested, across every region, from
 * - public AWS prices (constants below, with their source and the date they were read),
 * - the catalog: each table's indexes (every GSI projects ALL: lib/stacks/data-stack.ts) and
 *   replication (every table is a global table in every region), each function's memory,
 * - item sizes computed by DynamoDB's own rules from representative items (bench/cost-items.ts),
 * - per-review counts of writes, reads, SQS calls and invocations along the ingestion path
 *   (`INGEST_FLOW`, each line naming the code that makes the call).
 * Pure arithmetic: `npm run cost` (bench/cost.ts) prints it; test/unit/bench/cost-model.test.ts
 * checks the arithmetic.
 */

/**
 * us-east-1 list prices, read on 2026-12-03 from the public pricing pages (on-demand after the
 * 2024-11-14 DynamoDB price cut: "Amazon DynamoDB reduces prices for on-demand throughput by 50%
 * and global tables by up to 67%", aws.amazon.com/about-aws/whats-new/2024/11/).
 */
export const PRICES = {
  /** aws.amazon.com/dynamodb/pricing/on-demand/: $0.625 per million write request units. */
  dynamoWriteUnit: 0.625 / 1e6,
  /** Same page: $0.125 per million read request units. */
  dynamoReadUnit: 0.125 / 1e6,
  /** Same page, global tables: $0.625 per million replicated write request units. */
  dynamoReplicatedWriteUnit: 0.625 / 1e6,
  /** aws.amazon.com/sqs/pricing/: standard queues $0.40 per million requests (64 KB chunks). */
  sqsRequest: 0.4 / 1e6,
  /** aws.amazon.com/lambda/pricing/: Arm $0.0000133334 per GB-second (first tier). */
  lambdaArmGbSecond: 0.0000133334,
  /** Same page: $0.20 per million requests. */
  lambdaRequest: 0.2 / 1e6,
  /** aws.amazon.com/api-gateway/pricing/: REST APIs $3.50 per million (first 333 million). */
  apiGatewayRestRequest: 3.5 / 1e6,
  /** aws.amazon.com/waf/pricing/: $0.60 per million requests inspected. */
  wafRequest: 0.6 / 1e6,
} as const;
export type Prices = { readonly [K in keyof typeof PRICES]: number };

/** The target for 1M reviews ingested across the three regions. */
export const COST_TARGET_PER_MILLION = 15;

/** A DynamoDB attribute value's size by the rules of the developer guide ("Item sizes"). */
export function attributeBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') {
    // About one byte per two significant digits, plus one.
    const digits = String(Math.abs(value)).replace(/[.-]/g, '').replace(/^0+/, '').replace(/e.*$/, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, v) => sum + 1 + attributeBytes(v), 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k, 'utf8') + attributeBytes(v), 0)
    );
  }
  return 0;
}

/** An item's size: every attribute's name and value (docs.aws.amazon.com/amazondynamodb, "Item sizes"). */
export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item)
    .filter(([, v]) => v !== undefined)
    .reduce((sum, [k, v]) => sum + Buffer.byteLength(k, 'utf8') + attributeBytes(v), 0);
}

/** Write request units of one write: one per started KB; twice that inside a transaction. */
export const writeUnits = (bytes: number, transactional = false): number =>
  Math.max(1, Math.ceil(bytes / 1024)) * (transactional ? 2 : 1);

/** Read request units: one per started 4 KB strongly consistent, half that eventually consistent. */
export const readUnits = (bytes: number, consistent = false): number =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/** One kind of DynamoDB write the ingestion path makes, per review. */
export interface FlowWrite {
  readonly what: string;
  readonly table: string;
  readonly bytes: number;
  /** How many per review (a batch's shared write counts 1 / batch size). */
  readonly perReview: number;
  readonly transactional: boolean;
  /** The GSIs this item is in (each projects ALL, so each index write is the whole item). */
  readonly indexes: number;
  /** Bytes of one index entry when the indexes project less than ALL (KEYS_ONLY): keys only. */
  readonly indexBytes?: number;
  /** Written in the primary region only and replicated (global table) or in one region only. */
  readonly replicated: boolean;
}

export interface FlowRead {
  readonly what: string;
  readonly bytes: number;
  readonly perReview: number;
  readonly consistent: boolean;
}

export interface FlowInvocation {
  readonly functionId: string;
  readonly memoryMb: number;
  /** Invocations per review (1 / batch size for a queue consumer). */
  readonly perReview: number;
  /** Billed duration of one invocation, ms. */
  readonly durationMs: number;
  /** Runs in every region (a replica's stream consumer) rather than in the one that took the review. */
  readonly everyRegion?: boolean;
}

export interface IngestFlow {
  readonly regions: number;
  readonly writes: readonly FlowWrite[];
  readonly reads: readonly FlowRead[];
  /** SQS requests per review (sends, receives, deletes; 64 KB chunks). */
  readonly sqsRequestsPerReview: number;
  readonly invocations: readonly FlowInvocation[];
  /** API Gateway (and WAF) requests per review: 1 when reviews arrive through the HTTP API. */
  readonly apiRequestsPerReview: number;
}

export interface WriteCost {
  readonly what: string;
  readonly table: string;
  /** Request units per review: the table write, its index writes, and each other region's copy. */
  readonly tableUnits: number;
  readonly indexUnits: number;
  readonly replicatedUnits: number;
  readonly replicaIndexUnits: number;
  readonly dollarsPerMillion: number;
}

export interface CostEstimate {
  readonly writes: readonly WriteCost[];
  readonly perService: Readonly<
    Record<'dynamodbWrites' | 'dynamodbReads' | 'sqs' | 'lambda' | 'apiGateway' | 'waf', number>
  >;
  readonly lambdaGbSecondsPerMillion: number;
  readonly totalPerMillion: number;
  readonly target: number;
}

const MILLION = 1e6;

/** The cost of one write kind per 1M reviews, with its replication to the other regions. */
export function writeCost(write: FlowWrite, regions: number, prices: Prices = PRICES): WriteCost {
  const units = writeUnits(write.bytes, write.transactional) * write.perReview;
  const plain = writeUnits(write.bytes) * write.perReview;
  const indexUnits = writeUnits(write.indexBytes ?? write.bytes) * write.perReview * write.indexes;
  const others = write.replicated ? regions - 1 : 0;
  // A replica applies the write as a plain (not transactional) replicated write, and updates its
  // own indexes with standard write units.
  const replicatedUnits = plain * others;
  const replicaIndexUnits = indexUnits * others;
  const dollars =
    (units + indexUnits + replicaIndexUnits) * prices.dynamoWriteUnit +
    replicatedUnits * prices.dynamoReplicatedWriteUnit;
  return {
    what: write.what,
    table: write.table,
    tableUnits: round(units),
    indexUnits: round(indexUnits),
    replicatedUnits: round(replicatedUnits),
    replicaIndexUnits: round(replicaIndexUnits),
    dollarsPerMillion: round(dollars * MILLION),
  };
}

export function estimateCost(flow: IngestFlow, prices: Prices = PRICES): CostEstimate {
  const writes = flow.writes.map((w) => writeCost(w, flow.regions, prices));
  const dynamodbWrites = writes.reduce((sum, w) => sum + w.dollarsPerMillion, 0);
  const dynamodbReads =
    flow.reads.reduce((sum, r) => sum + readUnits(r.bytes, r.consistent) * r.perReview, 0) *
    prices.dynamoReadUnit *
    MILLION;
  const sqs = flow.sqsRequestsPerReview * prices.sqsRequest * MILLION;
  const gbSeconds = flow.invocations.reduce(
    (sum, i) =>
      sum + i.perReview * (i.everyRegion ? flow.regions : 1) * (i.durationMs / 1000) * (i.memoryMb / 1024),
    0,
  );
  const invocations = flow.invocations.reduce(
    (sum, i) => sum + i.perReview * (i.everyRegion ? flow.regions : 1),
    0,
  );
  const lambda = (gbSeconds * prices.lambdaArmGbSecond + invocations * prices.lambdaRequest) * MILLION;
  const apiGateway = flow.apiRequestsPerReview * prices.apiGatewayRestRequest * MILLION;
  const waf = flow.apiRequestsPerReview * prices.wafRequest * MILLION;
  const perService = {
    dynamodbWrites: round(dynamodbWrites),
    dynamodbReads: round(dynamodbReads),
    sqs: round(sqs),
    lambda: round(lambda),
    apiGateway: round(apiGateway),
    waf: round(waf),
  };
  return {
    writes,
    perService,
    lambdaGbSecondsPerMillion: round(gbSeconds * MILLION),
    totalPerMillion: round(Object.values(perService).reduce((a, b) => a + b, 0)),
    target: COST_TARGET_PER_MILLION,
  };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
