/** SQS adapters: a plain queue to send to (ingest, inference retry), and the events publisher. */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DomainEvent } from '../reviews/domain/review';
import type { EventPublisher, IngestQueue } from '../reviews/ports';

export class SqsQueue implements IngestQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(body: string, attributes: Record<string, string> = {}): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
  }
}

/** Domain events as CloudEvents 1.0 structured JSON, ten per SendMessageBatch call. */
export class SqsEventPublisher implements EventPublisher {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly source: string,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += 10) {
      const chunk = events.slice(start, start + 10);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((event, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify({
              specversion: '1.0',
              id: event.id,
              source: this.source,
              type: event.type,
              subject: event.subject,
              time: event.time,
              datacontenttype: 'application/json',
              supplierid: event.supplierId,
              data: event.data,
            }),
            MessageAttributes: { type: { DataType: 'String', StringValue: event.type } },
          })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        const first = result.Failed[0];
        throw new Error(
          `events queue refused ${result.Failed.length} event(s): ${first?.Code} ${first?.Message}`,
        );
      }
    }
  }
}
