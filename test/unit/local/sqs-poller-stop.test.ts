/**
 * SqsPoller's two stops on a queue whose long-poll never ends (a loopback server that takes each
 * request and never answers): the host's own stop (`abandonWait`) gives up the idle wait at once,
 * reporting nothing as an error; a pause (`stop()`) waits for the poll, so no message it might
 * still receive is taken out of sight. That nothing is lost across an abandoned wait is shown
 * against the SQS emulator in test/integration/sqs-poller-batching.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsPoller } from '../../../local/sqs-poller';

let silent: Server;
let received = 0;
const sockets = new Set<Socket>();
let client: SQSClient;

beforeAll(async () => {
  silent = createServer(() => (received += 1));
  silent.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  client = new SQSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

function startPoller(errors: unknown[]): SqsPoller {
  const poller = new SqsPoller({
    client,
    queueUrl: 'http://127.0.0.1/000000000000/silent',
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:silent',
    region: 'us-east-1',
    consumer: { batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
    handler: async () => undefined,
    onError: (error) => errors.push(error),
  });
  poller.start();
  return poller;
}

async function pollHeld(before: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (received === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(received).toBeGreaterThan(before);
}

it('abandons the idle wait when the host stops, and reports no error for it', async () => {
  const errors: unknown[] = [];
  const before = received;
  const poller = startPoller(errors);
  await pollHeld(before);
  // Without the abandon the stop would wait for an answer that never comes.
  await poller.stop({ abandonWait: true });
  expect(errors).toEqual([]);
});

it('keeps the wait when paused: the stop waits for the poll', async () => {
  const errors: unknown[] = [];
  const before = received;
  const poller = startPoller(errors);
  await pollHeld(before);
  const paused = poller.stop().then(() => 'stopped');
  const waited = await Promise.race([paused, new Promise((r) => setTimeout(() => r('still polling'), 1500))]);
  expect(waited).toBe('still polling');
  // The host's stop, coming after, ends it.
  await poller.stop({ abandonWait: true });
  expect(await paused).toBe('stopped');
  expect(errors).toEqual([]);
});
