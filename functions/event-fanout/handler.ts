/** Lambda entry of the event fan-out (Events queue, partial batch responses). */
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { WebhookEndpoint } from '../../src/webhooks/domain/webhook';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { correlationIdOfRecord } from '../../src/shared/correlation';
import { deliveryQueue, endpointRepository, eventLog, once } from '../../src/wiring';
import { fanOutEvents, InvalidEventError, type FanOutDeps } from '../../src/webhooks/use-cases/fan-out';

// The event log it writes is also the source of real time: RealtimeRecorder reads its table's stream.
const deps = once((): FanOutDeps => ({
  endpoints: endpointRepository(),
  eventLog: eventLog(),
  queue: deliveryQueue(),
  clock: systemClock,
}));

const tally = new MetricTally(metrics);

async function fanOutBatch(event: SQSEvent, d: FanOutDeps): Promise<SQSBatchResponse> {
  // A tenant's endpoints are read once per batch.
  const endpoints = new Map<string, Promise<WebhookEndpoint[]>>();
  const endpointsOf = (supplierId: string) => {
    const cached = endpoints.get(supplierId) ?? d.endpoints.list(supplierId);
    endpoints.set(supplierId, cached);
    return cached;
  };
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const failed = (record: SQSRecord, error: unknown) => {
    if (error instanceof InvalidEventError) tally.add('InvalidEvents', MetricUnit.Count, 1);
    logger.error('fan-out failed, will be retried', {
      messageId: record.messageId,
      correlationId: correlationIdOfRecord(record),
      error: error as Error,
    });
    batchItemFailures.push({ itemIdentifier: record.messageId });
  };
  // Every event's messages go out together, ten per SendMessageBatch call.
  const outcomes = await fanOutEvents(
    event.Records.map((record) => record.body),
    d,
    endpointsOf,
  );
  event.Records.forEach((record, index) => {
    const outcome = outcomes[index]!;
    if (!outcome.ok) return failed(record, outcome.error);
    const result = outcome.result;
    tally.add(result.duplicate ? 'DuplicateEvents' : 'EventsFannedOut', MetricUnit.Count, 1);
    tally.add('DeliveriesEnqueued', MetricUnit.Count, result.enqueued);
    if (!result.matchedSchema) {
      // Contract drift: the event went out as sent; its producer must match the schema.
      tally.add('EventsNotMatchingSchema', MetricUnit.Count, 1);
      logger.warn('event does not match its published schema', { eventId: result.eventId });
    }
  });
  return { batchItemFailures };
}

/** The batch handler over the given dependencies (tests pass in-memory ones); one EMF line per call. */
export const batchHandler = (d: () => FanOutDeps): ((event: SQSEvent) => Promise<SQSBatchResponse>) =>
  publishingMetrics(tally, metrics, (event: SQSEvent) => fanOutBatch(event, d()));

export const handleBatch = correlated(logger, batchHandler(deps));

export const handler = middy(handleBatch).use(withLogging(logger));
