/** Lambda entry of the event fan-out (Events queue, partial batch responses). */
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { WebhookEndpoint } from '../../src/webhooks/domain/webhook';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { correlationIdOfRecord } from '../../src/shared/correlation';
import { deliveryQueue, deliveryStore, endpointRepository, once, realtimeLogWriter } from '../../src/wiring';
import { recordChannelEvent, type RecordDeps } from '../../src/realtime';
import { fanOutEvent, InvalidEventError, type FanOutDeps } from '../../src/webhooks/use-cases/fan-out';

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
  // A tenant's channel appends run one after another (as their fan-outs finish): concurrent appends
  // to one channel conflict on its head item and retry, a storm when a batch holds many events of
  // one supplier. Different tenants append in parallel. (The Events queue is a standard queue: its
  // order is not the events' order anyway; a channel's sequence is the order of its appends.)
  const appendChains = new Map<string, Promise<unknown>>();
  const inTenantOrder = <T>(tenantId: string, append: () => Promise<T>): Promise<T> => {
    const previous = appendChains.get(tenantId) ?? Promise.resolve();
    const next = previous.then(append, append);
    appendChains.set(tenantId, next);
    return next;
  };
  await Promise.all(
    event.Records.map(async (record) => {
      try {
        const result = await fanOutEvent(record.body, d, endpointsOf);
        // After the webhooks are queued: a failure here retries the record, and the webhook
        // fan-out of a duplicate queues nothing twice (the deliveries' conditional claims).
        const realtime = d.realtime;
        if (realtime) {
          const recorded = await inTenantOrder(result.event.tenantId, () =>
            recordChannelEvent(
              {
                eventId: result.eventId,
                type: result.event.eventType,
                ownerSupplierId: result.event.tenantId,
                body: result.event.body,
              },
              realtime,
            ),
          );
          if (recorded.recorded && !recorded.duplicate)
            tally.add('RealtimeEventsRecorded', MetricUnit.Count, 1);
        }
        tally.add(result.duplicate ? 'DuplicateEvents' : 'EventsFannedOut', MetricUnit.Count, 1);
        tally.add('DeliveriesEnqueued', MetricUnit.Count, result.enqueued);
        if (!result.matchedSchema) {
          // Contract drift: the event went out as sent; its producer must match the schema.
          tally.add('EventsNotMatchingSchema', MetricUnit.Count, 1);
          logger.warn('event does not match its published schema', { eventId: result.eventId });
        }
      } catch (error) {
        if (error instanceof InvalidEventError) tally.add('InvalidEvents', MetricUnit.Count, 1);
        logger.error('fan-out failed, will be retried', {
          messageId: record.messageId,
          correlationId: correlationIdOfRecord(record),
          error: error as Error,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures };
}

/** The batch handler over the given dependencies (tests pass in-memory ones); one EMF line per call. */
export const batchHandler = (
  d: () => FanOutDeps & { readonly realtime?: RecordDeps },
): ((event: SQSEvent) => Promise<SQSBatchResponse>) =>
  publishingMetrics(tally, metrics, (event: SQSEvent) => fanOutBatch(event, d()));

export const handleBatch = correlated(logger, batchHandler(deps));

export const handler = middy(handleBatch).use(withLogging(logger));
