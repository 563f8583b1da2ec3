/**
 * The local mode's `apiOnly` stack (local/stack.ts; the bench's 100k queries run on one): the API
 * serves reads and writes on the same emulators and tables, an accepted review waits in the Ingest
 * queue (no consumer runs), and what it did not start (the queue consumers, the real-time server)
 * refuses to be used instead of failing later.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queueDepth } from '../../local/inspect';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { createSupplierWithKey } from '../../src/access/use-cases/create-supplier';
import { tableDefinition } from '../../src/catalog/tables';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { SHARED_DYNAMODB_ENV } from './support/shared-store';

jest.setTimeout(120_000);

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    apiOnly: true,
    throttling: 'off',
    quietFunctions: true,
    dynamoDbEndpoint: process.env[SHARED_DYNAMODB_ENV],
  });
});

afterAll(async () => {
  await stack?.stop();
});

it('answers GET and POST /v1/reviews; the accepted review stays queued, as no consumer runs', async () => {
  const doc = DynamoDBDocumentClient.from(stack.dynamoClient);
  const supplier = await createSupplierWithKey(
    new DynamoTenantStore(doc, stack.env[tableDefinition('Tenants').envVar]!),
    { name: 'Api only' },
  );
  const headers = { authorization: `Bearer ${supplier.apiKey}`, 'content-type': 'application/json' };
  const list = await fetch(`${stack.apiUrl}/v1/reviews?limit=5`, { headers });
  expect(list.status).toBe(200);
  expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);

  const post = await fetch(`${stack.apiUrl}/v1/reviews`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      rating: 5,
      title: 'Lovely',
      body: 'The flowers were beautiful and arrived early.',
      reviewerName: 'A couple',
      platform: 'google',
      externalId: 'api-only-1',
    }),
  });
  expect(post.status).toBe(202);
  expect(await queueDepth(stack.sqsClient, stack.queues.Ingest.url)).toBe(1);
});

it('refuses the queue consumers and the real-time server it did not start', async () => {
  await expect(stack.workers.pause()).rejects.toThrow(/apiOnly/);
  expect(() => stack.realtimeUrl).toThrow(/apiOnly/);
  expect(() => stack.realtimeHandlersInFlight()).toThrow(/apiOnly/);
});
