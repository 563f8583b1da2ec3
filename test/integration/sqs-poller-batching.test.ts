/**
 * The local stand-in for Lambda's SQS event source gathers batches as Lambda does (ADR 0022,
 * "Ninth round: ingestion round trips"): up to `batchSize` messages, waiting up to the batching window from a
 * batch's first message, with one loop gathering at a time; a window of 0 (the test stacks)
 * invokes with what one round of receives brings. Against fauxqs.
 */
import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createQueues, type LocalQueue } from '../../local/resources';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import { SqsPoller } from '../../local/sqs-poller';
import { until } from '../support/wait';

jest.setTimeout(60_000);

const region = 'us-east-1';
let emulator: SqsEmulator;
let sqs: SQSClient;
let queue: LocalQueue;
let poller: SqsPoller | undefined;
/** Each received message's ApproximateReceiveCount, in the order the handler saw them. */
let receiveCounts: string[] = [];

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = new SQSClient({
    region,
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

beforeEach(async () => {
  // A fresh Ingest queue (and its DLQ) per test, under its own prefix.
  const { queues } = await createQueues(sqs, `poller${Date.now()}`, { visibilityTimeoutSeconds: 30 });
  queue = queues.Ingest;
});

afterEach(async () => {
  await poller?.stop();
  poller = undefined;
  receiveCounts = [];
});

afterAll(async () => {
  sqs.destroy();
  await emulator.stop();
});

/** Starts a poller on the test's queue that records the size of each batch it is invoked with. */
function startPoller(options: {
  batchSize: number;
  windowSeconds: number;
  beforeFirstReceive?: () => Promise<void>;
}): number[] {
  const sizes: number[] = [];
  poller = new SqsPoller({
    client: sqs,
    queueUrl: queue.url,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:poller',
    region,
    consumer: {
      batchSize: options.batchSize,
      maxBatchingWindowSeconds: options.windowSeconds,
      maxConcurrency: 4,
    },
    concurrency: 4,
    handler: async (event: SQSEvent) => {
      sizes.push(event.Records.length);
      receiveCounts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
    },
    ...(options.beforeFirstReceive ? { beforeFirstReceive: options.beforeFirstReceive } : {}),
  });
  poller.start();
  return sizes;
}

const send = (i: number) => sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: `m${i}` }));
const total = (sizes: readonly number[]) => sizes.reduce((sum, size) => sum + size, 0);

it('waits up to the batching window for a fuller batch: messages sent one by one arrive as one batch', async () => {
  const sizes = startPoller({ batchSize: 25, windowSeconds: 10 });
  // Twelve messages, one after the other, well within the 10 s window (wide for a loaded machine).
  for (let i = 0; i < 12; i += 1) await send(i);
  await until(() => total(sizes) === 12, 'the twelve messages', 30_000);
  expect(sizes).toEqual([12]);
});

it('invokes as soon as a batch is full, without waiting out the window', async () => {
  const sizes = startPoller({ batchSize: 25, windowSeconds: 30 });
  const started = Date.now();
  for (let start = 0; start < 30; start += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `m${start + i}` })),
      }),
    );
  }
  await until(() => sizes.length > 0, 'a first batch');
  // Full at 25, long before the 30 s window; the 5 left over wait for their own window.
  expect(sizes[0]).toBe(25);
  expect(Date.now() - started).toBeLessThan(20_000);
});

it('with a window of 0, invokes with what has arrived once a receive comes back empty', async () => {
  const sizes = startPoller({ batchSize: 25, windowSeconds: 0 });
  await send(0);
  await until(() => total(sizes) === 1, 'the first message');
  await send(1);
  await until(() => total(sizes) === 2, 'the second message');
  expect(sizes).toEqual([1, 1]);
});

it('runs beforeFirstReceive once, when the first message waits, and receives nothing before it ends', async () => {
  let starts = 0;
  let finishStart = () => {};
  const sizes = startPoller({
    batchSize: 25,
    windowSeconds: 0,
    beforeFirstReceive: async () => {
      starts += 1;
      await new Promise<void>((resolve) => (finishStart = resolve));
    },
  });
  // An idle queue: nothing is started.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(starts).toBe(0);
  await send(0);
  await until(() => starts === 1, 'the start on the first message');
  // While the consumer starts, the message stays in the queue, visible and never received: no
  // visibility timeout runs, and no receive is counted against the redrive policy.
  const attributes = async () =>
    (
      await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      )
    ).Attributes;
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await attributes()).toEqual({
    ApproximateNumberOfMessages: '1',
    ApproximateNumberOfMessagesNotVisible: '0',
  });
  expect(sizes).toEqual([]);
  finishStart();
  await until(() => total(sizes) === 1, 'the first message');
  await send(1);
  await until(() => total(sizes) === 2, 'the second message');
  expect(starts).toBe(1);
  expect(receiveCounts).toEqual(['1', '1']);
});

it('counts a delayed first message too: the consumer starts, and the message is handled once due', async () => {
  let starts = 0;
  const sizes = startPoller({
    batchSize: 25,
    windowSeconds: 0,
    beforeFirstReceive: async () => {
      starts += 1;
    },
  });
  // fauxqs makes a delayed message visible only for a receive or a long-poll: a watch that waited
  // for a visible one would wait for good.
  await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'later', DelaySeconds: 1 }));
  await until(() => total(sizes) === 1, 'the delayed message', 15_000);
  expect(starts).toBe(1);
});
