/**
 * Replay jobs and endpoint limits against the local mode (DynamoDB Local, fauxqs, the worker
 * host polling Replays with the ReplayWorker) and a verifying receiver on 127.0.0.1:
 * - a replay answers 202 with a job and its Location; its progress goes queued/running ->
 *   completed with the counts; the receiver gets each replayed event exactly once more;
 * - a second replay while one is in progress: 429 with Retry-After;
 * - the 21st endpoint of a supplier is refused (409), and 25 concurrent creates never pass 20;
 * - the endpoint list, a page at a time, returns every endpoint once.
 */
import { SqsEventPublisher } from '../../../src/events/adapters/sqs-event-publisher';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { startReceiver, type Receiver } from './support/receivers';
import { reviewEvent } from './support/review-events';

jest.setTimeout(120_000);

let stack: TestStack;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startTestStack();
  receiver = await startReceiver('healthy');
});
afterAll(async () => {
  await receiver?.close();
  await stack?.cleanup();
});

const received = (supplierId: string, i: number) =>
  reviewEvent({ idPrefix: 'evt_replay', type: 'review.received', rating: 5, title: 'Lovely' }, supplierId, i);

async function createEndpoint(apiKey: string, eventTypes = ['review.received']) {
  return stack.call('POST', '/v1/webhook-endpoints', {
    key: apiKey,
    body: { url: receiver.url, eventTypes },
  });
}

it('runs a replay as a job: 202 with Location, progress until completed, each event once more', async () => {
  const supplier = await stack.newSupplier('Replay Supplier');
  const created = await createEndpoint(supplier.apiKey);
  const id = String(created.json.id);
  receiver.secrets.push(String(created.json.secret));
  const publisher = new SqsEventPublisher(stack.sqsClient, stack.queues.Events.url, 'test/replay');
  const count = 150; // more than one chunk of the event log (100)
  const ids = Array.from({ length: count }, (_, i) => `evt_replay_${supplier.supplierId}_${i}`);
  for (let i = 0; i < count; i += 10) {
    await publisher.publish(Array.from({ length: 10 }, (_, j) => received(supplier.supplierId, i + j)));
  }
  await eventually(
    async () => ids.every((e) => receiver.byWebhookId.get(e) === 1),
    'first deliveries',
    60_000,
  ).catch((error: Error) => {
    const tally = new Map<number, number>();
    for (const e of ids) {
      const n = receiver.byWebhookId.get(e) ?? 0;
      tally.set(n, (tally.get(n) ?? 0) + 1);
    }
    throw new Error(`${error.message} (events by times received: ${JSON.stringify([...tally])})`);
  });

  const started = await stack.call('POST', `/v1/webhook-endpoints/${id}/replay`, {
    key: supplier.apiKey,
    body: { since: new Date(Date.now() - 3600_000).toISOString() },
  });
  expect(started.status).toBe(202);
  const jobId = String(started.json.id);
  expect(started.json).toMatchObject({
    endpointId: id,
    status: 'queued',
    counts: { found: 0, enqueued: 0 },
  });
  expect(started.headers.get('location')).toBe(`/v1/webhook-endpoints/${id}/replays/${jobId}`);

  // A second replay while the first is queued or running.
  const second = await stack.call('POST', `/v1/webhook-endpoints/${id}/replay`, {
    key: supplier.apiKey,
    body: { since: new Date(Date.now() - 3600_000).toISOString() },
  });
  expect(second.status).toBe(429);
  expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(second.headers.get('content-type')).toContain('application/problem+json');

  const seen = new Set<string>();
  let job: Record<string, unknown> = started.json;
  await eventually(async () => {
    const progress = await stack.call('GET', `/v1/webhook-endpoints/${id}/replays/${jobId}`, {
      key: supplier.apiKey,
    });
    expect(progress.status).toBe(200);
    job = progress.json;
    seen.add(String(job.status));
    return job.status === 'completed';
  }, 'the replay job to complete');
  expect(job).toMatchObject({ status: 'completed', counts: { found: count, enqueued: count } });
  expect([...seen].every((s) => ['queued', 'running', 'completed'].includes(s))).toBe(true);
  await eventually(async () => ids.every((e) => receiver.byWebhookId.get(e) === 2), 'replayed deliveries');
  // Nothing more arrives: each event was replayed exactly once.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  expect(ids.filter((e) => receiver.byWebhookId.get(e) !== 2)).toEqual([]);
  expect(receiver.unverified).toBe(0);

  // Another supplier cannot see the job; an unknown job id is a 404 too.
  const other = await stack.newSupplier('Replay Other');
  expect(
    (await stack.call('GET', `/v1/webhook-endpoints/${id}/replays/${jobId}`, { key: other.apiKey })).status,
  ).toBe(404);
  expect(
    (
      await stack.call('GET', `/v1/webhook-endpoints/${id}/replays/rpl_00000000000000000000000000`, {
        key: supplier.apiKey,
      })
    ).status,
  ).toBe(404);
  // Once it completed, the next replay is admitted.
  const third = await stack.call('POST', `/v1/webhook-endpoints/${id}/replay`, {
    key: supplier.apiKey,
    body: { since: new Date(Date.now() - 60_000).toISOString() },
  });
  expect(third.status).toBe(202);
});

it('caps endpoints at 20 per supplier, also under 25 concurrent creates', async () => {
  const serial = await stack.newSupplier('Cap Serial');
  for (let i = 0; i < 20; i += 1) expect((await createEndpoint(serial.apiKey)).status).toBe(201);
  const refused = await createEndpoint(serial.apiKey);
  expect(refused.status).toBe(409);
  expect(refused.json).toMatchObject({ status: 409, detail: expect.stringContaining('at most 20') });
  // Deleting one frees a place.
  const page = await stack.call('GET', '/v1/webhook-endpoints?limit=1', { key: serial.apiKey });
  const first = (page.json.items as { id: string }[])[0]!.id;
  expect((await stack.call('DELETE', `/v1/webhook-endpoints/${first}`, { key: serial.apiKey })).status).toBe(
    204,
  );
  expect((await createEndpoint(serial.apiKey)).status).toBe(201);

  const racing = await stack.newSupplier('Cap Race');
  const results = await Promise.all(Array.from({ length: 25 }, () => createEndpoint(racing.apiKey)));
  const statuses = results.map((r) => r.status);
  expect(statuses.filter((s) => s === 201)).toHaveLength(20);
  expect(statuses.filter((s) => s === 409)).toHaveLength(5);
  const all = await stack.call('GET', '/v1/webhook-endpoints?limit=100', { key: racing.apiKey });
  expect(all.json.items).toHaveLength(20);
});

it('lists endpoints a page at a time, every endpoint exactly once', async () => {
  const supplier = await stack.newSupplier('Pages');
  const created = new Set<string>();
  for (let i = 0; i < 7; i += 1) created.add(String((await createEndpoint(supplier.apiKey)).json.id));
  const listed: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const query = `limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await stack.call('GET', `/v1/webhook-endpoints?${query}`, { key: supplier.apiKey });
    expect(page.status).toBe(200);
    expect(JSON.stringify(page.json)).not.toContain('whsec_');
    listed.push(...(page.json.items as { id: string }[]).map((e) => e.id));
    cursor = page.json.nextCursor as string | undefined;
    pages += 1;
  } while (cursor && pages < 10);
  expect(listed).toHaveLength(7);
  expect(new Set(listed)).toEqual(created);
  expect(pages).toBeGreaterThanOrEqual(3);
  // Another supplier's cursor and a bad limit are 400s.
  const other = await stack.newSupplier('Pages Other');
  const first = await stack.call('GET', '/v1/webhook-endpoints?limit=3', { key: supplier.apiKey });
  const foreign = await stack.call(
    'GET',
    `/v1/webhook-endpoints?cursor=${encodeURIComponent(String(first.json.nextCursor))}`,
    { key: other.apiKey },
  );
  expect(foreign.status).toBe(400);
  expect((await stack.call('GET', '/v1/webhook-endpoints?limit=0', { key: supplier.apiKey })).status).toBe(
    400,
  );
});
