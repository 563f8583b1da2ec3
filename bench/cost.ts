/**
 * `npm run cost`: the estimated cost of 1M reviews ingested through the HTTP API, across every
 * region the service runs in (bench/cost-model.ts has the arithmetic and the prices).
 *   npm run cost                       # the estimate, per component and per write, against $15
 *   npm run cost -- --per-chunk=25     # reviews of one supplier stored per transaction (default 10)
 *   npm run cost -- --endpoints=0      # webhook endpoints subscribed per event (default 1)
 *   npm run cost -- --json
 * Read from the synthesized templates (bench/cost-deployment.ts): the tables' keys, GSIs,
 * projections and regions; the functions' memory and architecture. From the catalog: the queues'
 * batch sizes. Item sizes: representative items (bench/cost-items.ts): the review and its audit
 * record built by the repository's own builders, the others like their adapters build them. Durations: assumptions for warm arm64 invocations (`DURATION_MS`), stated.
 */
import { apiFunctionOfOperation } from '../src/catalog/api-functions';
import type { FunctionId } from '../src/catalog/functions';
import { QUEUES, type QueueId } from '../src/catalog/queues';
import { synthesizeDeployment, type Deployment } from './cost-deployment';
import {
  estimateCost,
  indexEntry,
  itemBytes,
  type CostEstimate,
  type FlowInvocation,
  type IngestFlow,
} from './cost-model';
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
  // POST /v1/reviews, on the function that serves the reviews area (src/catalog/api-functions.ts).
  [apiFunctionOfOperation('submitReview')]: 25,
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
}

/** The functions the ingestion path invokes (their memory and architecture come from the templates). */
export const INGEST_FUNCTIONS = Object.keys(DURATION_MS) as FunctionId[];

const batchOf = (id: QueueId): number => QUEUES.find((q) => q.id === id)!.consumer?.batchSize ?? 1;

/** What ingesting one review through `POST /v1/reviews` costs in calls, from the code's paths. */
export function ingestFlow(options: FlowOptions, deployment: Deployment): IngestFlow {
  const chunk = options.reviewsPerChunk;
  const events = options.eventsPerReview;
  const deliveries = events * options.endpointsPerEvent;
  const eventsBatch = batchOf('Events');
  const review = reviewItem();
  const reviews = deployment.tables.Reviews;
  const latestIndex = reviews.indexes.find((i) => i.name === 'byCreatedAt')!;
  const invocation = (
    functionId: FunctionId,
    perReview: number,
    extra: Partial<FlowInvocation> = {},
  ): FlowInvocation => {
    const deployed = deployment.functions[functionId];
    if (!deployed) throw new Error(`${functionId} was not synthesized (INGEST_FUNCTIONS)`);
    return {
      functionId,
      memoryMb: deployed.memoryMb,
      architecture: deployed.architecture,
      perReview,
      durationMs: DURATION_MS[functionId]!,
      ...extra,
    };
  };
  return {
    regions: deployment.regions,
    tables: deployment.tables,
    writes: [
      // src/reviews/adapters/review-repository.ts transactItems: [review put, audit put]* + summary.
      { what: 'review', table: 'Reviews', item: review, perReview: 1, transactional: true },
      {
        what: 'audit record (created)',
        table: 'Reviews',
        item: auditItem(),
        perReview: 1,
        transactional: true,
      },
      {
        what: 'summary counters',
        table: 'Reviews',
        item: summaryItem(),
        changed: ['count', 'ratingSum'],
        perReview: 1 / chunk,
        transactional: true,
      },
      // src/models/adapters/model-stats-store.ts: one hourly counter per model task and variant, per
      // Ingest batch (ingest-batch.ts step 4: the batch's chunks counted together).
      {
        what: 'model statistics',
        table: 'ModelStats',
        item: modelStatsItem(),
        changed: ['count'],
        perReview: 2 / batchOf('Ingest'),
        transactional: false,
      },
      // src/webhooks/adapters/event-log.ts logEvent: every event is logged for replay (its own table).
      { what: 'event log', table: 'EventLog', item: eventLogItem(), perReview: events, transactional: false },
      // src/webhooks/adapters/deliveries.ts claim: the delivery is created in flight (a new item) ...
      {
        what: 'webhook delivery (create)',
        table: 'Deliveries',
        item: deliveryItem(),
        perReview: deliveries,
        transactional: false,
      },
      // ... and finishAttempt records its outcome (status, the attempt; the lease removed).
      {
        what: 'webhook delivery (outcome)',
        table: 'Deliveries',
        item: deliveryItem(),
        changed: ['status', 'attempts', 'leaseUntilMs'],
        perReview: deliveries,
        transactional: false,
      },
      // src/realtime/adapters/dynamo-channel-log.ts appendMany: per event, the ID# claim then the SEQ#
      // item (two conditional puts, no transaction: ADR 0035, addendum); one head move per batch.
      {
        what: 'real-time log (SEQ item)',
        table: 'RealtimeLog',
        item: realtimeSeqItem(),
        perReview: events,
        transactional: false,
      },
      {
        what: 'real-time log (ID item)',
        table: 'RealtimeLog',
        item: realtimeIdItem(),
        perReview: events,
        transactional: false,
      },
      {
        what: 'real-time channel head',
        table: 'RealtimeLog',
        item: realtimeHeadItem(),
        changed: ['seq'],
        perReview: events / eventsBatch,
        transactional: false,
      },
    ],
    reads: [
      // ingest-batch.ts: the supplier's 50 latest reviews per chunk (near-duplicate and burst checks):
      // one Query of byCreatedAt, and when that index holds less than the whole review, the 50 by key.
      ...(latestIndex.projection === 'ALL'
        ? [
            {
              what: 'recent reviews',
              table: 'Reviews',
              bytes: 50 * itemBytes(review),
              perReview: 1 / chunk,
              consistent: false,
            },
          ]
        : [
            {
              what: 'recent reviews (index entries)',
              table: 'Reviews',
              bytes: 50 * itemBytes(indexEntry(review, reviews, latestIndex)),
              perReview: 1 / chunk,
              consistent: false,
            },
            {
              what: 'recent reviews (by key)',
              table: 'Reviews',
              bytes: itemBytes(review),
              perReview: 50 / chunk,
              consistent: false,
            },
          ]),
      // dynamo-channel-log.ts appendChunk: the head's read and the query for SEQ# items past it, per batch.
      {
        what: 'real-time channel head and tail',
        table: 'RealtimeLog',
        bytes: itemBytes(realtimeHeadItem()),
        perReview: (2 * events) / eventsBatch,
        consistent: true,
      },
      // fan-out.ts: the tenant's endpoints per event; deliver-webhooks.ts: endpoint and breaker per delivery.
      {
        what: 'endpoints of the tenant',
        table: 'WebhookEndpoints',
        bytes: 1024,
        perReview: events,
        consistent: false,
      },
      {
        what: 'endpoint per delivery',
        table: 'WebhookEndpoints',
        bytes: 1024,
        perReview: deliveries,
        consistent: true,
      },
      {
        what: 'breaker per delivery',
        table: 'WebhookBreakers',
        bytes: 1024,
        perReview: deliveries,
        consistent: true,
      },
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
      // POST /v1/reviews, on the function that serves it (its area's, src/catalog/api-functions.ts).
      invocation(apiFunctionOfOperation('submitReview'), 1),
      // The authorizer's decision is cached 5 minutes per key: about no invocation per review.
      invocation('IngestWorker', 1 / batchOf('Ingest')),
      invocation('EventFanout', events / eventsBatch),
      invocation('WebhookDelivery', deliveries / batchOf('Deliveries')),
      // The RealtimeLog stream (batches of 100 SEQ# inserts; ID# items filtered out) in every region.
      invocation('RealtimeFanout', events / 100, { everyRegion: true }),
    ],
    apiRequestsPerReview: 1,
  };
}

/** The same deployment with every table on-demand (what provisioning is compared with). */
export function allOnDemand(deployment: Deployment): Deployment {
  return {
    ...deployment,
    tables: Object.fromEntries(
      Object.entries(deployment.tables).map(([id, table]) => [
        id,
        { ...table, billing: { mode: 'on-demand' } },
      ]),
    ) as Deployment['tables'],
  };
}

function numberFlag(argv: readonly string[], name: string, fallback: number): number {
  const raw = argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number >= 0`);
  return value;
}

function print(
  estimate: CostEstimate,
  options: FlowOptions,
  deployment: Deployment,
  onDemandTotal: number,
): void {
  const money = (n: number) => `$${n.toFixed(2)}`;
  console.log(
    `Estimated cost of 1M reviews ingested through the API, ${deployment.regions} regions ` +
      `(${options.reviewsPerChunk} reviews per transaction, ${options.eventsPerReview} events per review, ` +
      `${options.endpointsPerEvent} endpoint(s) per event; tables and functions as synthesized):\n`,
  );
  console.log(
    '| DynamoDB write per review | table (regions) | item bytes | indexes written (entry bytes) | WRU | index WRU | replicated WRU | replica index WRU | $ / 1M |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const w of estimate.writes) {
    const indexes = w.indexes.map((i) => `${i.name} (${i.bytes})`).join(', ') || '-';
    console.log(
      `| ${w.what} | ${w.table} (${w.regions}) | ${w.bytes} | ${indexes} | ${w.tableUnits} | ${w.indexUnits} | ${w.replicatedUnits} | ${w.replicaIndexUnits} | ${money(w.dollarsPerMillion)} |`,
    );
  }
  const byTable = new Map<string, number>();
  for (const w of estimate.writes) byTable.set(w.table, (byTable.get(w.table) ?? 0) + w.dollarsPerMillion);
  console.log('\n| component | $ / 1M reviews |\n|---|---|');
  for (const [service, dollars] of Object.entries(estimate.perService)) {
    console.log(`| ${service} | ${money(dollars)} |`);
    if (service === 'dynamodbWrites') {
      for (const [table, dollars] of byTable) console.log(`| - writes to ${table} | ${money(dollars)} |`);
    }
  }
  const gap = estimate.totalPerMillion - estimate.target;
  console.log(`| **total** | **${money(estimate.totalPerMillion)}** |`);
  console.log(`| target | <= ${money(estimate.target)} |`);
  console.log(`| gap | ${gap <= 0 ? `met, ${money(-gap)} to spare` : `${money(gap)} over the target`} |`);
  const billing = (name: string) => {
    const b = deployment.tables[name as keyof Deployment['tables']].billing;
    return b.mode === 'on-demand'
      ? 'on-demand'
      : `provisioned, write ${b.write.min}-${b.write.max} at ${b.write.targetPercent}%, read ${b.read.min}-${b.read.max} at ${b.read.targetPercent}%`;
  };
  console.log('\n| table written | billing (as synthesized) |\n|---|---|');
  for (const table of byTable.keys()) console.log(`| ${table} | ${billing(table)} |`);
  const floors = Object.entries(estimate.capacityFloorPerMonth);
  const floorTotal = floors.reduce((sum, [, dollars]) => sum + dollars, 0);
  console.log(
    `\nProvisioned tables are priced at their target utilisation (steady traffic). Their minimum ` +
      `capacity is paid with or without traffic, in every region, for the table and each GSI: ` +
      floors.map(([name, dollars]) => `${name} ${money(dollars)}`).join(', ') +
      ` = ${money(floorTotal)} per month.`,
  );
  const saved = onDemandTotal - estimate.totalPerMillion;
  if (saved > 0) {
    console.log(
      `All on-demand, the same flow costs ${money(onDemandTotal)} per 1M reviews: provisioning saves ` +
        `${money(saved)} per 1M, and pays for its floor from about ${(Math.round((floorTotal / saved) * 1e2) * 1e4).toLocaleString('en-US')} reviews a month.`,
    );
  }
  console.log(
    `\nLambda: ${estimate.lambdaGbSecondsPerMillion.toFixed(0)} GB-s per 1M reviews (` +
      Object.entries(deployment.functions)
        .map(([id, f]) => `${id} ${f.memoryMb} MB ${f.architecture}`)
        .join(', ') +
      '; durations assumed: bench/cost.ts DURATION_MS).',
  );
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const options: FlowOptions = {
    reviewsPerChunk: Math.max(1, numberFlag(argv, 'per-chunk', 10)),
    endpointsPerEvent: numberFlag(argv, 'endpoints', 1),
    eventsPerReview: numberFlag(argv, 'events', 1.2),
  };
  const deployment = synthesizeDeployment(INGEST_FUNCTIONS);
  const estimate = estimateCost(ingestFlow(options, deployment));
  const onDemandTotal = estimateCost(ingestFlow(options, allOnDemand(deployment))).totalPerMillion;
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ options, deployment, ...estimate, onDemandTotal }, null, 2));
  } else print(estimate, options, deployment, onDemandTotal);
}
