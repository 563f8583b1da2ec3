/** The Sync queue: one message per page (or deferral), DelaySeconds per message (at most 900). */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsJson } from '../../shared/sqs-queues';
import type { SyncMessage } from '../domain/connection';
import { MAX_DELAY_SECONDS } from '../domain/sync-plan';
import type { SyncQueue } from '../ports';

export class SqsSyncQueue implements SyncQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: readonly { message: SyncMessage; delaySeconds?: number }[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map(({ message, delaySeconds }, index) => ({
            Id: String(index),
            MessageBody: sqsJson(message),
            DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds ?? 0))),
          })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        const first = result.Failed[0];
        throw new Error(
          `sync queue refused ${result.Failed.length} message(s): ${first?.Code} ${first?.Message}`,
        );
      }
    }
  }
}
