/**
 * A provisioned table over its capacity (ADR 0035), through the local mode: DynamoDB Local never
 * throttles, so the stack's store endpoint is a loopback proxy in front of the shared DynamoDB
 * Local that, while switched on, answers reads of the Reviews table exactly as DynamoDB answers a
 * throttled request (HTTP 400, `ProvisionedThroughputExceededException` in the JSON 1.0 error
 * body) and passes everything else through. The Api function's real SDK client retries, gives up,
 * and the API answers 503 with Retry-After and the throttle's detail; POST /v1/reviews, which does
 * not read the store, keeps answering 202; once the proxy stops refusing, reads answer 200.
 * The authorizer's own read (the Tenants table, for a key it has not cached) throttled the same way
 * makes API Gateway answer AUTHORIZER_FAILURE: 503 with Retry-After too, never 500.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STORE_THROTTLE_RETRY_AFTER_SECONDS } from '../../src/shared/store-throttle';
import { gatewayAnswer } from '../../lib/gateway-responses';
import { startTestStack, type TestStack } from './support/stack';
import { SHARED_DYNAMODB_ENV } from './support/shared-store';

jest.setTimeout(120_000);

const THROTTLED_OPERATIONS = new Set(['GetItem', 'Query', 'BatchGetItem']);

interface ThrottlingProxy {
  readonly endpoint: string;
  throttleTable: string | undefined;
  /** Requests answered with a throttle so far. */
  throttled: number;
  close(): Promise<void>;
}

async function startThrottlingProxy(target: string): Promise<ThrottlingProxy> {
  const upstream = new URL(target);
  const state = { throttleTable: undefined as string | undefined, throttled: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const text = body.toString('utf8');
      const table = state.throttleTable;
      if (table && THROTTLED_OPERATIONS.has(operation) && text.includes(`"${table}"`)) {
        state.throttled += 1;
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message:
              'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
          }),
        );
        return;
      }
      const forwarded = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => res.destroy());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

let proxy: ThrottlingProxy;
let stack: TestStack;

beforeAll(async () => {
  const shared = process.env[SHARED_DYNAMODB_ENV];
  if (!shared) throw new Error(`${SHARED_DYNAMODB_ENV} is not set: run through the integration project`);
  proxy = await startThrottlingProxy(shared);
  stack = await startTestStack({ dynamoDbEndpoint: proxy.endpoint });
});
afterAll(async () => {
  await stack?.cleanup();
  await proxy?.close();
});

it('answers reads of a throttled table 503 + Retry-After, keeps accepting reviews, and recovers', async () => {
  const supplier = await stack.newSupplier('Throttled Supplier');
  const review = {
    rating: 5,
    title: 'Lovely',
    body: 'Flowers on time.',
    reviewerName: 'A',
    platform: 'google',
    externalId: 'throttle-1',
  };
  // Warm: the authorizer has the key cached, the reads work.
  expect((await stack.call('GET', '/v1/reviews?limit=5', { key: supplier.apiKey })).status).toBe(200);

  proxy.throttleTable = stack.tableName('Reviews');
  for (const path of ['/v1/reviews?limit=5', '/v1/reviews/summary']) {
    const response = await stack.call('GET', path, { key: supplier.apiKey });
    expect({ path, status: response.status }).toEqual({ path, status: 503 });
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe(String(STORE_THROTTLE_RETRY_AFTER_SECONDS));
    expect(response.json).toMatchObject({
      type: 'urn:wedsync:problem:service-unavailable',
      status: 503,
      detail: expect.stringContaining('over its storage capacity'),
    });
    expect(JSON.stringify(response.json)).not.toMatch(/throughput|Reviews|UpdateTable/i);
  }
  // The SDK retried each refused read before giving up (3 attempts).
  expect(proxy.throttled).toBeGreaterThanOrEqual(2 * 3);
  // Submissions go to the queue, not to the table: unaffected.
  expect((await stack.call('POST', '/v1/reviews', { key: supplier.apiKey, body: review })).status).toBe(202);

  proxy.throttleTable = undefined;
  expect((await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey })).status).toBe(200);
});

it("answers 503 + Retry-After while the authorizer's key lookup is throttled, then authorizes", async () => {
  // A key nobody has used: neither the gateway nor the authorizer's container has it cached.
  const supplier = await stack.newSupplier('Cold Key Supplier');
  const before = proxy.throttled;
  proxy.throttleTable = stack.tableName('Tenants');
  try {
    const response = await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey });
    const expected = gatewayAnswer(
      'AUTHORIZER_FAILURE',
      { throttlingRateLimit: 1, throttlingBurstLimit: 1 },
      '',
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(String(STORE_THROTTLE_RETRY_AFTER_SECONDS));
    expect(response.json).toMatchObject({
      type: 'urn:wedsync:problem:service-unavailable',
      status: 503,
      detail: expected.problem.detail,
    });
    expect(proxy.throttled).toBeGreaterThan(before);
  } finally {
    proxy.throttleTable = undefined;
  }
  expect((await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey })).status).toBe(200);
});
