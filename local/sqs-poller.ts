/**
 * A local stand-in for Lambda's SQS event source: long-polls a queue, gathers up to
 * `batchSize` messages within the batching window, calls the same handler with an SQS event,
 * deletes what succeeded and leaves failures to come back after the visibility timeout (the
 * queue's redrive policy moves them to the DLQ after maxReceiveCount). `maxConcurrency` loops.
 */
import {
  DeleteMessageBatchCommand,
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
  readonly onError?: (error: unknown) => void;
}

export class SqsPoller {
  private running = false;
  private loops: Promise<void>[] = [];

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
    while (this.running) {
      try {
        const messages = await this.gatherBatch();
        if (messages.length === 0) continue;
        await this.invoke(messages);
      } catch (error) {
        this.options.onError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async gatherBatch(): Promise<Message[]> {
    const { client, queueUrl, consumer } = this.options;
    const batch: Message[] = [];
    const deadline = Date.now() + consumer.maxBatchingWindowSeconds * 1000;
    while (this.running && batch.length < consumer.batchSize) {
      const waitSeconds = batch.length === 0 ? 1 : Math.max(0, Math.floor((deadline - Date.now()) / 1000));
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, consumer.batchSize - batch.length),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      batch.push(...Messages);
      if (Messages.length === 0 && batch.length > 0) break;
      if (batch.length > 0 && Date.now() >= deadline) break;
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
