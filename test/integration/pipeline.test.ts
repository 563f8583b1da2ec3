/**
 * Zero loss through HTTP -> ingest queue -> worker -> table: 1,000 submissions of which 10% are
 * duplicates and 5% are poison messages put straight on the queue. Afterwards the table holds
 * exactly the unique valid reviews, every poison message is parked with a reason, and every
 * 202 answered is a stored review.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DynamoEventLog } from '../../src/webhooks/adapters/event-log';
import type { LoggedEvent } from '../../src/webhooks';
import { reviewIdFor } from '../../src/reviews/domain/review-ids';
import { countReviews, eventually, startTestStack, type TestStack } from './support/stack';
import { runWithConcurrency } from './support/load';

jest.setTimeout(180_000);

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ ownStore: true });
});
afterAll(async () => {
  await stack?.cleanup();
});

const POISON_KINDS = [
  () => 'not json at all',
  () => JSON.stringify([1, 2, 3]),
  () => JSON.stringify({ type: 'review.submitted', version: 1 }),
  () => JSON.stringify({ type: 'something.else', version: 1, supplierId: 's' }),
  (supplierId: string) =>
    JSON.stringify({
      type: 'review.submitted',
      version: 1,
      supplierId,
      reviewId: 'rev_00000000000000000000000000', // does not match its natural key
      origin: { kind: 'external', platform: 'google', externalId: 'forged' },
      actor: { kind: 'producer', id: 'test' },
      receivedAt: new Date().toISOString(),
      review: {
        rating: 5,
        title: 't',
        body: 'b',
        reviewerName: 'n',
        platform: 'google',
        submittedAt: new Date().toISOString(),
      },
    }),
];

it('stores exactly the unique valid reviews and parks every poison message with a reason', async () => {
  const supplier = await stack.newSupplier('Load Test Supplier');
  const UNIQUE = 850;
  const DUPLICATES = 100;
  const POISON = 50;

  // 850 unique imports (half keyed by externalId, half by Idempotency-Key) + 100 resends of them.
  const submissions = Array.from({ length: UNIQUE }, (_, i) => ({ i, viaHeader: i % 2 === 1 }));
  for (let d = 0; d < DUPLICATES; d += 1) submissions.push(submissions[(d * 7) % UNIQUE]!);
  // Interleave duplicates with originals rather than sending them all at the end.
  submissions.sort((a, b) => ((a.i * 2654435761) % 1000) - ((b.i * 2654435761) % 1000));

  const accepted = new Set<string>();
  let non202 = 0;
  let inFlight = 0;
  const poisonSend = (async () => {
    for (let start = 0; start < POISON; start += 10) {
      await stack.sqsClient.send(
        new SendMessageBatchCommand({
          QueueUrl: stack.queues.Ingest.url,
          Entries: Array.from({ length: 10 }, (_, k) => ({
            Id: String(k),
            MessageBody: POISON_KINDS[(start + k) % POISON_KINDS.length]!(supplier.supplierId),
          })),
        }),
      );
    }
  })();
  await runWithConcurrency(submissions, 16, async ({ i, viaHeader }) => {
    const send = () =>
      stack.call('POST', '/v1/reviews', {
        key: supplier.apiKey,
        body: {
          rating: (i % 5) + 1,
          title: `Review ${i}`,
          body: `Generated review number ${i}.`,
          reviewerName: `Couple ${i}`,
          ...(viaHeader ? {} : { platform: 'google', externalId: `g-${i}` }),
        },
        headers: viaHeader ? { 'idempotency-key': `import-${i}` } : {},
      });
    let response = await send();
    // A resend racing its original with the same Idempotency-Key may get 409 in-flight: the
    // contract says retry after Retry-After, and the retry gets the original's answer.
    while (response.status === 409 && viaHeader) {
      inFlight += 1;
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after')) * 1000));
      response = await send();
    }
    if (response.status === 202) accepted.add(String(response.json.reviewId));
    else non202 += 1;
  });
  await poisonSend;

  expect(non202).toBe(0);
  expect(inFlight).toBeLessThanOrEqual(DUPLICATES);
  expect(accepted.size).toBe(UNIQUE);

  await eventually(
    async () => (await countReviews(stack, supplier.supplierId)) >= UNIQUE,
    'all unique reviews stored',
    120_000,
  );
  await eventually(
    async () => (await stack.scanAll('Rejected')).length >= POISON,
    'all poison parked',
    60_000,
  );
  await eventually(async () => (await stack.queueDepth('Ingest')) === 0, 'ingest queue drained', 60_000);

  const stored = (await stack.scanAll('Reviews')).filter(
    (item) => item.entity === 'review' && item.supplierId === supplier.supplierId,
  );
  expect(new Set(stored.map((item) => item.reviewId))).toEqual(accepted);
  expect(stored.length).toBe(UNIQUE);

  // The ids are the natural-key ids, so a retry from any region converges on the same item.
  expect(
    accepted.has(
      reviewIdFor(supplier.supplierId, { kind: 'external', platform: 'google', externalId: 'g-0' }),
    ),
  ).toBe(true);
  expect(accepted.has(reviewIdFor(supplier.supplierId, { kind: 'idempotency-key', key: 'import-1' }))).toBe(
    true,
  );

  const rejected = await stack.scanAll('Rejected');
  expect(rejected).toHaveLength(POISON);
  const reasons = new Map<string, number>();
  for (const record of rejected)
    reasons.set(String(record.reason), (reasons.get(String(record.reason)) ?? 0) + 1);
  expect(Object.fromEntries(reasons)).toEqual({
    'invalid-json': 10,
    'invalid-message': 30,
    'review-id-mismatch': 10,
  });
  for (const record of rejected) expect(String(record.detail).length).toBeGreaterThan(0);

  expect(await stack.queueDepth('Ingest', 'dlq')).toBe(0);

  const summary = await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey });
  expect(summary.json.count).toBe(UNIQUE);
  expect(summary.json.byRating).toEqual({ '1': 170, '2': 170, '3': 170, '4': 170, '5': 170 });

  // Every stored review announced itself: one review.received per review, one review.negative
  // per rating <= 2, each logged once by the webhook fan-out (which deduplicates on event id).
  // Read through the event log's repository (its own table, the tenant's events by time).
  const eventLog = new DynamoEventLog(stack.doc, stack.tableName('EventLog'));
  const eventsOf = async () => {
    const items: LoggedEvent[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await eventLog.eventsSince(supplier.supplierId, '1970-01-01T00:00:00.000Z', 500, cursor);
      items.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return items;
  };
  const countsOf = async () => {
    const events = await eventsOf();
    const count = (type: string) => events.filter((item) => item.eventType === type).length;
    return { received: count('review.received'), negative: count('review.negative') };
  };
  await eventually(
    async () => {
      const { received, negative } = await countsOf();
      return received >= UNIQUE && negative >= 340;
    },
    'every event logged',
    60_000,
  );
  expect(await countsOf()).toEqual({ received: UNIQUE, negative: 340 });
  for (const item of (await eventsOf()).slice(0, 20)) {
    expect(JSON.parse(String(item.body))).toMatchObject({ specversion: '1.0', source: expect.any(String) });
  }
});
