/**
 * ReviewSink on the Ingest queue: synced reviews enter the existing ingestion pipeline as
 * `review.submitted` messages and removals as `review.removed` messages (both built in
 * domain/review-messages.ts), so the ingest worker stores, versions and announces them like any
 * other review. Resolves only once SQS has accepted every message; otherwise it throws, and the
 * sync retries the page (the worker deduplicates: ids come from platform + external id).
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsJson } from '../../shared/sqs-queues';
import type { Clock } from '../../shared/clock';
import type { Connection } from '../domain/connection';
import type { PlatformReview } from '../domain/platform';
import { reviewRemovedFor, reviewSubmittedFor } from '../domain/review-messages';
import type { ReviewSink } from '../ports';

/** SQS takes at most 10 entries per SendMessageBatch. */
const BATCH = 10;
/** Entries SQS failed to take are sent again this often before the page fails. */
const ATTEMPTS = 3;

export interface IngestReviewSinkOptions {
  /**
   * A review that cannot become a valid message (e.g. a date the platform sent garbled) is left
   * out and reported here, so one bad review never blocks its page; the caller logs it.
   */
  readonly onInvalid?: (connection: Connection, externalId: string, reason: string) => void;
}

export class IngestReviewSink implements ReviewSink {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly clock: Clock,
    private readonly options: IngestReviewSinkOptions = {},
  ) {}

  async submit(
    connection: Connection,
    locationId: string,
    reviews: readonly PlatformReview[],
    correlationId: string,
  ): Promise<void> {
    const receivedAt = this.clock.now().toISOString();
    const bodies: { body: string; supplierId: string; type: string }[] = [];
    for (const review of reviews) {
      const result = reviewSubmittedFor(connection, locationId, review, receivedAt);
      if (!result.ok) {
        this.options.onInvalid?.(connection, result.externalId, result.reason);
        continue;
      }
      bodies.push({
        body: sqsJson(result.message),
        supplierId: connection.supplierId,
        type: 'review.submitted',
      });
    }
    await this.sendAll(bodies, correlationId);
  }

  async remove(
    connection: Connection,
    locationId: string,
    externalIds: readonly string[],
    correlationId: string,
  ): Promise<void> {
    const observedAt = this.clock.now().toISOString();
    await this.sendAll(
      externalIds.map((externalId) => ({
        body: sqsJson(reviewRemovedFor(connection, locationId, externalId, observedAt)),
        supplierId: connection.supplierId,
        type: 'review.removed',
      })),
      correlationId,
    );
  }

  private async sendAll(
    messages: readonly { body: string; supplierId: string; type: string }[],
    correlationId: string,
  ): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH) {
      let entries = messages.slice(start, start + BATCH).map((message, i) => ({
        Id: String(i),
        MessageBody: message.body,
        MessageAttributes: {
          type: { DataType: 'String', StringValue: message.type },
          supplierId: { DataType: 'String', StringValue: message.supplierId },
          correlationId: { DataType: 'String', StringValue: correlationId },
        },
      }));
      for (let attempt = 1; entries.length > 0; attempt += 1) {
        const { Failed = [] } = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        if (Failed.length === 0) break;
        const failedIds = new Set(Failed.map((f) => f.Id));
        if (attempt >= ATTEMPTS) {
          const first = Failed[0]!;
          throw new Error(
            `Ingest queue refused ${Failed.length} of ${entries.length} messages (${first.Code}: ${first.Message ?? ''})`,
          );
        }
        entries = entries.filter((entry) => failedIds.has(entry.Id));
      }
    }
  }
}
