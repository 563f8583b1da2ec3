/**
 * Replies behind the platform gate, against the real local components: the fake Google Business
 * Profile on loopback (its faults switched on and off), the real Google connector over the real
 * HTTP client, the token buckets (RateLimits) and the platform breaker (PlatformBreakers) in
 * DynamoDB Local, the Replies queue with its DLQ in the SQS emulator (fauxqs), drained by the local
 * SQS poller through the ReplyWorker's own batch handler. The ports built by others (connections,
 * tokens, the reply state on the review, the event publisher) are in-memory fakes.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { FakeGoogleBusinessProfile, GOOGLE_BUSINESS_SCOPE } from '../../../local/platform-fakes/google';
import { createQueues, createTables, type LocalQueue } from '../../../local/resources';
import { startSqsEmulator, type SqsEmulator } from '../../../local/sqs-emulator';
import { SqsPoller } from '../../../local/sqs-poller';
import { queueDefinition, type QueueId } from '../../../src/catalog/queues';
import { tableDefinition } from '../../../src/catalog/tables';
import type { DomainEvent } from '../../../src/events';
import { DynamoRateLimiter } from '../../../src/platforms/adapters/dynamo-rate-limiter';
import { FetchPlatformHttp } from '../../../src/platforms/adapters/fetch-platform-http';
import { DynamoPlatformBreakerStore } from '../../../src/platforms/adapters/platform-breaker-store';
import { platformRegistry } from '../../../src/platforms/adapters/platform-registry';
import { SqsReplyQueue } from '../../../src/platforms/adapters/sqs-reply-queue';
import { PLATFORM_BREAKER_CONFIG } from '../../../src/platforms/domain/platform-breaker';
import { QUOTA_POLICIES, bucketPolicy } from '../../../src/platforms/domain/quota-policy';
import type { PublishReplyDeps, ReplyMessage } from '../../../src/platforms';
import type { ReviewReply } from '../../../src/reviews';
import { report } from '../../../src/shared/circuit-breaker';
import { systemClock } from '../../../src/shared/clock';
import { batchHandler } from '../../../functions/reply-worker/handler';
import { connection, FakeTokens, MemoryConnections } from '../../unit/platforms/sync-fakes';
import { acquireStore, type TestStore } from '../support/shared-store';
import { eventually } from '../support/stack';

jest.setTimeout(120_000);

const region = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const ACCOUNT = '100';
let store: TestStore;
let sqsEmulator: SqsEmulator;
let dynamo: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let sqs: SQSClient;
let tables: Record<string, string>;
let queues: Record<QueueId, LocalQueue>;
let google: FakeGoogleBusinessProfile;
let poller: SqsPoller;
const receiveCounts: number[] = [];
const connections = new MemoryConnections();
const tokens = new FakeTokens();
/** The reply state per review, with the repository's ordering rule (newer requests win, final states stay). */
const replyStates = new Map<string, ReviewReply[]>();
const events: DomainEvent[] = [];

const table = (id: 'RateLimits' | 'PlatformBreakers') => tables[tableDefinition(id).envVar]!;

beforeAll(async () => {
  // The run's shared DynamoDB Local (tables under a prefix of this file's own), not a JVM of its own.
  [store, sqsEmulator] = await Promise.all([acquireStore('reply-it'), startSqsEmulator()]);
  dynamo = new DynamoDBClient({ region, endpoint: store.endpoint, credentials });
  doc = DynamoDBDocumentClient.from(dynamo);
  sqs = new SQSClient({ region, endpoint: sqsEmulator.endpoint, credentials, useQueueUrlAsEndpoint: false });
  tables = await createTables(dynamo, store.tablePrefix, { only: ['RateLimits', 'PlatformBreakers'] });
  // Longer than any one invocation here: a receive count above 1 can only come from a redelivery.
  ({ queues } = await createQueues(sqs, 'reply-it', { visibilityTimeoutSeconds: 10 }));
  google = new FakeGoogleBusinessProfile();
  await google.start();
  tokens.current = google.server.issueToken(GOOGLE_BUSINESS_SCOPE).token;

  const deps: PublishReplyDeps = {
    connections,
    tokens,
    adapters: platformRegistry({ http: new FetchPlatformHttp(), origins: { google: google.baseUrl } }).all,
    replies: {
      recordReply: async (_supplierId, reviewId, reply) => {
        const history = replyStates.get(reviewId) ?? [];
        const last = history.at(-1);
        // The repository's rule for requests through our API (which always carry requestedAt).
        const lastAt = last?.requestedAt ?? '';
        const at = reply.requestedAt ?? '';
        if (last && (lastAt > at || (lastAt === at && last.state !== 'pending'))) {
          return false;
        }
        replyStates.set(reviewId, [...history, reply]);
        return true;
      },
    },
    events: { publish: async (published) => void events.push(...published) },
    queue: new SqsReplyQueue(sqs, queues.Replies.url),
    limiter: new DynamoRateLimiter(doc, table('RateLimits'), bucketPolicy),
    breakers: new DynamoPlatformBreakerStore(doc, table('PlatformBreakers')),
    clock: systemClock,
  };
  const handle = batchHandler(() => deps);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queues.Replies.url, AttributeNames: ['QueueArn'] }),
  );
  poller = new SqsPoller({
    client: sqs,
    queueUrl: queues.Replies.url,
    queueArn: Attributes!.QueueArn!,
    region,
    consumer: { ...queueDefinition('Replies').consumer!, maxBatchingWindowSeconds: 0 },
    concurrency: queueDefinition('Replies').consumer!.maxConcurrency,
    handler: (event: SQSEvent) => {
      for (const r of event.Records) receiveCounts.push(Number(r.attributes.ApproximateReceiveCount));
      return handle(event);
    },
  });
  poller.start();
});

afterAll(async () => {
  await poller?.stop();
  await google?.close();
  dynamo?.destroy();
  sqs?.destroy();
  await Promise.allSettled([store?.release(), sqsEmulator?.stop()]);
});

/** A location of the fake with `count` reviews, connected; the reply messages the API would queue. */
async function locationWithReviews(
  id: string,
  count: number,
): Promise<{ location: string; messages: ReplyMessage[] }> {
  const location = google.addLocation(ACCOUNT, id);
  const connectionId = `conn-${id}`;
  await connections.put(connection('google', { connectionId, locations: [{ locationId: location }] }));
  const requestedAt = new Date().toISOString();
  const messages = Array.from({ length: count }, (_, i): ReplyMessage => {
    const review = google.addReview(location, { rating: 5, comment: `Lovely day ${i}` });
    return {
      kind: 'reply',
      connectionId,
      supplierId: 'sup-1',
      locationId: location,
      reviewId: `rev_${id}_${i}`,
      externalId: review.reviewId,
      platform: 'google',
      comment: `Thank you (${i})!`,
      requestedAt,
      correlationId: `cor_${id}_${i}`,
    };
  });
  return { location, messages };
}

const replyCalls = (location: string) =>
  google.server.requests.filter((r) => r.method === 'PUT' && r.path.startsWith(`/v4/${location}/reviews/`));

const published = (messages: readonly ReplyMessage[]) =>
  messages.filter((m) => replyStates.get(m.reviewId)?.at(-1)?.state === 'published').length;

async function dlqDepth(): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queues.Replies.dlqUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

it('with the breaker open replies wait, only the probe reaches Google; after recovery each is published once', async () => {
  const { location, messages } = await locationWithReviews('3001', 6);
  // Google is down; a sync worker has seen it fail for 100 s (the breaker's cool-down: 1/20 of that, 5 s).
  const down = {
    status: 503,
    json: { error: { code: 503, message: 'Backend Error', status: 'UNAVAILABLE' } },
  };
  google.server.fault({ kind: 'status', response: down });
  const breakers = new DynamoPlatformBreakerStore(doc, table('PlatformBreakers'));
  const startMs = Date.now();
  for (const at of [startMs - 100_000, startMs, startMs]) {
    await report(breakers, 'google', 'failure', { nowMs: at, config: PLATFORM_BREAKER_CONFIG });
  }
  expect((await breakers.get('google'))!.state.status).toBe('open');

  await new SqsReplyQueue(sqs, queues.Replies.url).send(messages.map((message) => ({ message })));
  // The first call is the probe at the end of the cool-down; it fails, and the platform recovers.
  await eventually(async () => replyCalls(location).length >= 1, 'the probe', 30_000);
  google.server.clearFaults();
  const probeAt = replyCalls(location)[0]!.at;
  expect(probeAt - startMs).toBeGreaterThanOrEqual(4_900);

  await eventually(async () => published(messages) === messages.length, 'every reply published', 60_000);
  const calls = replyCalls(location);
  // While down: the probe alone (every other reply waited without calling). Told apart by the
  // fake's answer, not by the time: the probe can land in the millisecond the faults were cleared.
  expect(calls.map((c) => google.server.statusOf(c)).filter((status) => status === 503)).toEqual([503]);
  expect(google.server.statusOf(calls[0]!)).toBe(503);
  // After recovery: one successful call per reply (the failed probe's reply called again once).
  expect(calls).toHaveLength(messages.length + 1);
  expect(new Set(calls.slice(1).map((c) => c.path)).size).toBe(messages.length);
  for (const m of messages) expect(google.replyOf(location, m.externalId)?.comment).toBe(m.comment);
  expect(events.filter((e) => e.type === 'review.replied')).toHaveLength(messages.length);
  expect(events.filter((e) => e.type === 'review.reply_failed')).toEqual([]);
  expect((await breakers.get('google'))!.state.status).toBe('closed');
  expect(Math.max(...receiveCounts)).toBe(1);
  expect(await dlqDepth()).toBe(0);
});

it('with empty buckets replies wait their turn: the location rate is never exceeded, nothing redelivered', async () => {
  const { location, messages } = await locationWithReviews('3002', 12);
  const deliveredBefore = receiveCounts.length;
  const startMs = Date.now();
  await new SqsReplyQueue(sqs, queues.Replies.url).send(messages.map((message) => ({ message })));
  await eventually(async () => published(messages) === messages.length, 'every reply published', 60_000);

  const times = replyCalls(location)
    .map((c) => c.at)
    .sort((a, b) => a - b);
  expect(times).toHaveLength(messages.length);
  // The location bucket: 5 at once, then 1 a second. In any window of w ms at most 5 + w/1000 calls.
  const { capacity, refillPerSecond } = QUOTA_POLICIES.google.location;
  for (const windowMs of [1000, 3000, 5000]) {
    let most = 0;
    for (let end = 0, start = 0; end < times.length; end += 1) {
      while (times[end]! - times[start]! >= windowMs) start += 1;
      most = Math.max(most, end - start + 1);
    }
    expect(most).toBeLessThanOrEqual(capacity + Math.floor((refillPerSecond * windowMs) / 1000));
  }
  // They waited: 12 calls at 1/s past the first 5 take at least 6 s, and there were deferrals.
  expect(times.at(-1)! - startMs).toBeGreaterThanOrEqual(6_000);
  expect(receiveCounts.length - deliveredBefore).toBeGreaterThan(messages.length);
  expect(Math.max(...receiveCounts)).toBe(1);
  expect(await dlqDepth()).toBe(0);
  expect(events.filter((e) => e.type === 'review.reply_failed')).toEqual([]);
});
