/**
 * A stalled store, not a dead one: DynamoDB Local is frozen (SIGSTOP) while reviews flow, so its
 * port still accepts connections but never answers. Because every SDK client has connection and
 * request timeouts inside the function's deadline, reads answer a fast 503 with Retry-After
 * instead of hanging, and POST /v1/reviews (which never touches DynamoDB) keeps answering 202.
 * After SIGCONT every accepted review ends in the table. The process is always thawed.
 */
import { functionDefinition } from '../../src/catalog/functions';
import { countReviews, eventually, startTestStack, type TestStack } from './support/stack';
import { freeze } from '../support/processes';

jest.setTimeout(120_000);

let stack: TestStack;

beforeAll(async () => {
  // A visibility timeout longer than a worker's stalled attempts: messages come back, not to the DLQ.
  stack = await startTestStack({ ownStore: true, visibilityTimeoutSeconds: 10 });
});
afterAll(async () => {
  await stack?.cleanup();
});

it('answers reads 503 + Retry-After within the deadline and still accepts reviews while the store is frozen', async () => {
  const supplier = await stack.newSupplier('Freeze Supplier');
  const accepted = new Set<string>();
  let n = 0;
  const submit = async () => {
    n += 1;
    const response = await stack.call('POST', '/v1/reviews', {
      key: supplier.apiKey,
      body: {
        rating: 4,
        title: `Freeze ${n}`,
        body: 'On time.',
        reviewerName: 'A',
        platform: 'google',
        externalId: `freeze-${n}`,
      },
    });
    return response;
  };
  // Warm up: the authorizer knows the key, the clients have connections.
  for (let i = 0; i < 5; i += 1) {
    const response = await submit();
    expect(response.status).toBe(202);
    accepted.add(String(response.json.reviewId));
  }
  expect((await stack.call('GET', '/v1/reviews?limit=1', { key: supplier.apiKey })).status).toBe(200);

  const pid = stack.dynamoDb.pid;
  expect(pid).toEqual(expect.any(Number));
  const deadlineMs = functionDefinition('Api').timeoutSeconds * 1000;
  const readTimes: number[] = [];
  const readAnswers: Record<string, unknown>[] = [];
  const writeStatuses: number[] = [];
  // Mid-load: writes keep flowing while the reads stall, until the reads are answered (or fail).
  let frozen = true;
  try {
    await freeze(pid!);
    const writes = (async () => {
      while (frozen) {
        const response = await submit();
        writeStatuses.push(response.status);
        if (response.status === 202) accepted.add(String(response.json.reviewId));
      }
    })();
    // The three reads at once (each waits out its own SDK timeouts; one after another they kept
    // the store frozen three times as long), each timed on its own.
    const reads = await Promise.all(
      ['/v1/reviews?limit=5', '/v1/reviews/summary', '/v1/webhook-endpoints'].map(async (path) => {
        const started = Date.now();
        const response = await stack.call('GET', path, { key: supplier.apiKey });
        return { path, ms: Date.now() - started, response };
      }),
    );
    frozen = false;
    await writes;
    for (const { path, ms, response } of reads) {
      readTimes.push(ms);
      // Whole answers, so that a failure shows what came back instead (status, type, body, time).
      readAnswers.push({
        path,
        status: response.status,
        contentType: response.headers.get('content-type'),
        retryAfter: Number(response.headers.get('retry-after')) > 0,
        ...(response.status === 503 ? {} : { body: response.json, ms }),
      });
    }
  } finally {
    frozen = false;
    process.kill(pid!, 'SIGCONT');
  }

  expect(readAnswers).toEqual(
    ['/v1/reviews?limit=5', '/v1/reviews/summary', '/v1/webhook-endpoints'].map((path) => ({
      path,
      status: 503,
      contentType: 'application/problem+json',
      retryAfter: true,
    })),
  );
  // Three attempts of two seconds each and the back-off (sdkTimeouts) end inside the API's 10 s
  // deadline: the answers are the function's 503, not a timeout the gateway cut off. (Timed from
  // the client, they once took 7.7 s with two test files side by side: the machine's load, so the
  // bound is the deadline itself, not a margin under it.)
  for (const ms of readTimes) expect(ms).toBeLessThan(deadlineMs);
  expect(writeStatuses.length).toBeGreaterThan(0);
  expect(writeStatuses.filter((s) => s !== 202)).toEqual([]);

  // Thawed: reads work again and every accepted review is stored.
  await eventually(
    async () => (await stack.call('GET', '/v1/reviews?limit=1', { key: supplier.apiKey })).status === 200,
    'reads answering again',
  );
  await eventually(
    async () => (await countReviews(stack, supplier.supplierId)) === accepted.size,
    `all ${accepted.size} accepted reviews stored`,
    90_000,
  );
  expect(await stack.queueDepth('Ingest', 'dlq')).toBe(0);
});
