/**
 * The cost model of issue 12: dollars per 1M reviews ingested, across every region, from
 * - public AWS prices (constants below, with their source and the date they were read),
 * - the synthesized templates (bench/cost-deployment.ts): each table's keys, GSIs with their
 *   projections, and the regions holding it; each function's memory and architecture,
 * - item sizes computed by DynamoDB's own rules from representative items (bench/cost-items.ts),
 *   and for each index the size of its entry (the whole item, or its keys and included attributes),
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
  /**
   * aws.amazon.com/dynamodb/pricing/provisioned/: $0.00065 per write capacity unit-hour; global
   * tables' replicated WCU-hours are priced the same (developer guide, global tables billing).
   */
  dynamoWriteCapacityHour: 0.00065,
  /** Same page: $0.00065 per replicated write capacity unit-hour. */
  dynamoReplicatedWriteCapacityHour: 0.00065,
  /** Same page: $0.00013 per read capacity unit-hour. */
  dynamoReadCapacityHour: 0.00013,
  /** aws.amazon.com/sqs/pricing/: standard queues $0.40 per million requests (64 KB chunks). */
  sqsRequest: 0.4 / 1e6,
  /** aws.amazon.com/lambda/pricing/: Arm $0.0000133334 per GB-second (first tier). */
  lambdaArmGbSecond: 0.0000133334,
  /** Same page: x86 $0.0000166667 per GB-second (first tier). */
  lambdaX86GbSecond: 0.0000166667,
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

/** A GSI as deployed: its keys and what it projects (CloudFormation's terms). */
export interface IndexShape {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  readonly nonKeyAttributes: readonly string[];
}

/** Autoscaled provisioned capacity as deployed (min, max, target utilisation in percent). */
export interface CapacityShape {
  readonly min: number;
  readonly max: number;
  readonly targetPercent: number;
}

/** How a table is billed as deployed; a provisioned table's indexes and replicas share its settings. */
export type BillingShape =
  | { readonly mode: 'on-demand' }
  | { readonly mode: 'provisioned'; readonly write: CapacityShape; readonly read: CapacityShape };

/** A table as deployed: its keys, its GSIs, how many regions hold a copy (1: a regional table), its billing. */
export interface TableShape {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly regions: number;
  readonly indexes: readonly IndexShape[];
  readonly billing: BillingShape;
}

const HOURS_PER_MONTH = 730;

/**
 * What one consumed unit costs on a table. On-demand: the request-unit price. Provisioned: the
 * capacity-unit-hour price spread over the units one provisioned unit serves in an hour at the
 * target utilisation (3,600 x target): the steady-state figure, which assumes auto scaling holds
 * the table near its target (at low traffic the minimum capacity costs more: `capacityFloor`).
 */
export function unitPrices(
  billing: BillingShape,
  prices: Prices = PRICES,
): { readonly write: number; readonly replicatedWrite: number; readonly read: number } {
  if (billing.mode === 'on-demand') {
    return {
      write: prices.dynamoWriteUnit,
      replicatedWrite: prices.dynamoReplicatedWriteUnit,
      read: prices.dynamoReadUnit,
    };
  }
  const served = (capacity: CapacityShape) => 3600 * (capacity.targetPercent / 100);
  return {
    write: prices.dynamoWriteCapacityHour / served(billing.write),
    replicatedWrite: prices.dynamoReplicatedWriteCapacityHour / served(billing.write),
    read: prices.dynamoReadCapacityHour / served(billing.read),
  };
}

/**
 * What a provisioned table costs per month with no traffic at all: its minimum capacity, paid every
 * hour, for the table and each GSI (each has its own capacity), in every region holding it (the
 * replicas' write capacity is replicated WCU). 0 for an on-demand table (storage aside).
 */
export function capacityFloor(table: TableShape, prices: Prices = PRICES): number {
  if (table.billing.mode === 'on-demand') return 0;
  const holders = 1 + table.indexes.length;
  const writeHour =
    table.billing.write.min *
    (prices.dynamoWriteCapacityHour + (table.regions - 1) * prices.dynamoReplicatedWriteCapacityHour);
  const readHour = table.billing.read.min * prices.dynamoReadCapacityHour * table.regions;
  return round(holders * (writeHour + readHour) * HOURS_PER_MONTH);
}

/** One kind of DynamoDB write the ingestion path makes, per review. */
export interface FlowWrite {
  readonly what: string;
  readonly table: string;
  /** The item as it is after the write (its size is what the write is billed on). */
  readonly item: Readonly<Record<string, unknown>>;
  /**
   * An update of an existing item: the attributes it sets or removes (an index is written only
   * when one of them is projected into it). Absent: the item is new (every index holding it is written).
   */
  readonly changed?: readonly string[];
  /** How many per review (a batch's shared write counts 1 / batch size). */
  readonly perReview: number;
  readonly transactional: boolean;
}

export interface FlowRead {
  readonly what: string;
  /** The table read (its billing prices the read units). */
  readonly table: string;
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
  readonly architecture: 'arm64' | 'x86_64';
  /** Runs in every region (a replica's stream consumer) rather than in the one that took the review. */
  readonly everyRegion?: boolean;
}

export interface IngestFlow {
  /** The regions the service runs in. */
  readonly regions: number;
  /** Every table written, as deployed. */
  readonly tables: Readonly<Record<string, TableShape>>;
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
  /** Item bytes, and the indexes this write writes (with their entry bytes). */
  readonly bytes: number;
  readonly indexes: readonly { readonly name: string; readonly bytes: number }[];
  readonly regions: number;
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
  /** Per provisioned table: its minimum capacity's cost per month, paid with or without traffic. */
  readonly capacityFloorPerMonth: Readonly<Record<string, number>>;
}

const MILLION = 1e6;

/** An index entry: the whole item (ALL), or the table's and the index's keys plus what it includes. */
export function indexEntry(
  item: Readonly<Record<string, unknown>>,
  table: TableShape,
  index: IndexShape,
): Record<string, unknown> {
  if (index.projection === 'ALL') return { ...item };
  const kept = new Set([
    table.partitionKey,
    ...(table.sortKey ? [table.sortKey] : []),
    index.partitionKey,
    index.sortKey,
    ...(index.projection === 'INCLUDE' ? index.nonKeyAttributes : []),
  ]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name)));
}

/**
 * The indexes a write writes: only those whose keys the item has (an index is sparse), and for an
 * update only those holding an attribute it changes (ALL holds every one).
 */
export function indexesWritten(write: FlowWrite, table: TableShape): IndexShape[] {
  return table.indexes.filter((index) => {
    if (write.item[index.partitionKey] === undefined || write.item[index.sortKey] === undefined) return false;
    if (write.changed === undefined || index.projection === 'ALL') return true;
    const entry = new Set(Object.keys(indexEntry(write.item, table, index)));
    return write.changed.some(
      (name) => entry.has(name) || name === index.partitionKey || name === index.sortKey,
    );
  });
}

/** The cost of one write kind per 1M reviews, with its replication to the other regions holding the table. */
export function writeCost(write: FlowWrite, table: TableShape, prices: Prices = PRICES): WriteCost {
  const bytes = itemBytes(write.item);
  const indexes = indexesWritten(write, table).map((index) => ({
    name: index.name,
    bytes: itemBytes(indexEntry(write.item, table, index)),
  }));
  const units = writeUnits(bytes, write.transactional) * write.perReview;
  const plain = writeUnits(bytes) * write.perReview;
  const indexUnits = indexes.reduce((sum, index) => sum + writeUnits(index.bytes), 0) * write.perReview;
  const others = table.regions - 1;
  // A replica applies the write as a plain (not transactional) replicated write, and updates its
  // own indexes with standard write units.
  const replicatedUnits = plain * others;
  const replicaIndexUnits = indexUnits * others;
  const unit = unitPrices(table.billing, prices);
  const dollars =
    (units + indexUnits + replicaIndexUnits) * unit.write + replicatedUnits * unit.replicatedWrite;
  return {
    what: write.what,
    table: write.table,
    bytes,
    indexes,
    regions: table.regions,
    tableUnits: round(units),
    indexUnits: round(indexUnits),
    replicatedUnits: round(replicatedUnits),
    replicaIndexUnits: round(replicaIndexUnits),
    dollarsPerMillion: round(dollars * MILLION),
  };
}

export function estimateCost(flow: IngestFlow, prices: Prices = PRICES): CostEstimate {
  const tableOf = (name: string, verb: string) => {
    const table = flow.tables[name];
    if (!table) throw new Error(`the flow ${verb} ${name}, which is not among the deployed tables`);
    return table;
  };
  const writes = flow.writes.map((w) => writeCost(w, tableOf(w.table, 'writes'), prices));
  const dynamodbWrites = writes.reduce((sum, w) => sum + w.dollarsPerMillion, 0);
  const dynamodbReads =
    flow.reads.reduce(
      (sum, r) =>
        sum +
        readUnits(r.bytes, r.consistent) *
          r.perReview *
          unitPrices(tableOf(r.table, 'reads').billing, prices).read,
      0,
    ) * MILLION;
  const sqs = flow.sqsRequestsPerReview * prices.sqsRequest * MILLION;
  const gbSecondsOf = (i: FlowInvocation) =>
    i.perReview * (i.everyRegion ? flow.regions : 1) * (i.durationMs / 1000) * (i.memoryMb / 1024);
  const gbSeconds = flow.invocations.reduce((sum, i) => sum + gbSecondsOf(i), 0);
  const computeDollars = flow.invocations.reduce(
    (sum, i) =>
      sum +
      gbSecondsOf(i) * (i.architecture === 'arm64' ? prices.lambdaArmGbSecond : prices.lambdaX86GbSecond),
    0,
  );
  const invocations = flow.invocations.reduce(
    (sum, i) => sum + i.perReview * (i.everyRegion ? flow.regions : 1),
    0,
  );
  const lambda = (computeDollars + invocations * prices.lambdaRequest) * MILLION;
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
    capacityFloorPerMonth: Object.fromEntries(
      Object.entries(flow.tables)
        .filter(([, table]) => table.billing.mode === 'provisioned')
        .map(([name, table]) => [name, capacityFloor(table, prices)]),
    ),
  };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
