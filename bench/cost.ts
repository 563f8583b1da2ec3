/**
 * `npm run cost`: the estimated cost of 1M reviews ingested through the HTTP API, across every
 * region the service runs in (bench/cost-model.ts has the arithmetic and the prices).
 *   npm run cost                       # the estimate, per service and per write, against $15
 *   npm run cost -- --per-chunk=25     # reviews of one supplier stored per transaction (default 10)
 *   npm run cost -- --endpoints=0      # webhook endpoints subscribed per event (default 1)
 *   npm run cost -- --regional=Deliveries,ModelStats   # what-if: those tables in one region only
 *   npm run cost -- --keys-only-indexes                # what-if: KEYS_ONLY index projections
 *   npm run cost -- --json
 * Read from the catalog: the tables' indexes, the functions' memory, the queues' batch sizes and
 * the regions (cdk.json). Item sizes: representative items built like the adapters build them
 * (bench/cost-items.ts). Durations: assumptions for warm arm64 invocations (`DURATION_MS`), stated.
 */
import { FUNCTIONS, type FunctionId } from '../src/catalog/functions';
import { QUEUES, type QueueId } from '../src/catalog/queues';
import { TABLES, type TableId } from '../src/catalog/tables';
import { allRegions, readProjectConfig } from '../lib/settings';
import { estimateCost, itemBytes, type CostEstimate, type IngestFlow } from './cost-model';
import {
  auditItem,
  deliveryItem,
  eventLogItem,
  modelStatsItem,
  realtimeHeadItem,
  realtimeIdItem,
  realtimeSeqItem,
  reviewItem,
  summaryItem,
} from './cost-items';

/**
 * Billed duration assumed per invocation, warm, arm64 (not measured in AWS yet; the local bench's
 * figures run on emulators and are not Lambda durations). Changing one changes only its line.
 */
export const DURATION_MS: Partial<Record<FunctionId, number>> = {
  Api: 25,
  IngestWorker: 150,
  EventFanout: 120,
  WebhookDelivery: 300,
  RealtimeFanout: 60,
};

export interface FlowOptions {
  /** Reviews of one supplier stored by one transaction (1 to 25: the Ingest batch size bounds it). */
  readonly reviewsPerChunk: number;
  /** Webhook endpoints subscribed to each event. */
  readonly endpointsPerEvent: number;
  /** Events per review: review.received always; review.negative for 1-2 stars; review.flagged. */
  readonly eventsPerReview: number;
  readonly regions: number;
  /** What-if: tables kept in one region (not global tables). */
  readonly regionalTables?: readonly string[];
  /** What-if: the Reviews and Deliveries indexes project KEYS_ONLY (an index entry is its keys). */
  readonly keysOnlyIndexes?: boolean;
}

const memoryOf = (id: FunctionId): number => FUNCTIONS.find((f) => f.id === id)!.memoryMb;
const batchOf = (id: QueueId): number => QUEUES.find((q) => q.id === id)!.consumer?.batchSize ?? 1;
const indexesOf = (id: TableId): number => TABLES.find((t) => t.id === id)!.indexes.length;

/** What ingesting one review through `POST /v1/reviews` costs in calls, from the code's paths. */
export function ingestFlow(options: FlowOptions): IngestFlow {
  const chunk = options.reviewsPerChunk;
  const events = options.eventsPerReview;
  const deliveries = events * options.endpointsPerEvent;
  const eventsBatch = batchOf('Events');
  const review = itemBytes(reviewItem());
  const regional = new Set(options.regionalTables ?? []);
  // A KEYS_ONLY entry: the table's keys and the index's keys (well under 1 KB).
  const keysOnly = options.keysOnlyIndexes ? 200 : undefined;
  const flow: IngestFlow = {
    regions: options.regions,
    writes: [
      // src/reviews/adapters/review-repository.ts transactItems: [review put, audit put]* + summary.
      {
        what: 'review',
        table: 'Reviews',
        bytes: review,
        perReview: 1,
        transactional: true,
        indexes: indexesOf('Reviews'),
        replicated: true,
      },
      {
        what: 'audit record (created)',
        table: 'Reviews',
        bytes: itemBytes(auditItem()),
        perReview: 1,
        transactional: true,
        indexes: 0,
        replicated: true,
      },
      {
        what: 'summary counters',
        table: 'Reviews',
        bytes: itemBytes(summaryItem()),
        perReview: 1 / chunk,
        transactional: true,
        indexes: 0,
        replicated: true,
      },
      // src/models/adapters/model-stats-store.ts: one hourly counter per model task and variant, per chunk.
      {
        what: 'model statistics',
        table: 'ModelStats',
        bytes: itemBytes(modelStatsItem()),
        perReview: 2 / chunk,
        transactional: false,
        indexes: indexesOf('ModelStats'),
        replicated: true,
      },
      // src/webhooks/adapters/event-log.ts logEvent: every event is logged for replay (its own table).
      {
        what: 'event log',
        table: 'EventLog',
        bytes: itemBytes(eventLogItem()),
        perReview: events,
        transactional: false,
        indexes: indexesOf('EventLog'),
        replicated: true,
      },
      // src/webhooks/use-cases/deliver-webhooks.ts: the delivery record, then its attempt's outcome.
      {
        what: 'webhook deliveries (create + outcome)',
        table: 'Deliveries',
        bytes: itemBytes(deliveryItem()),
        perReview: 2 * deliveries,
        transactional: false,
        indexes: indexesOf('Deliveries'),
        replicated: true,
      },
      // src/realtime/adapters/dynamo-channel-log.ts appendMany: SEQ# and ID# items per event, one head move per batch.
      {
        what: 'real-time log (SEQ + ID items)',
        table: 'RealtimeLog',
        bytes: (itemBytes(realtimeSeqItem()) + itemBytes(realtimeIdItem())) / 2,
        perReview: 2 * events,
        transactional: true,
        indexes: 0,
        replicated: true,
      },
      {
        what: 'real-time channel head',
        table: 'RealtimeLog',
        bytes: itemBytes(realtimeHeadItem()),
        perReview: events / eventsBatch,
        transactional: true,
        indexes: 0,
        replicated: true,
      },
    ],
    reads: [
      // ingest-batch.ts: the supplier's 50 latest reviews per chunk (near-duplicate and burst checks).
      { what: 'recent reviews', bytes: 50 * review, perReview: 1 / chunk, consistent: false },
      // fan-out.ts: the tenant's endpoints per event; deliver-webhooks.ts: endpoint and breaker per delivery.
      { what: 'endpoints of the tenant', bytes: 1024, perReview: events, consistent: false },
      { what: 'endpoint + breaker per delivery', bytes: 1024, perReview: 2 * deliveries, consistent: true },
    ],
    sqsRequestsPerReview:
      // API SendMessage; Ingest receive + delete batch per batch.
      1 +
      2 / batchOf('Ingest') +
      // Events: SendMessageBatch (10) by the worker; receive + delete per batch.
      events / 10 +
      (2 * events) / eventsBatch +
      // Deliveries: SendMessageBatch (10) by the fan-out; receive + delete per batch.
      deliveries / 10 +
      (2 * deliveries) / batchOf('Deliveries'),
    invocations: [
      { functionId: 'Api', memoryMb: memoryOf('Api'), perReview: 1, durationMs: DURATION_MS.Api! },
      // The authorizer's decision is cached 5 minutes per key: about no invocation per review.
      {
        functionId: 'IngestWorker',
        memoryMb: memoryOf('IngestWorker'),
        perReview: 1 / batchOf('Ingest'),
        durationMs: DURATION_MS.IngestWorker!,
      },
      {
        functionId: 'EventFanout',
        memoryMb: memoryOf('EventFanout'),
        perReview: events / eventsBatch,
        durationMs: DURATION_MS.EventFanout!,
      },
      {
        functionId: 'WebhookDelivery',
        memoryMb: memoryOf('WebhookDelivery'),
        perReview: deliveries / batchOf('Deliveries'),
        durationMs: DURATION_MS.WebhookDelivery!,
      },
      // The RealtimeLog stream (batches of 100 SEQ# inserts; ID# items filtered out) in every region.
      {
        functionId: 'RealtimeFanout',
        memoryMb: memoryOf('RealtimeFanout'),
        perReview: events / 100,
        durationMs: DURATION_MS.RealtimeFanout!,
        everyRegion: true,
      },
    ],
    apiRequestsPerReview: 1,
  };
  return {
    ...flow,
    writes: flow.writes.map((w) => ({
      ...w,
      replicated: w.replicated && !regional.has(w.table),
      ...(keysOnly !== undefined && w.indexes > 0 ? { indexBytes: keysOnly } : {}),
    })),
  };
}

function numberFlag(argv: readonly string[], name: string, fallback: number): number {
  const raw = argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number >= 0`);
  return value;
}

function print(estimate: CostEstimate, options: FlowOptions): void {
  const money = (n: number) => `$${n.toFixed(2)}`;
  console.log(
    `Estimated cost of 1M reviews ingested through the API, ${options.regions} regions ` +
      `(${options.reviewsPerChunk} reviews per transaction, ${options.eventsPerReview} events per review, ` +
      `${options.endpointsPerEvent} endpoint(s) per event` +
      `${options.regionalTables?.length ? `; what-if: ${options.regionalTables.join(', ')} regional` : ''}` +
      `${options.keysOnlyIndexes ? '; what-if: KEYS_ONLY indexes' : ''}):\n`,
  );
  console.log(
    '| DynamoDB write per review | table | WRU | index WRU | replicated WRU | replica index WRU | $ / 1M |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const w of estimate.writes) {
    console.log(
      `| ${w.what} | ${w.table} | ${w.tableUnits} | ${w.indexUnits} | ${w.replicatedUnits} | ${w.replicaIndexUnits} | ${money(w.dollarsPerMillion)} |`,
    );
  }
  console.log('\n| service | $ / 1M reviews |\n|---|---|');
  for (const [service, dollars] of Object.entries(estimate.perService))
    console.log(`| ${service} | ${money(dollars)} |`);
  const gap = estimate.totalPerMillion - estimate.target;
  console.log(
    `| total | ${money(estimate.totalPerMillion)} (target <= ${money(estimate.target)}: ${gap <= 0 ? `met by ${money(-gap)}` : `missed by ${money(gap)}`}) |`,
  );
  console.log(
    `\nLambda: ${estimate.lambdaGbSecondsPerMillion.toFixed(0)} GB-s per 1M reviews (durations assumed: bench/cost.ts DURATION_MS).`,
  );
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const options: FlowOptions = {
    reviewsPerChunk: Math.max(1, numberFlag(argv, 'per-chunk', 10)),
    endpointsPerEvent: numberFlag(argv, 'endpoints', 1),
    eventsPerReview: numberFlag(argv, 'events', 1.2),
    regions: allRegions(readProjectConfig()).length,
    regionalTables: (argv.find((a) => a.startsWith('--regional='))?.slice('--regional='.length) ?? '')
      .split(',')
      .filter((t) => t !== ''),
    keysOnlyIndexes: argv.includes('--keys-only-indexes'),
  };
  const estimate = estimateCost(ingestFlow(options));
  if (argv.includes('--json')) console.log(JSON.stringify({ options, ...estimate }, null, 2));
  else print(estimate, options);
}
