/**
 * The sync pipeline against the real local components: the token buckets (RateLimits), the
 * platform breaker (PlatformBreakers) and the ledger (PlatformSync) in DynamoDB Local, the Sync
 * queue with its DLQ in the SQS emulator (fauxqs), drained by the local SQS poller through the
 * SyncWorker's own batch handler. The ports built by others (connections, tokens, review sink,
 * the platform adapter) are in-memory fakes.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createQueues, createTables, type LocalQueue } from '../../../local/resources';
import { acquireStore, type TestStore } from '../support/shared-store';
import { startSqsEmulator, type SqsEmulator } from '../../../local/sqs-emulator';
import { SqsPoller } from '../../../local/sqs-poller';
import { queueDefinition, type QueueId } from '../../../src/catalog/queues';
import { tableDefinition } from '../../../src/catalog/tables';
import { DynamoRateLimiter } from '../../../src/platforms/adapters/dynamo-rate-limiter';
import { DynamoPlatformBreakerStore } from '../../../src/platforms/adapters/platform-breaker-store';
import { DynamoPlatformSyncStore } from '../../../src/platforms/adapters/platform-sync-store';
import { SqsSyncQueue } from '../../../src/platforms/adapters/sqs-sync-queue';
import { bucketPolicy } from '../../../src/platforms/domain/quota-policy';
import type { SyncPageDeps } from '../../../src/platforms/use-cases/sync-page';
import { systemClock } from '../../../src/shared/clock';
import { batchHandler } from '../../../functions/sync-worker/handler';
import {
  connection,
  FakeAdapter,
  FakeTokens,
  firstMessage,
  MemoryConnections,
  MemorySink,
  review,
} from '../../unit/platforms/sync-fakes';

jest.setTimeout(120_000);

const region = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let dynamoDb: TestStore;
let sqsEmulator: SqsEmulator;
let dynamo: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let sqs: SQSClient;
let tables: Record<string, string>;
let queues: Record<QueueId, LocalQueue>;

beforeAll(async () => {
  [dynamoDb, sqsEmulator] = await Promise.all([acquireStore('sync-it'), startSqsEmulator()]);
  dynamo = new DynamoDBClient({ region, endpoint: dynamoDb.endpoint, credentials });
  doc = DynamoDBDocumentClient.from(dynamo);
  sqs = new SQSClient({ region, endpoint: sqsEmulator.endpoint, credentials, useQueueUrlAsEndpoint: false });
  tables = await createTables(dynamo, dynamoDb.tablePrefix);
  ({ queues } = await createQueues(sqs, 'sync-it', { visibilityTimeoutSeconds: 2 }));
});

afterAll(async () => {
  dynamo?.destroy();
  sqs?.destroy();
  await Promise.allSettled([dynamoDb?.release(), sqsEmulator?.stop()]);
});

const table = (id: 'RateLimits' | 'PlatformBreakers' | 'PlatformSync') => tables[tableDefinition(id).envVar]!;

/**
 * The limiter tests' clock, from today: a bucket item expires 2 idle days after its time, and
 * DynamoDB Local deletes expired items. With a fixed date (3 December) that had passed by more than
 * 2 days, buckets vanished between a taker's read and another's write, and a race granted 7 or 10
 * tokens of 5.
 */
const TODAY_MS = Date.now();

describe('DynamoRateLimiter (DynamoDB Local)', () => {
  it('never grants more than a bucket holds to concurrent takers, all buckets or none', async () => {
    const limiter = new DynamoRateLimiter(doc, table('RateLimits'), bucketPolicy);
    const buckets = ['google/app', 'google/location/concurrent'];
    const nowMs = TODAY_MS;
    const results = await Promise.all(Array.from({ length: 30 }, () => limiter.take(buckets, 1, nowMs)));
    const granted = results.filter((r) => r.ok).length;
    expect(granted).toBeGreaterThanOrEqual(1);
    expect(granted).toBeLessThanOrEqual(5);
    // What the racing takers left is still there, and no more: 5 in all at this instant.
    let more = 0;
    while ((await limiter.take(buckets, 1, nowMs)).ok) more += 1;
    expect(granted + more).toBe(5);
    // Refill by elapsed time: the location bucket (1/s) allows one more per second.
    expect(await limiter.take(buckets, 1, nowMs + 1000)).toEqual({ ok: true });
    const denied = await limiter.take(buckets, 1, nowMs + 1000);
    expect(denied.ok).toBe(false);
    expect(!denied.ok && denied.waitMs).toBeLessThanOrEqual(1000);
  });

  it('grants at most capacity + rate x elapsed while many workers take over time', async () => {
    const limiter = new DynamoRateLimiter(doc, table('RateLimits'), bucketPolicy);
    const buckets = ['trustpilot/app', 'trustpilot/location/busy'];
    const start = TODAY_MS + 3_600_000;
    let granted = 0;
    for (let step = 0; step <= 20; step++) {
      const nowMs = start + step * 250;
      const round = await Promise.all(Array.from({ length: 6 }, () => limiter.take(buckets, 1, nowMs)));
      granted += round.filter((r) => r.ok).length;
    }
    // The location bucket binds: 10 at once, then 1 per second over 5 s.
    expect(granted).toBeLessThanOrEqual(10 + 5);
    expect(granted).toBeGreaterThanOrEqual(10);
  });

  it('a refused take leaves every bucket untouched; tighten drains a bucket until a time', async () => {
    const limiter = new DynamoRateLimiter(doc, table('RateLimits'), bucketPolicy);
    const nowMs = TODAY_MS + 7_200_000;
    await limiter.tighten('yelp/location/drained', nowMs + 60_000, nowMs);
    const refused = await limiter.take(['yelp/app', 'yelp/location/drained'], 1, nowMs);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.waitMs).toBeGreaterThanOrEqual(60_000);
    const { Item } = await doc.send(
      new GetCommand({
        TableName: table('RateLimits'),
        Key: { pk: 'BUCKET#yelp/app' },
        ConsistentRead: true,
      }),
    );
    expect(Item).toBeUndefined(); // never written: the app bucket kept its 10 tokens
    let taken = 0;
    while ((await limiter.take(['yelp/app'], 1, nowMs)).ok) taken += 1;
    expect(taken).toBe(10);
  });
});

describe('SyncWorker through the Sync queue (fauxqs) with DynamoDB Local', () => {
  it('defers through an outage and a 429 without a single redelivery; every location syncs; the DLQ stays empty', async () => {
    const locations = Array.from({ length: 6 }, (_, i) => ({ locationId: `it-loc-${i}` }));
    const connections = new MemoryConnections();
    await connections.put(connection('google', { connectionId: 'it-conn', locations }));
    const adapter = new FakeAdapter('google', systemClock);
    adapter.reviews = [review('r1', '2026-12-03T09:00:00.000Z')];
    adapter.pageSize = 5;
    const syncStore = new DynamoPlatformSyncStore(doc, table('PlatformSync'));
    const deps: SyncPageDeps = {
      connections,
      adapters: { adapterFor: () => adapter },
      tokens: new FakeTokens(),
      sink: new MemorySink(),
      limiter: new DynamoRateLimiter(doc, table('RateLimits'), bucketPolicy),
      breakers: new DynamoPlatformBreakerStore(doc, table('PlatformBreakers')),
      ledger: syncStore,
      queue: new SqsSyncQueue(sqs, queues.Sync.url),
      clock: systemClock,
    };
    const receiveCounts: number[] = [];
    const handle = batchHandler(() => deps);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.Sync.url, AttributeNames: ['QueueArn'] }),
    );
    const poller = new SqsPoller({
      client: sqs,
      queueUrl: queues.Sync.url,
      queueArn: Attributes!.QueueArn!,
      region,
      consumer: { ...queueDefinition('Sync').consumer!, maxBatchingWindowSeconds: 0 },
      concurrency: 2,
      handler: (event: SQSEvent) => {
        for (const r of event.Records) receiveCounts.push(Number(r.attributes.ApproximateReceiveCount));
        return handle(event);
      },
    });

    // The platform is down for 6 s, then throttles once, then is healthy.
    adapter.down = { kind: 'retry-later', reason: '503' };
    const downUntil = Date.now() + 6_000;
    const healthy = setTimeout(() => {
      adapter.down = undefined;
      adapter.failures = [{ kind: 'rate-limited', reason: '429', waitMs: 1500, window: 'second' }];
    }, 6_000);
    await new SqsSyncQueue(sqs, queues.Sync.url).send(
      locations.map((l, i) => ({
        message: firstMessage('incremental', {
          connectionId: 'it-conn',
          locationId: l.locationId,
          correlationId: `it-${i}`,
        }),
      })),
    );
    poller.start();
    try {
      const deadline = Date.now() + 60_000;
      const synced = () =>
        connections.cursors.filter((c) => c.cursor?.watermark === '2026-12-03T09:00:00.000Z').length;
      while (synced() < locations.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(synced()).toBe(locations.length);
    } finally {
      clearTimeout(healthy);
      await poller.stop();
    }

    // Deferrals are new messages: nothing was received twice, nothing went towards the DLQ.
    expect(receiveCounts.length).toBeGreaterThan(locations.length); // there were deferrals
    expect(Math.max(...receiveCounts)).toBe(1);
    const dlqDepth = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.Sync.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Number(dlqDepth.Attributes?.ApproximateNumberOfMessages)).toBe(0);
    // The breaker opened during the outage: calls while down were the first failures and the probes.
    const callsWhileDown = adapter.calls.filter((c) => c.atMs < downUntil).length;
    expect(callsWhileDown).toBeLessThan(locations.length + 6);
    const breaker = await deps.breakers.get('google');
    expect(breaker?.state.status).toBe('closed');
    // The ledger knows what each location's sync saw.
    expect(await syncStore.notSeenSince('it-conn', 'it-loc-0', '2100-01-01T00:00:00.000Z', 10)).toEqual([
      'r1',
    ]);
  });
});

describe('DynamoPlatformSyncStore', () => {
  it('claims a daily sweep once, keeps replay keys once, and finds connections by location', async () => {
    const store = new DynamoPlatformSyncStore(doc, table('PlatformSync'));
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => store.claimDailySweep('c', 'l', '2026-12-03')),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const firsts = await Promise.all(Array.from({ length: 5 }, () => store.firstSeen('dedup-1', 3600)));
    expect(firsts.filter(Boolean)).toHaveLength(1);
    await store.record('facebook', 'page-1', { connectionId: 'c1', supplierId: 's1' });
    await store.record('facebook', 'page-1', { connectionId: 'c2', supplierId: 's2' });
    expect((await store.find('facebook', 'page-1')).map((r) => r.connectionId).sort()).toEqual(['c1', 'c2']);
    expect(await store.find('facebook', 'page-2')).toEqual([]);
  });
});
