/**
 * Fault injection: DynamoDB Local is stopped while reviews are flowing, long enough that some
 * messages exhaust their receives and land in the DLQ, then started again. The API keeps
 * answering 202 throughout (it does not touch the store; the authorizer serves its cached key),
 * and after the documented redrive (`npm run cli -- redrive Ingest`) every accepted review is
 * in the table.
 */
import { runCli } from '../../scripts/cli';
import { countReviews, eventually, startTestStack, type TestStack } from './support/stack';
import { runWithConcurrency } from './support/load';

jest.setTimeout(180_000);

let stack: TestStack;

beforeAll(async () => {
  // Persistent store, so data written before the outage survives the restart; 1 s visibility
  // so that 5 receives (maxReceiveCount) pass well within the outage.
  stack = await startTestStack({ persistent: true, visibilityTimeoutSeconds: 1 });
});
afterAll(async () => {
  await stack?.cleanup();
});

it('loses nothing when the store goes down mid-flow', async () => {
  const supplier = await stack.newSupplier('Outage Supplier');
  const TOTAL = 300;
  const accepted = new Set<string>();
  const statuses: number[] = [];
  let outage: Promise<void> | undefined;
  let dlqDuringOutage = 0;

  await runWithConcurrency(
    Array.from({ length: TOTAL }, (_, i) => i),
    4,
    async (i) => {
      if (i === 100) {
        outage = (async () => {
          await stack.dynamoDb.stop();
          await eventually(
            async () => (await stack.queueDepth('Ingest', 'dlq')) > 0,
            'messages reaching the DLQ during the outage',
            60_000,
          );
          dlqDuringOutage = await stack.queueDepth('Ingest', 'dlq');
          await stack.dynamoDb.restart();
        })();
      }
      const response = await stack.call('POST', '/v1/reviews', {
        key: supplier.apiKey,
        body: {
          rating: 4,
          title: `Outage ${i}`,
          body: 'Flowers on time.',
          reviewerName: 'A',
          platform: 'facebook',
          externalId: `fb-${i}`,
        },
      });
      statuses.push(response.status);
      if (response.status === 202) accepted.add(String(response.json.reviewId));
      // Keep the flow going across the outage rather than finishing before it starts.
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
  );
  await outage;

  expect(statuses.every((s) => s === 202)).toBe(true);
  expect(accepted.size).toBe(TOTAL);
  expect(dlqDuringOutage).toBeGreaterThan(0);

  await eventually(
    async () => (await stack.queueDepth('Ingest')) === 0,
    'ingest queue drained after the restart',
    60_000,
  );

  // The runbook step: move the DLQ back to the ingest queue.
  const lines: string[] = [];
  expect(await runCli(['redrive', 'Ingest'], (line) => lines.push(line))).toBe(0);
  expect(lines.at(-1)).toMatch(/redrive of Ingest: \d+ moved, 0 could not be sent/);

  await eventually(
    async () => (await countReviews(stack, supplier.supplierId)) === TOTAL,
    'every accepted review stored',
    90_000,
  ).catch(async (error: Error) => {
    // Failed once in a whole CI run (5 December, 15:30) and never alone: say where the missing
    // reviews' messages are (back in the DLQ after the redrive, or still in the queue).
    const stored = await countReviews(stack, supplier.supplierId);
    const where = `ingest ${await stack.queueDepth('Ingest')}, DLQ ${await stack.queueDepth('Ingest', 'dlq')}`;
    throw new Error(
      `${error.message}: ${stored} of ${TOTAL} stored; messages: ${where}; redrive: ${lines.at(-1)}`,
    );
  });
  const stored = (await stack.scanAll('Reviews')).filter((item) => item.entity === 'review');
  expect(new Set(stored.map((item) => item.reviewId))).toEqual(accepted);
  expect(await stack.queueDepth('Ingest', 'dlq')).toBe(0);
  const summary = await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey });
  expect(summary.json.count).toBe(TOTAL);
});
