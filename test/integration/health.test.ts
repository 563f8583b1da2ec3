/**
 * GET /v1/health against the local mode (the same Api handler as Lambda, issue 11): public, 200
 * with every dependency probed; 503 naming the dependency that stopped answering (here the ingest
 * queue, deleted from the queue emulator), as Route 53's health checks need it.
 */
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { healthReportSchema } from '../../src/recovery';
import { startTestStack, type TestStack } from './support/stack';

jest.setTimeout(60_000);

let stack: TestStack;

beforeAll(async () => {
  // What this file checks is answered by the API functions alone: no queue consumers or
  // real-time server to start (ADR 0037).
  stack = await startTestStack({ apiOnly: true });
});

afterAll(async () => {
  await stack?.cleanup();
});

it('answers 200 without credentials when DynamoDB, SQS and the signing secret answer', async () => {
  const response = await stack.call('GET', '/v1/health');
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const report = healthReportSchema().parse(response.json);
  expect(report).toMatchObject({
    status: 'ok',
    region: stack.region,
    checks: { dynamodb: { status: 'ok' }, sqs: { status: 'ok' }, secrets: { status: 'ok' } },
  });
});

it('answers 503 naming the failed check when the ingest queue is gone, and the others still ok', async () => {
  await stack.sqsClient.send(new DeleteQueueCommand({ QueueUrl: stack.queues.Ingest.url }));
  const response = await stack.call('GET', '/v1/health');
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.json).toMatchObject({
    type: 'urn:wedsync:problem:service-unavailable',
    status: 503,
    detail: 'dependency check failed: sqs',
    region: stack.region,
    checks: { dynamodb: { status: 'ok' }, sqs: { status: 'failed' }, secrets: { status: 'ok' } },
  });
});
