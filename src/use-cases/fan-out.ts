/**
 * Fan-out of one domain event (a CloudEvent from the Events queue) to webhook deliveries.
 * 1. Read the envelope; its owner is the `supplierid` extension, or the platform tenant for
 *    events that belong to no supplier (couples' budgets).
 * 2. Build the webhook body once (the outbound CloudEvent) and log the event for replay (14 days);
 *    a duplicate event keeps the body logged first.
 * 3. For each enabled endpoint of the owner subscribed to the type, create the delivery record
 *    (conditional: a duplicate event never creates a second delivery) and enqueue one message per
 *    endpoint, so a slow endpoint never holds up the others. A delivery that exists but was never
 *    attempted is enqueued again (the worker's conditional claim drops the extra copy): that covers
 *    a crash between creating the record and enqueueing it.
 */
import {
  PLATFORM_TENANT_ID,
  deliveryIdFor,
  messageFor,
  subscribes,
  type DeliveryState,
  type LoggedEvent,
} from '../domain/webhook';
import { buildOutboundEvent, isOutboundEventType, serializeOutboundEvent } from '../events/outbound';
import { DEFAULT_OUTBOUND_SOURCE } from '../events/envelope';
import type { Clock } from '../ports';
import type { DeliveryQueue, DeliveryStore, EndpointRepository } from '../ports/webhooks';
import type { WebhookEndpoint } from '../domain/webhook';

export const EVENT_LOG_DAYS = 14;

export interface FanOutDeps {
  readonly endpoints: Pick<EndpointRepository, 'list'>;
  readonly deliveries: DeliveryStore;
  readonly queue: DeliveryQueue;
  readonly clock: Clock;
}

export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

export interface FanOutResult {
  readonly eventId: string;
  readonly duplicate: boolean;
  readonly enqueued: number;
}

interface Envelope {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly subject?: string;
  readonly supplierid?: string;
  readonly data: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export function readEnvelope(raw: string): Envelope {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new InvalidEventError('event is not JSON');
  }
  const e = value as Record<string, unknown> | null;
  if (
    typeof e !== 'object' ||
    e === null ||
    e.specversion !== '1.0' ||
    typeof e.id !== 'string' ||
    typeof e.type !== 'string' ||
    typeof e.time !== 'string' ||
    typeof e.data !== 'object' ||
    e.data === null
  ) {
    throw new InvalidEventError('not a CloudEvents 1.0 envelope with id, type, time and data');
  }
  return e as unknown as Envelope;
}

/** The body receivers get: the validated outbound event, or (for a type without a schema) the envelope as is. */
export function webhookBody(envelope: Envelope): string {
  if (isOutboundEventType(envelope.type)) {
    try {
      return serializeOutboundEvent(
        buildOutboundEvent({
          id: envelope.id,
          type: envelope.type,
          time: envelope.time,
          ...(envelope.subject !== undefined ? { subject: envelope.subject } : {}),
          // Validated by the type's schema right here; unknown fields are dropped.
          data: envelope.data as never,
        }),
      );
    } catch {
      // Falls through: deliver what the producer sent rather than drop it.
    }
  }
  const { supplierid: _owner, ...rest } = envelope;
  return JSON.stringify({ ...rest, source: DEFAULT_OUTBOUND_SOURCE });
}

export const tenantOf = (envelope: Envelope): string =>
  typeof envelope.supplierid === 'string' && envelope.supplierid !== ''
    ? envelope.supplierid
    : PLATFORM_TENANT_ID;

const expiry = (nowMs: number) => Math.floor(nowMs / 1000) + EVENT_LOG_DAYS * 86_400;

/** Deliveries for one logged event to the given endpoints; returns how many messages were enqueued. */
export async function enqueueDeliveries(
  event: LoggedEvent,
  endpoints: readonly WebhookEndpoint[],
  deps: Pick<FanOutDeps, 'deliveries' | 'queue' | 'clock'>,
): Promise<number> {
  const nowMs = deps.clock.now().getTime();
  const states = await Promise.all(
    endpoints
      .filter((endpoint) => subscribes(endpoint, event.eventType))
      .map(async (endpoint) => {
        const state: DeliveryState = {
          deliveryId: deliveryIdFor(event.eventId, endpoint.endpointId),
          supplierId: endpoint.supplierId,
          endpointId: endpoint.endpointId,
          eventId: event.eventId,
          eventType: event.eventType,
          status: 'pending',
          attempt: 1,
          roundStart: 1,
          dueAtMs: nowMs,
          createdAtMs: event.loggedAtMs,
        };
        const created = await deps.deliveries.createDelivery(state, expiry(nowMs));
        if (created.created) return state;
        const existing = created.existing;
        return existing.status === 'pending' && existing.attempt === 1 ? existing : undefined;
      }),
  );
  const messages = states
    .filter((s): s is DeliveryState => s !== undefined)
    .map((state) => ({ message: messageFor(state, event.body), delaySeconds: 0 }));
  await deps.queue.send(messages);
  return messages.length;
}

export async function fanOutEvent(
  raw: string,
  deps: FanOutDeps,
  endpointsOf: (tenantId: string) => Promise<WebhookEndpoint[]> = (t) => deps.endpoints.list(t),
): Promise<FanOutResult> {
  const envelope = readEnvelope(raw);
  const tenantId = tenantOf(envelope);
  const nowMs = deps.clock.now().getTime();
  let event: LoggedEvent = {
    tenantId,
    eventId: envelope.id,
    eventType: envelope.type,
    time: envelope.time,
    body: webhookBody(envelope),
    loggedAtMs: nowMs,
  };
  const isNew = await deps.deliveries.logEvent(event, expiry(nowMs));
  if (!isNew) event = (await deps.deliveries.getEvent(tenantId, envelope.id)) ?? event;
  const enqueued = await enqueueDeliveries(event, await endpointsOf(tenantId), deps);
  return { eventId: envelope.id, duplicate: !isNew, enqueued };
}
