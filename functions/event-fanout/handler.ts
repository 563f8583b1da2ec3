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
import { deliveryQueue, deliveryStore, endpointRepository, once, realtimeLogWriter } from '../../src/wiring';
import { recordChannelEvents, type RecordDeps } from '../../src/realtime';
import {
  fanOutEvent,
  InvalidEventError,
  type FanOutDeps,
  type FanOutResult,
} from '../../src/webhooks/use-cases/fan-out';

/** Webhook fan-out, and the real-time channel log each event is also recorded in (issue 14). */
type EventFanoutDeps = FanOutDeps & { readonly realtime: RecordDeps };

const deps = once((): EventFanoutDeps => ({
  endpoints: endpointRepository(),
  deliveries: deliveryStore(),
  queue: deliveryQueue(),
  clock: systemClock,
  realtime: { log: realtimeLogWriter(), clock: systemClock },
}));

const tally = new MetricTally(metrics);

async function fanOutBatch(
  event: SQSEvent,
  d: FanOutDeps & { readonly realtime?: RecordDeps },
): Promise<SQSBatchResponse> {
  // A tenant's endpoints are read once per batch.
  const endpoints = new Map<string, Promise<WebhookEndpoint[]>>();
  const endpointsOf = (tenantId: string) => {
    const cached = endpoints.get(tenantId) ?? d.endpoints.list(tenantId);
    endpoints.set(tenantId, cached);
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
  // 1. The webhooks of every record.
  const fannedOut: { record: SQSRecord; result: FanOutResult }[] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      try {
        const result = await fanOutEvent(record.body, d, endpointsOf);
        tally.add(result.duplicate ? 'DuplicateEvents' : 'EventsFannedOut', MetricUnit.Count, 1);
        tally.add('DeliveriesEnqueued', MetricUnit.Count, result.enqueued);
        if (!result.matchedSchema) {
          // Contract drift: the event went out as sent; its producer must match the schema.
          tally.add('EventsNotMatchingSchema', MetricUnit.Count, 1);
          logger.warn('event does not match its published schema', { eventId: result.eventId });
        }
        fannedOut.push({ record, result });
      } catch (error) {
        failed(record, error);
      }
    }),
  );
  // 2. The batch's events into their real-time channels, each channel's events in one append (many
  // events of one supplier would otherwise race for its channel's head). After the webhooks are
  // queued: a failure retries the record, and the webhook fan-out of a duplicate queues nothing
  // twice (the deliveries' conditional claims).
  if (d.realtime && fannedOut.length > 0) {
    const outcomes = await recordChannelEvents(
      fannedOut.map(({ result }) => ({
        eventId: result.eventId,
        type: result.event.eventType,
        ownerSupplierId: result.event.tenantId,
        body: result.event.body,
      })),
      d.realtime,
    );
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected') failed(fannedOut[i]!.record, outcome.reason);
      else if (outcome.value.recorded && !outcome.value.duplicate)
        tally.add('RealtimeEventsRecorded', MetricUnit.Count, 1);
    });
  }
  return { batchItemFailures };
}

/** The batch handler over the given dependencies (tests pass in-memory ones); one EMF line per call. */
export const batchHandler = (
  d: () => FanOutDeps & { readonly realtime?: RecordDeps },
): ((event: SQSEvent) => Promise<SQSBatchResponse>) =>
  publishingMetrics(tally, metrics, (event: SQSEvent) => fanOutBatch(event, d()));

export const handleBatch = correlated(logger, batchHandler(deps));

export const handler = middy(handleBatch).use(withLogging(logger));
