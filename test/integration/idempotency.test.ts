/**
 * Idempotency-Key through the local stack (gateway -> authorizer -> API handler -> Powertools
 * idempotency on DynamoDB Local -> ingest queue). The ingest worker is paused, so the queue depth
 * counts exactly what the API enqueued.
 */
import { problemType } from '../../src/shared/problem';
import { startTestStack, type TestStack } from './support/stack';

jest.setTimeout(120_000);

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ ownStore: true });
  await stack.workers.pause('Ingest');
});
afterAll(async () => {
  await stack?.cleanup();
});

const review = (title: string, rating = 5) => ({
  rating,
  title,
  body: 'The flowers were perfect.',
  reviewerName: 'Jo & Max',
});

const post = (apiKey: string, key: string, body: unknown, path = '/v1/reviews') =>
  stack.call('POST', path, { key: apiKey, body, headers: { 'idempotency-key': key } });

it('replays the same answer for the same key and body and enqueues nothing new', async () => {
  const supplier = await stack.newSupplier('Replay Supplier');
  const before = await stack.queueDepth('Ingest');

  const first = await post(supplier.apiKey, 'import-42', review('Lovely'));
  const second = await post(supplier.apiKey, 'import-42', review('Lovely'));

  expect(first.status).toBe(202);
  expect(first.headers.get('idempotent-replayed')).toBeNull();
  expect(second.status).toBe(202);
  expect(second.json).toEqual(first.json);
  expect(second.headers.get('location')).toBe(first.headers.get('location'));
  expect(second.headers.get('idempotent-replayed')).toBe('true');
  expect(await stack.queueDepth('Ingest')).toBe(before + 1);

  // The key is kept for 24 hours (the table's TTL attribute), never the body itself.
  const records = await stack.scanAll('Idempotency');
  const record = records.find((r) => JSON.stringify(r.data ?? '').includes(String(first.json.reviewId)));
  expect(record).toMatchObject({ status: 'COMPLETED' });
  expect(Number(record!.expiration)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 24 * 3600 - 120);
  expect(JSON.stringify(record)).not.toContain('The flowers were perfect.');
});

it('refuses the same key with a different body: 422 idempotency-key-reuse, nothing enqueued', async () => {
  const supplier = await stack.newSupplier('Reuse Supplier');
  await post(supplier.apiKey, 'import-7', review('Lovely'));
  const before = await stack.queueDepth('Ingest');

  const reused = await post(supplier.apiKey, 'import-7', review('Lovely', 1));

  expect(reused.status).toBe(422);
  expect(reused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reused.json.type).toBe(problemType('idempotency-key-reuse'));
  expect(await stack.queueDepth('Ingest')).toBe(before);
});

it('scopes keys per supplier: another supplier may use the same key', async () => {
  const a = await stack.newSupplier('Scope A');
  const b = await stack.newSupplier('Scope B');
  const fromA = await post(a.apiKey, 'shared-key', review('From A'));
  const fromB = await post(b.apiKey, 'shared-key', review('From B', 3));
  expect([fromA.status, fromB.status]).toEqual([202, 202]);
  expect(fromB.json.reviewId).not.toBe(fromA.json.reviewId);
  expect(fromB.headers.get('idempotent-replayed')).toBeNull();
});

it('answers 10 concurrent requests with one key with one queued message and no 5xx', async () => {
  const supplier = await stack.newSupplier('Concurrent Supplier');
  const before = await stack.queueDepth('Ingest');

  const responses = await Promise.all(
    Array.from({ length: 10 }, () => post(supplier.apiKey, 'burst-1', review('Burst'))),
  );

  const statuses = responses.map((r) => r.status);
  expect(statuses.every((s) => s === 202 || s === 409)).toBe(true);
  const accepted = responses.filter((r) => r.status === 202);
  expect(accepted.length).toBeGreaterThanOrEqual(1);
  expect(new Set(accepted.map((r) => r.json.reviewId)).size).toBe(1);
  for (const conflict of responses.filter((r) => r.status === 409)) {
    expect(conflict.json.type).toBe(problemType('idempotency-key-in-flight'));
    expect(conflict.headers.get('retry-after')).toBe('1');
  }
  expect(accepted.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);
  expect(await stack.queueDepth('Ingest')).toBe(before + 1);
});

it('replays a created review request (same id and token) instead of creating a second', async () => {
  const supplier = await stack.newSupplier('Requests Supplier');
  // A shareable link (201 with its token): a replay must give the very same token back.
  const body = { coupleName: 'Jo & Max', weddingDate: '2026-06-20', delivery: 'link' };
  const first = await post(supplier.apiKey, 'rrq-1', body, '/v1/review-requests');
  const again = await post(supplier.apiKey, 'rrq-1', body, '/v1/review-requests');
  expect(first.status).toBe(201);
  expect(again.status).toBe(201);
  expect(again.json).toEqual(first.json);
  const stored = (await stack.scanAll('ReviewRequests')).filter((r) => r.supplierId === supplier.supplierId);
  expect(stored).toHaveLength(1);
  // The same key on another operation is a reuse.
  expect((await post(supplier.apiKey, 'rrq-1', review('x'))).status).toBe(422);
});

it('answers 503 with Retry-After for a keyed request while the key store is down; unkeyed reviews still get 202', async () => {
  const supplier = await stack.newSupplier('Outage Supplier');
  // Warm the authorizer's cache for this key (it serves it while the table is unreachable).
  expect((await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey })).status).toBe(200);
  await stack.dynamoDb.stop();
  try {
    const keyed = await post(supplier.apiKey, 'during-outage', review('Outage'));
    expect(keyed.status).toBe(503);
    expect(keyed.headers.get('retry-after')).toBe('5');
    expect(JSON.stringify(keyed.json)).not.toMatch(/ECONNREFUSED|stack|at /);

    const unkeyed = await stack.call('POST', '/v1/reviews', {
      key: supplier.apiKey,
      body: { ...review('Outage'), platform: 'google', externalId: 'g-outage' },
    });
    expect(unkeyed.status).toBe(202);
  } finally {
    await stack.dynamoDb.restart();
  }
});
