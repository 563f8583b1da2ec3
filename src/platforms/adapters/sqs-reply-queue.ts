/** ReplyQueue on SQS: one message per reply request, deferrals with per-message DelaySeconds. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsJson } from '../../shared/sqs-queues';
import type { ReplyMessage } from '../domain/connection';
import { MAX_DELAY_SECONDS } from '../domain/replies';
import type { ReplyQueue } from '../ports';

const BATCH = 10;

export class SqsReplyQueue implements ReplyQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** Resolves once SQS took every message; throws otherwise (nothing is dropped silently). */
  async send(messages: readonly { message: ReplyMessage; delaySeconds?: number }[]): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH) {
      const entries = messages.slice(start, start + BATCH).map(({ message, delaySeconds }, i) => ({
        Id: String(i),
        MessageBody: sqsJson(message),
        ...(delaySeconds
          ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds))) }
          : {}),
      }));
      const { Failed = [] } = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
      );
      if (Failed.length > 0) {
        throw new Error(`Replies queue refused ${Failed.length} messages (${Failed[0]!.Code})`);
      }
    }
  }
}
