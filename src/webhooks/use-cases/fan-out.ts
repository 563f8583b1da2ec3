/**
 * Fan-out of one domain event (a CloudEvent from the Events queue) to webhook deliveries.
 * 1. Read the envelope; its owner is the `supplierid` extension, or the platform tenant for
 *    events that belong to no supplier (couples' budgets).
 * 2. Build the webhook body once (the outbound CloudEvent) and log the event for replay (14 days);
 *    a duplicate event keeps the body logged first.
 * 3. Enqueue one message per enabled endpoint of the owner subscribed to the type, so a slow
 *    endpoint never holds up the others. The delivery record is created by the worker's first
 *    claim, conditional on not existing: a duplicate event never causes a second delivery.
 * `fanOutEvents` does steps 1-2 for every event of an SQS batch, then step 3 for all of them
 * together (SendMessageBatch holds 10 messages: one call per 10 deliveries instead of one per
 * event); an event is done only once every one of its messages was accepted.
 */
import {
  deliveryIdFor,
  subscribes,
  type DeliveryMessage,
  type LoggedEvent,
  type WebhookEndpoint,
} from '../domain/webhook';
import { PLATFORM_SUPPLIER_ID } from '../../events';
import { buildOutboundEvent, isOutboundEventType, serializeOutboundEvent } from '../../events';
import { DEFAULT_OUTBOUND_SOURCE } from '../../events';
import type { Clock } from '../../shared/clock';
import { CORRELATION_EXTENSION, withCorrelationId } from '../../shared/correlation';
import type { DeliveryQueue, EndpointRepository, EventLogStore } from '../ports';

export const EVENT_LOG_DAYS = 14;

export interface FanOutDeps {
  readonly endpoints: Pick<EndpointRepository, 'list'>;
  readonly eventLog: Pick<EventLogStore, 'logEvent' | 'getEvent'>;
  readonly queue: Pick<DeliveryQueue, 'send'>;
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
  /** False when the event did not match its published schema and was delivered as sent. */
  readonly matchedSchema: boolean;
  /** The event as logged (for a duplicate, as first logged): its owner, type and webhook body. */
  readonly event: Pick<LoggedEvent, 'supplierId' | 'eventType' | 'body'>;
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

/**
 * The body receivers get: the validated outbound event, or (for a type without a schema, or an
 * event that fails its schema) the envelope as is; `matchedSchema` says which, so the caller can
 * count and log contract drift instead of hiding it.
 */
export function webhookBody(envelope: Envelope): { body: string; matchedSchema: boolean } {
  if (isOutboundEventType(envelope.type)) {
    try {
      const body = serializeOutboundEvent(
        buildOutboundEvent({
          id: envelope.id,
          type: envelope.type,
          time: envelope.time,
          ...(envelope.subject !== undefined ? { subject: envelope.subject } : {}),
          // Validated by the type's schema right here; unknown fields are dropped.
          data: envelope.data as never,
        }),
      );
      return { body, matchedSchema: true };
    } catch {
      // Falls through: deliver what the producer sent rather than drop it.
    }
  }
  const { supplierid: _owner, ...rest } = envelope;
  return { body: JSON.stringify({ ...rest, source: DEFAULT_OUTBOUND_SOURCE }), matchedSchema: false };
}

export const ownerOf = (envelope: Envelope): string =>
  typeof envelope.supplierid === 'string' && envelope.supplierid !== ''
    ? envelope.supplierid
    : PLATFORM_SUPPLIER_ID;

const expiry = (nowMs: number) => Math.floor(nowMs / 1000) + EVENT_LOG_DAYS * 86_400;

/** First-attempt messages of a logged event for the given endpoints (those subscribed to it). */
export function deliveryMessages(
  event: LoggedEvent,
  endpoints: readonly WebhookEndpoint[],
  nowMs: number,
): { message: DeliveryMessage; delaySeconds: number }[] {
  return endpoints
    .filter((endpoint) => subscribes(endpoint, event.eventType))
    .map((endpoint) => ({
      message: {
        v: 1,
        kind: 'attempt',
        deliveryId: deliveryIdFor(event.eventId, endpoint.endpointId),
        supplierId: endpoint.supplierId,
        endpointId: endpoint.endpointId,
        eventId: event.eventId,
        eventType: event.eventType,
        attempt: 1,
        dueAtMs: nowMs,
        createdAtMs: event.loggedAtMs,
        body: event.body,
        ...withCorrelationId(event.correlationId),
      },
      delaySeconds: 0,
    }));
}

/** Steps 1-2 for one event: its log entry (or the entry first logged) and its messages, not yet sent. */
async function prepareFanOut(
  raw: string,
  deps: FanOutDeps,
  endpointsOf: (supplierId: string) => Promise<WebhookEndpoint[]>,
): Promise<{ result: FanOutResult; messages: { message: DeliveryMessage; delaySeconds: number }[] }> {
  const envelope = readEnvelope(raw);
  const supplierId = ownerOf(envelope);
  const nowMs = deps.clock.now().getTime();
  const { body, matchedSchema } = webhookBody(envelope);
  let event: LoggedEvent = {
    supplierId,
    eventId: envelope.id,
    eventType: envelope.type,
    time: envelope.time,
    body,
    loggedAtMs: nowMs,
    ...withCorrelationId(envelope[CORRELATION_EXTENSION]),
  };
  // The owner's endpoints are read while the event is logged (two round trips at once, not in turn).
  const endpoints = endpointsOf(supplierId);
  endpoints.catch(() => undefined); // awaited below; a failed log write must not leave it unhandled
  const isNew = await deps.eventLog.logEvent(event, expiry(nowMs));
  // A duplicate keeps the body logged first. Its messages are sent again (a crash may have come
  // between logging and sending); the worker's conditional claim drops the ones already handled.
  if (!isNew) event = (await deps.eventLog.getEvent(supplierId, envelope.id)) ?? event;
  const messages = deliveryMessages(event, await endpoints, nowMs);
  return {
    result: {
      eventId: envelope.id,
      duplicate: !isNew,
      enqueued: messages.length,
      matchedSchema,
      event: { supplierId: event.supplierId, eventType: event.eventType, body: event.body },
    },
    messages,
  };
}

export async function fanOutEvent(
  raw: string,
  deps: FanOutDeps,
  endpointsOf: (supplierId: string) => Promise<WebhookEndpoint[]> = (t) => deps.endpoints.list(t),
): Promise<FanOutResult> {
  const { result, messages } = await prepareFanOut(raw, deps, endpointsOf);
  await deps.queue.send(messages);
  return result;
}

/** Messages per SendMessageBatch call. */
export const SEND_BATCH_SIZE = 10;

export type FanOutOutcome =
  { readonly ok: true; readonly result: FanOutResult } | { readonly ok: false; readonly error: unknown };

/**
 * Fans out a batch of events (raw SQS bodies, in order): each is logged and its messages built
 * concurrently, then every message of the batch is sent in calls of SEND_BATCH_SIZE. Returns one
 * outcome per event, in the same order. An event whose log write or any of whose sends failed is
 * a failure (the caller has it redelivered: logged events are then duplicates, and messages sent
 * twice lose the worker's claim); one event's failure never fails another whose messages all went.
 */
export async function fanOutEvents(
  raws: readonly string[],
  deps: FanOutDeps,
  endpointsOf: (supplierId: string) => Promise<WebhookEndpoint[]> = (t) => deps.endpoints.list(t),
): Promise<FanOutOutcome[]> {
  const prepared = await Promise.all(
    raws.map((raw) =>
      prepareFanOut(raw, deps, endpointsOf).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ),
  );
  const outbox: { index: number; item: { message: DeliveryMessage; delaySeconds: number } }[] = [];
  prepared.forEach((p, index) => {
    if (p.ok) for (const item of p.value.messages) outbox.push({ index, item });
  });
  const sendErrors = new Map<number, unknown>();
  const chunks: (typeof outbox)[] = [];
  for (let start = 0; start < outbox.length; start += SEND_BATCH_SIZE) {
    chunks.push(outbox.slice(start, start + SEND_BATCH_SIZE));
  }
  await Promise.all(
    chunks.map(async (chunk) => {
      try {
        await deps.queue.send(chunk.map(({ item }) => item));
      } catch (error) {
        for (const { index } of chunk) if (!sendErrors.has(index)) sendErrors.set(index, error);
      }
    }),
  );
  return prepared.map((p, index): FanOutOutcome => {
    if (!p.ok) return { ok: false, error: p.error };
    if (sendErrors.has(index)) return { ok: false, error: sendErrors.get(index) };
    return { ok: true, result: p.value.result };
  });
}
