/**
 * Per-supplier usage plans through the local mode (issue 12, ADR 0036), at the deployed limits:
 * one supplier hammering the API gets API Gateway's 429 (THROTTLED, its Retry-After) once its own
 * key's bucket is empty, while another supplier's paced requests all go through; the plan applies
 * after the authorizer (bad credentials are 401, never 429); and a new API key of a supplier shares
 * that supplier's bucket (the same usage key).
 */
import { gatewayAnswer } from '../../lib/gateway-responses';
import { usagePlan } from '../../src/catalog/usage-plans';
import { startTestStack, type TestStack } from './support/stack';

jest.setTimeout(120_000);

let stack: TestStack;

beforeAll(async () => {
  // What this file checks is answered by the API functions alone: no queue consumers or
  // real-time server to start (ADR 0037).
  stack = await startTestStack({ apiOnly: true, throttling: 'deployed' });
});
afterAll(async () => {
  await stack?.cleanup();
});

const plan = usagePlan('suppliers');
const get = (key: string) => stack.call('GET', '/v1/reviews/summary', { key });

it("throttles a noisy supplier at its own key's limit without starving a quiet one", async () => {
  const noisy = await stack.newSupplier('Noisy Importer');
  const quiet = await stack.newSupplier('Quiet Florist');
  // Twice the key's burst at once: more than its bucket holds, far less than the stage's burst.
  const HAMMER = plan.throttle.burstLimit * 2;
  expect(HAMMER).toBeLessThan(stack.config.api.throttlingBurstLimit);
  const hammering = Promise.all(Array.from({ length: HAMMER }, () => get(noisy.apiKey)));
  // The quiet supplier, meanwhile and after: a request every 100 ms (well under its own rate).
  const quietStatuses: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    quietStatuses.push((await get(quiet.apiKey)).status);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const noisyAnswers = await hammering;

  expect(quietStatuses).toEqual(Array.from({ length: 10 }, () => 200));
  const statuses = noisyAnswers.map((r) => r.status);
  expect(new Set(statuses)).toEqual(new Set([200, 429]));
  // The bucket lets its burst through and a little refill, never the whole hammer.
  expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(plan.throttle.burstLimit);
  expect(statuses.filter((s) => s === 200).length).toBeLessThan(HAMMER);

  // Exactly API Gateway's THROTTLED gateway response, as deployed.
  const expected = gatewayAnswer('THROTTLED', stack.config.api, 'any');
  for (const answer of noisyAnswers.filter((r) => r.status === 429)) {
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.headers.get('retry-after')).toBe(expected.headers['Retry-After']);
    expect(answer.json).toEqual({ ...expected.problem, requestId: expect.any(String) });
  }
});

it('checks the credentials before the plan: a bad key is 401, never 429', async () => {
  const supplier = await stack.newSupplier('Burst Then Bad Key');
  await Promise.all(Array.from({ length: plan.throttle.burstLimit * 2 }, () => get(supplier.apiKey)));
  const wrong = await stack.call('GET', '/v1/reviews/summary', {
    headers: { authorization: 'Bearer wsk_not-a-real-key' },
  });
  expect(wrong.status).toBe(401);
});

it("meters a supplier's second API key with its first (one usage key per supplier)", async () => {
  const supplier = await stack.newSupplier('Two Keys');
  const created = await stack.call('POST', '/v1/api-keys', {
    key: supplier.apiKey,
    body: { label: 'second' },
  });
  expect(created.status).toBe(201);
  const secondKey = String(created.json.apiKey);
  // Stored with the same usage key as the first (the authorizer's item of each key).
  const keyItems = (await stack.scanAll('Tenants')).filter(
    (item) => item.sk === 'APIKEY' && item.supplierId === supplier.supplierId,
  );
  expect(keyItems).toHaveLength(2);
  expect(new Set(keyItems.map((item) => item.usageKey)).size).toBe(1);
  // Empty the bucket with the first key, then hammer with the second: it finds the bucket nearly
  // empty (a few tokens refill meanwhile), where a bucket of its own would let its burst through.
  await Promise.all(Array.from({ length: plan.throttle.burstLimit * 2 }, () => get(supplier.apiKey)));
  const second = await Promise.all(Array.from({ length: plan.throttle.burstLimit }, () => get(secondKey)));
  expect(second.filter((r) => r.status === 200).length).toBeLessThan(plan.throttle.burstLimit / 2);
  expect(second.some((r) => r.status === 429)).toBe(true);
  // Another supplier is untouched.
  const other = await stack.newSupplier('Untouched');
  expect((await get(other.apiKey)).status).toBe(200);
});
