/**
 * The consumers' process (local/worker-host.ts) ends by itself within its stop deadline
 * (WORKER_HOST_STOP_DEADLINE_MS, 12 s) even when a poll never ends. Started as the local stack starts it
 * (startWorkerHost, local/workers.ts: every consumer function in its thread, one poller per
 * consumed queue), with every AWS endpoint on a loopback server that accepts connections and never
 * answers: each poller hangs in its ReceiveMessage (the SQS client's own socket timeout is 15
 * minutes), so its stop cannot finish. Stopped as the stack stops it (`WorkerHost.stop`: stdin
 * closes, SIGTERM; the parent kills its process group only after 15 s): it must be gone before
 * that kill, and not at once (a quick exit would mean nothing held it and the test proved nothing).
 */
import { createServer, type Server, type Socket } from 'node:net';
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
/** Requests the silent server has received bytes of (and never answered). */
let requestsHeld = 0;
const sockets = new Set<Socket>();
let host: WorkerHost | undefined;
let hostPid: number | undefined;

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => (requestsHeld += 1));
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

it('exits by itself within its stop deadline while a poll hangs', async () => {
  expect(hostPid).toBeDefined();
  // Every poller has sent its ReceiveMessage to the server that never answers.
  const pollers = QUEUES.filter((q) => q.consumer).length;
  const waitUntil = Date.now() + 10_000;
  while (requestsHeld < pollers && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 50));
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
