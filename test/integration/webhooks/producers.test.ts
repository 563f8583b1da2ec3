/**
 * SQS producer envelopes (CloudEvents 1.0 on the ingest queue) through the real ingest worker,
 * fan-out and delivery worker to real receivers: each valid type becomes the right outbound event,
 * each kind of invalid envelope is parked with its reason, and budget thresholds fire once per
 * crossing, also when expenses arrive concurrently and are redelivered.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DynamoTenantStore } from '../../../src/reviews/adapters/dynamo-records';
import { reviewIdFor } from '../../../src/reviews/domain/review-ids';
import { PLATFORM_SUPPLIER_ID } from '../../../src/events';
import { createSupplierWithKey } from '../../../src/access/use-cases/create-supplier';
import { countReviews, eventually, startTestStack, type TestStack } from '../support/stack';
import { startReceiver, type Receiver } from './support/receivers';

jest.setTimeout(90_000);

let stack: TestStack;
let supplierHooks: Receiver;
let appHooks: Receiver;

beforeAll(async () => {
  stack = await startTestStack();
  supplierHooks = await startReceiver('healthy');
  appHooks = await startReceiver('healthy');
});
afterAll(async () => {
  await Promise.all([supplierHooks?.close(), appHooks?.close()]);
  await stack?.cleanup();
});

let seq = 0;
const envelope = (type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: `prod-${++seq}`,
  source: 'urn:wedsync:test-producer',
  type,
  time: new Date(Date.UTC(2026, 4, 1, 12, 0, seq)).toISOString(),
  datacontenttype: 'application/json',
  data,
  ...extra,
});

async function sendAll(bodies: readonly unknown[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    await stack.sqsClient.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.queues.Ingest.url,
        Entries: bodies.slice(start, start + 10).map((body, i) => ({
          Id: String(i),
          MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
        })),
      }),
    );
  }
}

const typesOf = (receiver: Receiver) => [...receiver.bodies.values()].map((b) => String(b.type));
const thresholdsOf = (receiver: Receiver, category: string) =>
  [...receiver.bodies.values()]
    .filter(
      (b) => b.type === 'budget.threshold.exceeded' && (b.data as { category: string }).category === category,
    )
    .map((b) => (b.data as { thresholdPercent: number }).thresholdPercent)
    .sort((a, b) => a - b);

it('turns valid envelopes into outbound events, parks invalid ones, and fires each budget threshold once', async () => {
  const supplier = await stack.newSupplier('Producer Supplier');
  const app = await createSupplierWithKey(new DynamoTenantStore(stack.doc, stack.tableName('Tenants')), {
    name: 'WedSync app',
    supplierId: PLATFORM_SUPPLIER_ID,
  });
  for (const [key, receiver, eventTypes] of [
    [supplier.apiKey, supplierHooks, ['review.received', 'review.negative', 'helper.schedule.updated']],
    [app.apiKey, appHooks, ['budget.expense.recorded', 'budget.threshold.exceeded']],
  ] as const) {
    const created = await stack.call('POST', '/v1/webhook-endpoints', {
      key,
      body: { url: receiver.url, eventTypes },
    });
    expect(created.status).toBe(201);
    receiver.secrets = [String(created.json.secret)];
  }

  const review = (extra: Record<string, unknown>) => ({
    supplierId: supplier.supplierId,
    platform: 'google',
    rating: 2,
    title: 'Late',
    body: 'The van arrived an hour late.',
    reviewerName: 'Sam',
    submittedAt: '2026-05-01T10:00:00+01:00',
    ...extra,
  });
  const withKey = envelope('review.submitted', review({ externalId: 'g-1' }));
  const withoutKey = envelope('review.submitted', review({ rating: 5 }));
  const budget = { coupleId: 'cpl_1', weddingId: 'wed_1', currency: 'GBP' };
  const expense = (expenseId: string, amount: string, category = 'photography') =>
    envelope('budget.expense.recorded', {
      ...budget,
      expenseId,
      amount,
      description: expenseId,
      date: '2026-05-01',
      category,
    });

  const invalid = [
    envelope('review.submitted', review({}), { specversion: '0.3' }), // unsupported-specversion
    { ...envelope('helper.schedule.updated', {}), id: undefined }, // invalid-envelope (no id)
    envelope('review.deleted', { reviewId: 'x' }), // unknown-type
    envelope('helper.schedule.updated', {
      supplierId: supplier.supplierId,
      helperId: 'hlp_1',
      weddingId: 'wed_1',
      shifts: [{ start: '2026-07-12T12:00:00Z', end: '2026-07-12T08:00:00Z', tasks: [] }],
    }), // invalid-data: end before start
  ];
  // Allocation first (the envelope is sent before the expenses and handled in its own batch).
  await sendAll([
    envelope('budget.category.updated', { ...budget, category: 'photography', allocation: '1000.00' }),
  ]);
  await sendAll([envelope('budget.category.updated', { ...budget, category: 'flowers', allocation: '100' })]);
  await eventually(async () => (await stack.scanAll('Budgets')).length === 2, 'allocations stored');

  const photographyExpenses = [expense('e1', '500'), expense('e2', '300'), expense('e3', '250')];
  await sendAll([
    withKey,
    withKey, // redelivered: one review
    withoutKey,
    withoutKey, // the same envelope again: converges on the same review (source + id)
    envelope('helper.schedule.updated', {
      supplierId: supplier.supplierId,
      helperId: 'hlp_1',
      weddingId: 'wed_1',
      shifts: [{ start: '2026-07-12T08:00:00Z', end: '2026-07-12T12:00:00Z', tasks: ['Build arch'] }],
    }),
    ...photographyExpenses,
    photographyExpenses[1], // the same expense redelivered: counted once
    // Ten concurrent expenses of 10 against an allocation of 100: 80 % and 100 % fire once each.
    ...Array.from({ length: 10 }, (_, i) => expense(`f${i}`, '10', 'flowers')),
    ...invalid,
  ]);

  await eventually(
    async () =>
      thresholdsOf(appHooks, 'photography').length >= 2 && thresholdsOf(appHooks, 'flowers').length >= 2,
    'threshold events delivered',
    60_000,
  );
  await eventually(
    async () => (await stack.scanAll('Rejected')).length >= invalid.length,
    'invalid envelopes parked',
  );
  await eventually(
    async () =>
      typesOf(supplierHooks).length >= 4 &&
      typesOf(appHooks).filter((t) => t === 'budget.expense.recorded').length >= 13,
    'supplier and app events delivered',
    30_000,
  );
  await eventually(async () => (await stack.queueDepth('Ingest')) === 0, 'ingest drained');
  await eventually(async () => (await stack.queueDepth('Events')) === 0, 'events drained');
  await eventually(async () => (await stack.queueDepth('Deliveries')) === 0, 'deliveries drained');

  // Reviews: two unique ones, with the natural key of the one that had an externalId.
  expect(await countReviews(stack, supplier.supplierId)).toBe(2);
  const stored = (await stack.scanAll('Reviews')).filter((r) => r.entity === 'review');
  expect(stored.map((r) => r.reviewId)).toContain(
    reviewIdFor(supplier.supplierId, { kind: 'external', platform: 'google', externalId: 'g-1' }),
  );
  expect(typesOf(supplierHooks).sort()).toEqual([
    'helper.schedule.updated',
    'review.negative',
    'review.received',
    'review.received',
  ]);
  const helper = [...supplierHooks.bodies.values()].find((b) => b.type === 'helper.schedule.updated')!;
  expect(helper.data).toMatchObject({ helperId: 'hlp_1', updatedAt: expect.any(String) });

  // Budgets: 500 (50 %), 300 (80 %: fires 80), 300 again (duplicate), 250 (105 %: fires 100).
  expect(thresholdsOf(appHooks, 'photography')).toEqual([80, 100]);
  expect(thresholdsOf(appHooks, 'flowers')).toEqual([80, 100]);
  const hundred = [...appHooks.bodies.values()].find(
    (b) =>
      b.type === 'budget.threshold.exceeded' &&
      (b.data as { category: string; thresholdPercent: number }).category === 'photography' &&
      (b.data as { thresholdPercent: number }).thresholdPercent === 100,
  )!;
  expect(hundred.data).toMatchObject({
    allocation: '1000',
    spent: '1050',
    currency: 'GBP',
    triggeredBy: { kind: 'expense' },
  });
  // Expenses of one batch are applied concurrently: whichever made the total cross is named.
  expect(['e1', 'e2', 'e3']).toContain(
    (hundred.data as { triggeredBy: { expenseId: string } }).triggeredBy.expenseId,
  );
  expect(typesOf(appHooks).filter((t) => t === 'budget.expense.recorded')).toHaveLength(13);
  // No receiver got a threshold twice, even under concurrency and redelivery.
  expect([...appHooks.byWebhookId.values()].every((n) => n === 1)).toBe(true);

  // Invalid envelopes: parked with their reasons, never retried.
  const reasons = (await stack.scanAll('Rejected')).map((r) => String(r.reason)).sort();
  expect(reasons).toEqual(['invalid-data', 'invalid-envelope', 'unknown-type', 'unsupported-specversion']);
  const invalidData = (await stack.scanAll('Rejected')).find((r) => r.reason === 'invalid-data')!;
  expect(String(invalidData.detail)).toContain('data.shifts.0.end');
  expect(await stack.queueDepth('Ingest', 'dlq')).toBe(0);
});
