/**
 * The local mode's scaled clock (local/local-clock.ts, ADR 0022 "Bench run time"): once the
 * clock runs 10x, a function thread started on it reads 10x time, and the SQS emulator releases a
 * delayed message after a tenth of its delay; back at 1x the clock goes on from where it stood
 * (ahead of real time, never back). Without the switch nothing changes: a thread reads real time.
 */
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { FunctionDefinition } from '../../src/catalog/functions';
import { startFunctionThread, warpFunctionThreads, type FunctionThread } from '../../local/function-thread';
import { localClock, type LocalClock } from '../../local/local-clock';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';

jest.setTimeout(60_000);

type Reading = { now: number; date: number; realNow: number };
const definition = (id: 'Api' | 'Authorizer') =>
  ({
    id,
    entry: 'test/integration/support/fixtures/clock-handler.ts',
    timeoutSeconds: 10,
  }) as FunctionDefinition;

let emulator: SqsEmulator;
let warped: FunctionThread;
let unwarped: FunctionThread;
let clock: LocalClock;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  unwarped = await startFunctionThread(definition('Authorizer'), {});
  process.env.WEDSYNC_LOCAL_CLOCK_WARP = '1';
  try {
    warped = await startFunctionThread(definition('Api'), {});
  } finally {
    delete process.env.WEDSYNC_LOCAL_CLOCK_WARP;
  }
  emulator = await startSqsEmulator(0, { clockWarp: true });
  clock = localClock(async (segment) => {
    warpFunctionThreads(segment);
    await emulator.clock!(segment);
  });
  sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'clock-warp' }))).QueueUrl!;
}, 60_000);
afterAll(async () => {
  sqs?.destroy();
  await Promise.all([warped?.stop(), unwarped?.stop(), emulator?.stop()]);
});

const read = (thread: FunctionThread) => thread.invoke<object, Reading>('handle', {});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('reads real time until the clock changes rate', async () => {
  const reading = await read(warped);
  expect(Math.abs(reading.now - reading.realNow)).toBeLessThan(50);
  expect(clock.rate()).toBe(1);
});

it('runs a warped thread and the queue delays 10x, and goes on from there at 1x', async () => {
  await clock.setRate(10);
  const start = await read(warped);
  await sleep(400);
  const later = await read(warped);
  const realMs = later.realNow - start.realNow;
  // 10x: the thread's clock moved about ten times as far as real time.
  expect((later.now - start.now) / realMs).toBeGreaterThan(8);
  expect((later.now - start.now) / realMs).toBeLessThan(12);
  expect(Math.abs(later.date - later.now)).toBeLessThan(20);
  // The bench's view of the clock agrees with the thread's.
  expect(Math.abs(clock.now() - later.now)).toBeLessThan(500);
  // A thread started without the switch is not on it.
  const plain = await read(unwarped);
  expect(Math.abs(plain.now - plain.realNow)).toBeLessThan(50);

  // A 3 s delay is about 0.3 s of real time.
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'delayed', DelaySeconds: 3 }));
  const sent = performance.now();
  const early = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
  expect(early.Messages ?? []).toHaveLength(0);
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
  expect(received.Messages?.[0]?.Body).toBe('delayed');
  expect(performance.now() - sent).toBeLessThan(2_000);

  await clock.setRate(1);
  const ahead = await read(warped);
  await sleep(300);
  const after = await read(warped);
  expect(ahead.now - ahead.realNow).toBeGreaterThan(2_000);
  const rate = (after.now - ahead.now) / (after.realNow - ahead.realNow);
  expect(rate).toBeGreaterThan(0.8);
  expect(rate).toBeLessThan(1.2);
});
