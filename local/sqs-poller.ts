/**
 * A local stand-in for Lambda's SQS event source: long-polls a queue, gathers up to
 * `batchSize` messages within the batching window, calls the same handler with an SQS event,
 * deletes what succeeded and leaves failures to come back after the visibility timeout (the
 * queue's redrive policy moves them to the DLQ after maxReceiveCount). `maxConcurrency` loops.
 *
 * Gathering (ADR 0022, "Ninth round"): like Lambda, a batch is invoked once it holds
 * `batchSize` messages or once the batching window, counted from its first message, has passed;
 * an empty receive no longer ends it early (that gave the ingest worker batches of 13 on average
 * instead of 25 under the bench's load, each paying a batch's fixed reads and writes). One loop
 * gathers at a time, the others invoke or wait their turn: loops gathering side by side split
 * what arrives into small batches, and an idle queue is long-polled by one loop instead of all.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueConsumer } from '../src/catalog/queues';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly consumer: QueueConsumer;
  readonly handler: SqsHandler;
  /** Local concurrency cap (the catalog's maxConcurrency is sized for Lambda). */
  readonly concurrency?: number;
  /**
   * Overrides the catalog's batching window: 0 invokes with what arrived by the first empty
   * receive (the integration tests, which send a few messages and wait for each).
   */
  readonly batchingWindowSeconds?: number;
  readonly onError?: (error: unknown) => void;
  /**
   * Awaited once, when the queue first holds a message (visible or delayed), before any is
   * received: the worker host starts a consumer's thread there (its cold start). Started after a
   * receive, the start would eat into the batch's visibility timeout (2 s in the test stacks), and
   * a slow start on a loaded machine would hand the batch out twice. Until then the queue is
   * watched with GetQueueAttributes, which neither receives a message nor counts a receive.
   */
  readonly beforeFirstReceive?: () => Promise<void>;
}

/** How often a queue is looked at until its first message (beforeFirstReceive). */
const FIRST_MESSAGE_CHECK_MS = 250;

export class SqsPoller {
  private running = false;
  private loops: Promise<void>[] = [];
  /** The turn to gather: one loop at a time (see the module comment). */
  private gatherTurn: Promise<unknown> = Promise.resolve();
  /** Settles true once beforeFirstReceive has run, false if polling stopped before a first message. */
  private firstMessage: Promise<boolean> | undefined;

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const concurrency = Math.min(
      this.options.concurrency ?? this.options.consumer.maxConcurrency,
      this.options.consumer.maxConcurrency,
    );
    this.loops = Array.from({ length: concurrency }, () => this.loop());
  }

  /** Stops polling; resolves once the batches in flight have finished. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(): Promise<void> {
    this.firstMessage ??= this.awaitFirstMessage().then((seen) => {
      if (!seen) this.firstMessage = undefined; // paused first: watch again on resume
      return seen;
    });
    if (!(await this.firstMessage)) return;
    while (this.running) {
      try {
        const turn = this.gatherTurn.then(() => this.gatherBatch());
        this.gatherTurn = turn.catch(() => undefined);
        const messages = await turn;
        if (messages.length === 0) continue;
        await this.invoke(messages);
      } catch (error) {
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async awaitFirstMessage(): Promise<boolean> {
    const { client, queueUrl, beforeFirstReceive } = this.options;
    if (!beforeFirstReceive) return true;
    while (this.running) {
      try {
        const { Attributes = {} } = await client.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
          }),
        );
        // A delayed message counts too: work is coming, and fauxqs makes a delayed message visible
        // only when someone receives from (or long-polls) its queue, so it would never be seen here.
        const waiting =
          Number(Attributes.ApproximateNumberOfMessages ?? 0) +
          Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
        if (waiting > 0) {
          // A start that fails is the first invocation's failure (the caller's invoke starts again).
          await beforeFirstReceive().catch((error: unknown) => this.options.onError?.(error));
          return true;
        }
      } catch (error) {
        this.options.onError?.(error);
      }
      await new Promise((resolve) => setTimeout(resolve, FIRST_MESSAGE_CHECK_MS));
    }
    return false;
  }

  private async gatherBatch(): Promise<Message[]> {
    const { client, queueUrl, consumer } = this.options;
    const windowMs = (this.options.batchingWindowSeconds ?? consumer.maxBatchingWindowSeconds) * 1000;
    const batch: Message[] = [];
    let deadline = Infinity;
    while (this.running && batch.length < consumer.batchSize) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, consumer.batchSize - batch.length),
          // Long-poll for a batch's first message; after it, ask for what has arrived since.
          WaitTimeSeconds: batch.length === 0 ? 1 : 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (batch.length === 0 && Messages.length > 0) deadline = Date.now() + windowMs;
      batch.push(...Messages);
      if (batch.length === 0) continue;
      // More may be waiting: ask again at once (a window of 0 gathers until the first empty answer).
      if (Messages.length > 0) {
        if (windowMs === 0 || Date.now() < deadline) continue;
        break;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      // Nothing more yet: wait a little within the window rather than ask again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, 100)));
    }
    return batch;
  }

  private async invoke(messages: Message[]): Promise<void> {
    const { client, queueUrl } = this.options;
    const event: SQSEvent = { Records: messages.map((m) => this.toRecord(m)) };
    let failed: Set<string>;
    try {
      const response = await this.options.handler(event);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      // Like Lambda: a thrown error fails the whole batch.
      this.options.onError?.(error);
      failed = new Set(messages.map((m) => m.MessageId!));
    }
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    // The batch's delete calls (10 entries each) at once, not one after the other.
    const chunks: Message[][] = [];
    for (let start = 0; start < done.length; start += 10) chunks.push(done.slice(start, start + 10));
    await Promise.all(
      chunks.map((chunk) =>
        client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        ),
      ),
    );
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            dataType: value.DataType ?? 'String',
            stringValue: value.StringValue,
            stringListValues: [],
            binaryListValues: [],
          },
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: this.options.region,
    };
  }
}
