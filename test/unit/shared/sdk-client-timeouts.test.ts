/**
 * Issue 7, section 3 ("every AWS SDK client has connection and request timeouts set below the
 * function's deadline"), for each shared client and not only for the configuration it is built
 * from: pointed at a server on 127.0.0.1 that accepts connections and never answers (a frozen
 * service), every call fails within its attempts and back-off, never hangs.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetAccountCommand } from '@aws-sdk/client-sesv2';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { dynamoClient, MAX_RETRY_BACKOFF_MS, sdkTimeouts, sqs } from '../../../src/shared/aws-clients';
import { s3 } from '../../../src/shared/s3-client';
import { sesv2 } from '../../../src/shared/ses-client';
import { FUNCTION_TIMEOUT_ENV } from '../../../src/shared/env';

/** The authorizer's timeout, the shortest of the catalog: 1 s attempts, 3 of them. */
const FUNCTION_TIMEOUT_SECONDS = 5;
const ENV_NAMES = [
  FUNCTION_TIMEOUT_ENV,
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_SESV2',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];
const saved = new Map(ENV_NAMES.map((name) => [name, process.env[name]]));

let server: Server;
const sockets = new Set<Socket>();
let connections = 0;

beforeAll(async () => {
  server = createServer((socket) => {
    // Accept and keep the connection, read the request, never answer.
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  // Read when the shared clients are first built (lazily, inside the tests below).
  process.env[FUNCTION_TIMEOUT_ENV] = String(FUNCTION_TIMEOUT_SECONDS);
  process.env.AWS_ENDPOINT_URL_DYNAMODB = url;
  process.env.AWS_ENDPOINT_URL_SQS = url;
  process.env.AWS_ENDPOINT_URL_SESV2 = url;
  process.env.AWS_ENDPOINT_URL_S3 = url;
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const calls: [string, () => Promise<unknown>][] = [
  ['DynamoDB', () => dynamoClient().send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } }))],
  ['SQS', () => sqs().send(new GetQueueAttributesCommand({ QueueUrl: 'http://127.0.0.1/000000000000/q' }))],
  ['SES v2', () => sesv2().send(new GetAccountCommand({}))],
  ['S3', () => s3().send(new HeadBucketCommand({ Bucket: 'bucket' }))],
];

it('fails every call to a service that accepts connections and never answers, within the deadline', async () => {
  const { requestTimeout, maxAttempts } = sdkTimeouts(FUNCTION_TIMEOUT_SECONDS);
  const deadlineMs = FUNCTION_TIMEOUT_SECONDS * 1000;
  // All four at once: each client has its own sockets and retry quota, as in a function.
  const outcomes = await Promise.all(
    calls.map(async ([name, call]) => {
      const started = Date.now();
      const result = await call().then(
        () => 'answered',
        (error: unknown) => (error instanceof Error ? error.name : String(error)),
      );
      return { name, result, elapsedMs: Date.now() - started };
    }),
  );
  for (const { name, result, elapsedMs } of outcomes) {
    expect({ name, result }).toEqual({ name, result: 'TimeoutError' });
    // It waited for every attempt, then gave up inside three quarters of the deadline.
    expect(elapsedMs).toBeGreaterThanOrEqual(maxAttempts * requestTimeout - 100);
    expect(elapsedMs).toBeLessThanOrEqual(maxAttempts * requestTimeout + MAX_RETRY_BACKOFF_MS + 250);
    expect(elapsedMs).toBeLessThan((deadlineMs * 3) / 4 + 250);
  }
  // Every client's attempts reached the silent server.
  expect(connections).toBeGreaterThanOrEqual(calls.length * maxAttempts);
}, 15_000);
