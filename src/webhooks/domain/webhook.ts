/**
 * Webhook endpoints, deliveries and the messages between fan-out and delivery worker. Pure types
 * and rules; no AWS imports.
 */
import { eventIdFor } from '../../shared/ids';
import type { EndpointSecrets } from './signing';
import type { SecretRotationSchedule } from './secret-rotation';

/**
 * The tenant whose endpoints receive events that belong to no supplier (couples' budget
 * events): the WedSync app's own account. Create it once with
 * `npm run cli -- create-supplier --name "WedSync app" --supplier-id wedsync-app`.
 */
export const PLATFORM_SUPPLIER_ID = 'wedsync-app';

export type DisabledReason = 'gone' | 'failing' | 'manual';

export interface WebhookEndpoint {
  readonly endpointId: string;
  readonly supplierId: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description?: string;
  readonly enabled: boolean;
  readonly disabledReason?: DisabledReason;
  readonly disabledAt?: string;
  readonly secrets: EndpointSecrets;
  /** Scheduled rotation of the signing secret (issue 9), when the supplier asked for one. */
  readonly secretRotation?: SecretRotationSchedule;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the API shows: never the secret (it is returned once, on creation and rotation). */
export interface WebhookEndpointView {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description?: string;
  readonly enabled: boolean;
  readonly disabledReason?: DisabledReason;
  readonly disabledAt?: string;
  /** During a rotation overlap: when the previous secret stops signing. */
  readonly previousSecretExpiresAt?: string;
  /** The rotation period and when the next scheduled rotation is due. */
  readonly secretRotation?: SecretRotationSchedule;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function endpointView(endpoint: WebhookEndpoint, nowMs: number): WebhookEndpointView {
  const previous = endpoint.secrets.previous;
  return {
    id: endpoint.endpointId,
    url: endpoint.url,
    eventTypes: endpoint.eventTypes,
    ...(endpoint.description !== undefined ? { description: endpoint.description } : {}),
    enabled: endpoint.enabled,
    ...(endpoint.disabledReason ? { disabledReason: endpoint.disabledReason } : {}),
    ...(endpoint.disabledAt ? { disabledAt: endpoint.disabledAt } : {}),
    ...(previous && previous.expiresAtMs > nowMs
      ? { previousSecretExpiresAt: new Date(previous.expiresAtMs).toISOString() }
      : {}),
    ...(endpoint.secretRotation
      ? {
          secretRotation: {
            everyDays: endpoint.secretRotation.everyDays,
            nextRotationAt: endpoint.secretRotation.nextRotationAt,
          },
        }
      : {}),
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

/** The signing secrets as the supplier may read them (GET .../secret): to pick up a rotation. */
export interface EndpointSecretView {
  readonly secret: string;
  readonly previousSecret?: string;
  readonly previousSecretExpiresAt?: string;
  readonly nextRotationAt?: string;
}

export function endpointSecretView(endpoint: WebhookEndpoint, nowMs: number): EndpointSecretView {
  const previous = endpoint.secrets.previous;
  const live = previous && previous.expiresAtMs > nowMs && previous.secret !== endpoint.secrets.current;
  return {
    secret: endpoint.secrets.current,
    ...(live
      ? {
          previousSecret: previous.secret,
          previousSecretExpiresAt: new Date(previous.expiresAtMs).toISOString(),
        }
      : {}),
    ...(endpoint.secretRotation ? { nextRotationAt: endpoint.secretRotation.nextRotationAt } : {}),
  };
}

export const subscribes = (endpoint: WebhookEndpoint, eventType: string): boolean =>
  endpoint.enabled && endpoint.eventTypes.includes(eventType);

/** An event as the fan-out logged it (kept 14 days for replay). */
export interface LoggedEvent {
  readonly supplierId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly time: string;
  /** The exact webhook body: the outbound CloudEvent, serialised once. */
  readonly body: string;
  readonly loggedAtMs: number;
  /** The request that caused the event (its `correlationid` extension), for logs and `cli trace`. */
  readonly correlationId?: string;
}

export type DeliveryStatus = 'pending' | 'in-flight' | 'delivered' | 'failed' | 'cancelled';

export interface DeliveryState {
  readonly deliveryId: string;
  readonly supplierId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: DeliveryStatus;
  /** Number of the current (or last) attempt; only grows, so a stale message is recognised. */
  readonly attempt: number;
  /** The attempt that began the current retry schedule (1, or the attempt of a manual retry/replay). */
  readonly roundStart: number;
  readonly dueAtMs: number;
  readonly createdAtMs: number;
  readonly leaseUntilMs?: number;
  /**
   * The claim that holds an in-flight delivery (one per processing of a message): a claim whose
   * answer was lost and whose request the SDK repeated finds its own id and goes on (ADR 0005).
   */
  readonly claimId?: string;
  readonly lastStatusCode?: number;
  readonly lastError?: string;
  /** Why a delivery ended without success: exhausted, gone, endpoint-disabled, endpoint-deleted. */
  readonly reason?: string;
  readonly finishedAtMs?: number;
  /** The attempt log of this delivery, oldest first. */
  readonly attempts?: readonly AttemptRecord[];
  /** The replay job that last (re)started this delivery: a resumed job does not send it twice. */
  readonly replayJobId?: string;
  /** The request that caused the event (first message's), for logs and `cli trace`. */
  readonly correlationId?: string;
}

/** One SQS message on the Deliveries queue: one attempt (or hop) of one (event, endpoint). */
export interface DeliveryMessage {
  readonly v: 1;
  /** `dead-letter`: sent to the DLQ when retries ran out; a redrive of it is a manual retry. */
  readonly kind: 'attempt' | 'dead-letter';
  readonly deliveryId: string;
  readonly supplierId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempt: number;
  readonly dueAtMs: number;
  /** When the event was logged: end-to-end latency is measured from here. */
  readonly createdAtMs: number;
  readonly body: string;
  /** Set on a first attempt sent by a replay job; recorded on the delivery when it is created. */
  readonly replayJobId?: string;
  /** The event's correlation id; every retry of the delivery carries it on. */
  readonly correlationId?: string;
}

export function isDeliveryMessage(value: unknown): value is DeliveryMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return (
    m.v === 1 &&
    (m.kind === 'attempt' || m.kind === 'dead-letter') &&
    typeof m.deliveryId === 'string' &&
    typeof m.supplierId === 'string' &&
    typeof m.endpointId === 'string' &&
    typeof m.eventId === 'string' &&
    typeof m.eventType === 'string' &&
    typeof m.body === 'string' &&
    Number.isInteger(m.attempt) &&
    typeof m.dueAtMs === 'number' &&
    typeof m.createdAtMs === 'number' &&
    (m.replayJobId === undefined || typeof m.replayJobId === 'string') &&
    (m.correlationId === undefined || typeof m.correlationId === 'string')
  );
}

/** One row of the delivery log. */
export interface AttemptRecord {
  readonly deliveryId: string;
  readonly endpointId: string;
  readonly supplierId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempt: number;
  readonly at: string;
  readonly outcome: 'success' | 'failure' | 'gone' | 'rate-limited';
  readonly statusCode?: number;
  readonly latencyMs: number;
  readonly response: string;
  readonly responseTruncated: boolean;
  readonly error?: string;
  readonly errorCode?: string;
  /** What happens next: delivered, retry at a time, exhausted, endpoint disabled. */
  readonly next: string;
}

/** Deterministic: the same (event, endpoint) always has the same delivery id. */
export const deliveryIdFor = (eventId: string, endpointId: string): string =>
  `dlv_${eventIdFor(`${eventId}#${endpointId}`, 'webhook.delivery').slice(4)}`;

/** The state a delivery starts from, as its first message describes it. */
export function initialState(message: DeliveryMessage): DeliveryState {
  return {
    deliveryId: message.deliveryId,
    supplierId: message.supplierId,
    endpointId: message.endpointId,
    eventId: message.eventId,
    eventType: message.eventType,
    status: 'pending',
    attempt: message.attempt,
    roundStart: message.attempt,
    dueAtMs: message.dueAtMs,
    createdAtMs: message.createdAtMs,
    ...(message.replayJobId ? { replayJobId: message.replayJobId } : {}),
    ...(message.correlationId ? { correlationId: message.correlationId } : {}),
  };
}

export function messageFor(state: DeliveryState, body: string): DeliveryMessage {
  return {
    v: 1,
    kind: 'attempt',
    deliveryId: state.deliveryId,
    supplierId: state.supplierId,
    endpointId: state.endpointId,
    eventId: state.eventId,
    eventType: state.eventType,
    attempt: state.attempt,
    dueAtMs: state.dueAtMs,
    createdAtMs: state.createdAtMs,
    body,
    ...(state.correlationId ? { correlationId: state.correlationId } : {}),
  };
}
