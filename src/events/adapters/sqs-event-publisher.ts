/** Domain events onto the Events queue as CloudEvents 1.0 structured JSON. */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { mapWithConcurrency } from '../../shared/concurrency';
import { sqsJson } from '../../shared/sqs-queues';
import { CORRELATION_ATTRIBUTE, CORRELATION_EXTENSION } from '../../shared/correlation';
import type { DomainEvent, EventPublisher } from '../domain-event';

/** SendMessageBatch calls in flight per publish: a batch of 25 reviews' events in one round. */
const MAX_CALLS_AT_ONCE = 6;

/**
 * Domain events as CloudEvents 1.0 structured JSON, ten per SendMessageBatch call, the calls at
 * once, up to six (a batch of 25 reviews is five or six of them: one after the other they were a sixth of
 * the ingest worker's time per batch, ADR 0022 "Ninth round: ingestion round trips"). Any refused event fails
 * the whole publish, after every call has answered; the caller retries it, and consumers
 * deduplicate by the events' deterministic ids.
 */
export class SqsEventPublisher implements EventPublisher {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly source: string,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    const chunks: DomainEvent[][] = [];
    for (let start = 0; start < events.length; start += 10) chunks.push(events.slice(start, start + 10));
    // At most MAX_CALLS_AT_ONCE in flight: a worker's chunk fits, and a large publish (a replay, a
    // producer's backfill) does not land on the queue and its consumers as one burst. Every chunk
    // is sent even after one is refused; the first refusal is thrown at the end.
    const errors: unknown[] = [];
    await mapWithConcurrency(chunks, MAX_CALLS_AT_ONCE, (chunk) =>
      this.send(chunk).catch((error: unknown) => void errors.push(error)),
    );
    if (errors.length > 0) throw errors[0];
  }

  private async send(chunk: readonly DomainEvent[]): Promise<void> {
    const result = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: chunk.map((event, index) => ({
          Id: String(index),
          MessageBody: sqsJson({
            specversion: '1.0',
            id: event.id,
            source: this.source,
            type: event.type,
            subject: event.subject,
            time: event.time,
            datacontenttype: 'application/json',
            supplierid: event.supplierId,
            ...(event.correlationId ? { [CORRELATION_EXTENSION]: event.correlationId } : {}),
            data: event.data,
          }),
          MessageAttributes: {
            type: { DataType: 'String', StringValue: event.type },
            ...(event.correlationId
              ? { [CORRELATION_ATTRIBUTE]: { DataType: 'String', StringValue: event.correlationId } }
              : {}),
          },
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
