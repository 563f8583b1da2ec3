/** The Imports queue (one message per chunk to run) and the ingest queue in batches of ten. */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsSafeJson } from '../../shared/sqs-queues';
import type { ImportMessage } from '../domain/import-job';
import type { ImportQueue, ReviewMessageSender } from '../ports';

export class SqsImportQueue implements ImportQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: ImportMessage): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }),
    );
  }
}

const BATCH = 10;
const TRIES = 5;

/** SendMessageBatch, re-sending the entries SQS did not take; throws if some never go through. */
export class SqsBatchSender implements ReviewMessageSender {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async sendAll(
    messages: readonly { readonly body: string; readonly attributes: Record<string, string> }[],
  ): Promise<void> {
    for (let i = 0; i < messages.length; i += BATCH) {
      let entries = messages.slice(i, i + BATCH).map((message, n) => ({
        Id: String(n),
        MessageBody: sqsSafeJson(message.body),
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }));
      for (let attempt = 0; entries.length > 0; attempt += 1) {
        if (attempt === TRIES) throw new Error(`${entries.length} messages not accepted by the queue`);
        const { Failed } = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((Failed ?? []).map((f) => f.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
        if (entries.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }
}
