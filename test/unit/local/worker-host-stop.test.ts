/**
 * The consumers' process (local/worker-host.ts) ends by itself within its stop deadline
 * (WORKER_HOST_STOP_DEADLINE_MS, 12 s) even when a poll never ends. Started as the local stack starts it
 * (startWorkerHost, local/workers.ts: every consumer function in its thread, one poller per
 * consumed queue), with every AWS endpoint on a loopback server that never answers but once: the
 * first ReceiveMessage of each queue whose batches hold more than one message gets one message,
 * so its poller goes on gathering that batch and hangs in the next ReceiveMessage (the SQS
 * client's own socket timeout is 15 minutes). A stop abandons idle long-polls (the other queues'),
 * not a batch being gathered, so its stop cannot finish. Stopped as the stack stops it
 * (`WorkerHost.stop`: stdin closes, SIGTERM; the parent kills its process group only after 15 s):
 * it must be gone before that kill, and not at once (a quick exit would mean nothing held it and
 * the test proved nothing).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { consumerOf, type FunctionId } from '#src/catalog/functions';
import { QUEUES, type QueueId } from '#src/catalog/queues';
import { LOCAL_CREDENTIALS } from '../../../local/stack';
import { placeholderEnvironment } from '../../../bench/placeholder-env';
import { startWorkerHost, type WorkerHost } from '../../../local/workers';
import { WORKER_HOST_KILL_AFTER_MS, WORKER_HOST_STOP_DEADLINE_MS } from '../../../local/worker-protocol';
import { childPids, isRunning, waitForExit } from '../../support/processes';

jest.setTimeout(30_000);

let silent: Server;
/** Requests the silent server has received and never answered. */
let requestsHeld = 0;
const sockets = new Set<Socket>();
let host: WorkerHost | undefined;
let hostPid: number | undefined;

/** The queues whose batches hold more than one message: their poller gathers on after one. */
const GATHERING = new Set(QUEUES.filter((q) => (q.consumer?.batchSize ?? 0) > 1).map((q) => q.id));
const answered = new Set<string>();

/** One message in the SQS JSON protocol's ReceiveMessage answer (the SDK checks the body's MD5). */
function oneMessage(queueUrl: string): string {
  const body = '{}';
  return JSON.stringify({
    Messages: [
      {
        MessageId: `held-${queueUrl}`,
        ReceiptHandle: `receipt-${queueUrl}`,
        MD5OfBody: createHash('md5').update(body).digest('hex'),
        Body: body,
        Attributes: { ApproximateReceiveCount: '1' },
      },
    ],
  });
}

beforeAll(async () => {
  silent = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const queueUrl = String(
        (JSON.parse(Buffer.concat(chunks).toString() || '{}') as { QueueUrl?: unknown }).QueueUrl,
      );
      const queueId = queueUrl.split('wedsync-stop-')[1] ?? '';
      if (
        request.headers['x-amz-target'] === 'AmazonSQS.ReceiveMessage' &&
        GATHERING.has(queueId as QueueId) &&
        !answered.has(queueId)
      ) {
        answered.add(queueId);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(oneMessage(queueUrl));
        return;
      }
      requestsHeld += 1;
    });
  });
  silent.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const region = 'us-east-1';
  const runtimeEnv: Record<string, string> = {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ENDPOINT_URL_SQS: endpoint,
    AWS_ENDPOINT_URL_SESV2: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
  };
  const queueUrl = (id: QueueId) => `${endpoint}/000000000000/wedsync-stop-${id}`;
  // Placeholder resource names: no message ever arrives, so no handler reads a table, a secret or a key.
  const functionEnv: Partial<Record<FunctionId, Record<string, string>>> = {};
  for (const queue of QUEUES) {
    const consumer = consumerOf(queue.id);
    if (consumer) functionEnv[consumer.id] = { ...runtimeEnv, ...placeholderEnvironment(consumer, queueUrl) };
  }
  const queues = QUEUES.filter((q) => q.consumer).map((q) => ({
    id: q.id,
    url: queueUrl(q.id),
    arn: `arn:aws:sqs:${region}:000000000000:wedsync-stop-${q.id}`,
  }));
  try {
    host = await startWorkerHost(runtimeEnv, { queues, concurrency: 1, functionEnv });
  } finally {
    hostPid = childPids(process.pid, join('local', 'worker-host.ts'))[0];
  }
}, 180_000);

afterAll(async () => {
  // Whatever happened above: nothing of the host outlives the test, nor does the silent server.
  if (hostPid !== undefined && isRunning(hostPid)) {
    try {
      process.kill(-hostPid, 'SIGKILL');
    } catch {
      // its group is gone already
    }
    await waitForExit(hostPid, 5000);
  }
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

it('exits by itself within its stop deadline while a batch being gathered hangs in its poll', async () => {
  expect(hostPid).toBeDefined();
  expect(GATHERING.size).toBeGreaterThan(0);
  // Every poller has a ReceiveMessage held by the server: an idle wait, or a batch's next one.
  const pollers = QUEUES.filter((q) => q.consumer).length;
  const waitUntil = Date.now() + 10_000;
  while ((requestsHeld < pollers || answered.size < GATHERING.size) && Date.now() < waitUntil)
    await new Promise((r) => setTimeout(r, 50));
  expect(answered.size).toBe(GATHERING.size);
  expect(requestsHeld).toBeGreaterThanOrEqual(pollers);
  expect(isRunning(hostPid!)).toBe(true);

  const from = Date.now();
  await host!.stop();
  const took = Date.now() - from;

  expect(isRunning(hostPid!)).toBe(false);
  // Held by its polls until the deadline...
  expect(took).toBeGreaterThanOrEqual(WORKER_HOST_STOP_DEADLINE_MS - 500);
  // ...and gone by itself then, well before the parent's kill.
  expect(took).toBeLessThan(WORKER_HOST_KILL_AFTER_MS - 1000);
});
