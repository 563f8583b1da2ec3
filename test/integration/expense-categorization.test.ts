/**
 * Couples' expenses recorded without a category (producer envelopes on the ingest queue) get one
 * from the expense model, announced as budget.expense.categorized with its confidence (or `other`
 * with the top three candidates when the model is unsure), delivered to the platform's webhook,
 * and the categorised expense counts towards that category's budget thresholds.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { PLATFORM_SUPPLIER_ID } from '../../src/events';
import { createSupplierWithKey } from '../../src/access/use-cases/create-supplier';
import { eventually, startTestStack, type TestStack } from './support/stack';
import { startReceiver, type Receiver } from './webhooks/support/receivers';

jest.setTimeout(90_000);

let stack: TestStack;
let hooks: Receiver;

beforeAll(async () => {
  stack = await startTestStack();
  hooks = await startReceiver('healthy');
});
afterAll(async () => {
  await hooks?.close();
  await stack?.cleanup();
});

let seq = 0;
const envelope = (type: string, data: Record<string, unknown>) => ({
  specversion: '1.0',
  id: `exp-${++seq}`,
  source: 'urn:wedsync:budget-service',
  type,
  time: new Date(Date.UTC(2026, 4, 1, 12, 0, seq)).toISOString(),
  datacontenttype: 'application/json',
  data,
});

it('categorises uncategorised expenses and counts them towards that budget', async () => {
  const app = await createSupplierWithKey(new DynamoTenantStore(stack.doc, stack.tableName('Tenants')), {
    name: 'WedSync app',
    supplierId: PLATFORM_SUPPLIER_ID,
  });
  const created = await stack.call('POST', '/v1/webhook-endpoints', {
    key: app.apiKey,
    body: { url: hooks.url, eventTypes: ['budget.expense.categorized', 'budget.threshold.exceeded'] },
  });
  expect(created.status).toBe(201);
  hooks.secrets = [String(created.json.secret)];

  const couple = { coupleId: 'cpl_9', weddingId: 'wed_9' };
  const expense = (expenseId: string, description: string, amount: string) =>
    envelope('budget.expense.recorded', {
      ...couple,
      expenseId,
      amount,
      currency: 'GBP',
      description,
      date: '2026-04-30',
    });
  await stack.sqsClient.send(
    new SendMessageBatchCommand({
      QueueUrl: stack.queues.Ingest.url,
      Entries: [
        envelope('budget.category.updated', {
          ...couple,
          category: 'flowers',
          allocation: '500',
          currency: 'GBP',
        }),
        expense('x1', 'Deposit for the florist', '450'),
        expense('x2', 'DJ balance', '300'),
        expense('x3', 'qwzx plmk', '10'),
      ].map((body, i) => ({ Id: String(i), MessageBody: JSON.stringify(body) })),
    }),
  );

  const categorized = () =>
    new Map(
      [...hooks.bodies.values()]
        .filter((b) => b.type === 'budget.expense.categorized')
        .map((b) => [(b.data as { expenseId: string }).expenseId, b.data as Record<string, unknown>]),
    );
  await eventually(async () => categorized().size === 3, 'three categorisations delivered', 60_000);
  expect(categorized().get('x1')).toMatchObject({
    category: 'flowers',
    source: 'model',
    confidence: expect.any(Number),
    modelVersion: expect.stringMatching(/^expense-category@/),
    variant: 'control',
  });
  expect(categorized().get('x2')).toMatchObject({ category: 'music-and-entertainment', source: 'model' });
  const unsure = categorized().get('x3')!;
  expect(unsure).toMatchObject({ category: 'other' });
  expect(unsure.candidates).toHaveLength(3);

  // 450 of a 500 allocation is 90 %: the model's category counted towards the flowers budget.
  await eventually(
    async () => [...hooks.bodies.values()].some((b) => b.type === 'budget.threshold.exceeded'),
    'threshold delivered',
    30_000,
  );
  const thresholds = [...hooks.bodies.values()].filter((b) => b.type === 'budget.threshold.exceeded');
  // (Allocation and expense arrive in one batch: whichever lands second names the crossing.)
  expect(thresholds.map((b) => b.data)).toEqual([
    expect.objectContaining({ category: 'flowers', thresholdPercent: 80, spent: '450', allocation: '500' }),
  ]);
});
