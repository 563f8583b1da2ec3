/**
 * The event publisher against fauxqs: a publish of several SendMessageBatch calls (at most six in
 * flight) puts every event on the Events queue once, and a call the queue refuses fails the
 * publish only after every other call was made, so that a retry finds the rest already there.
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createQueues } from '../../local/resources';
import { startSqsEmulator, type SqsEmulator } from '../../local/sqs-emulator';
import { SqsEventPublisher } from '../../src/events/adapters/sqs-event-publisher';
import type { DomainEvent } from '../../src/events/domain-event';

jest.setTimeout(60_000);

let emulator: SqsEmulator;
let sqs: SQSClient;

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sqs.destroy();
  await emulator.stop();
});

const event = (i: number, data: Record<string, unknown> = { i }): DomainEvent => ({
  id: `evt_${String(i).padStart(3, '0')}`,
  type: 'review.received',
  time: '2026-06-20T10:00:00.000Z',
  supplierId: 'sup_1',
  subject: `reviews/rev_${i}`,
  data,
});

/** A fresh Events queue and a publisher onto it. */
async function publisherOnNewQueue(): Promise<{ publisher: SqsEventPublisher; url: string }> {
  const { queues } = await createQueues(sqs, `publisher${Date.now()}`, { visibilityTimeoutSeconds: 30 });
  const url = queues.Events.url;
  return { publisher: new SqsEventPublisher(sqs, url, 'test/publisher'), url };
}

/** The ids of every event on the queue (received and deleted until it is empty). */
async function drain(url: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return ids.sort();
    for (const message of Messages) ids.push((JSON.parse(message.Body!) as { id: string }).id);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => event(from + k).id);

it('puts every event of a publish larger than six calls on the queue once', async () => {
  const { publisher, url } = await publisherOnNewQueue();

  await publisher.publish(Array.from({ length: 95 }, (_, i) => event(i)));

  expect(await drain(url)).toEqual(ids(0, 95));
});

it('sends every other call when the queue refuses an event, then fails the publish', async () => {
  const { publisher, url } = await publisherOnNewQueue();
  // Messages up to 1 KiB on this queue: the sixth event, 2 KB, is refused by the first call's
  // answer (the other nine of that call go on), while five more calls are in flight.
  await sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MaximumMessageSize: '1024' } }),
  );
  const events = Array.from({ length: 100 }, (_, i) =>
    i === 5 ? event(i, { text: 'x'.repeat(2_000) }) : event(i),
  );

  await expect(publisher.publish(events)).rejects.toThrow(/refused 1 event\(s\): InvalidParameterValue/);

  expect(await drain(url)).toEqual([...ids(0, 5), ...ids(6, 100)]);
});
