/** The Deliveries queue: one message per delivery attempt (or hop), DelaySeconds per message. */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsJson } from '../../shared/sqs-queues';
import type { DeliveryMessage } from '../domain/webhook';
import type { DeliveryQueue } from '../ports';
import { correlationAttributes } from '../../shared/correlation';

const correlationMessageAttributes = (correlationId: string | undefined) =>
  Object.fromEntries(
    Object.entries(correlationAttributes(correlationId)).map(([name, value]) => [
      name,
      { DataType: 'String', StringValue: value },
    ]),
  );

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly dlqUrl?: string,
  ) {}

  async send(messages: readonly { message: DeliveryMessage; delaySeconds: number }[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map(({ message, delaySeconds }, index) => ({
            Id: String(index),
            MessageBody: sqsJson(message),
            MessageAttributes: correlationMessageAttributes(message.correlationId),
            DelaySeconds: Math.max(0, Math.min(900, Math.ceil(delaySeconds))),
          })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        const first = result.Failed[0];
        throw new Error(
          `deliveries queue refused ${result.Failed.length} message(s): ${first?.Code} ${first?.Message}`,
        );
      }
    }
  }

  async deadLetter(message: DeliveryMessage): Promise<void> {
    if (!this.dlqUrl) throw new Error('no dead-letter queue configured for deliveries');
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.dlqUrl,
        MessageBody: sqsJson({ ...message, kind: 'dead-letter' }),
        MessageAttributes: correlationMessageAttributes(message.correlationId),
      }),
    );
  }
}
