/** What the webhook use cases need from the outside world; adapters implement these against AWS. */
import type {
  AttemptRecord,
  DeliveryMessage,
  DeliveryState,
  DisabledReason,
  LoggedEvent,
  WebhookEndpoint,
} from './domain/webhook';
import type { EndpointSecrets } from './domain/signing';

export interface EndpointChanges {
  readonly eventTypes?: readonly string[];
  readonly description?: string;
  readonly enabled?: boolean;
  readonly secrets?: EndpointSecrets;
}

export interface EndpointRepository {
  create(endpoint: WebhookEndpoint): Promise<void>;
  get(supplierId: string, endpointId: string): Promise<WebhookEndpoint | undefined>;
  list(supplierId: string): Promise<WebhookEndpoint[]>;
  /** Undefined when the endpoint does not exist. */
  update(
    supplierId: string,
    endpointId: string,
    changes: EndpointChanges,
    updatedAt: string,
  ): Promise<WebhookEndpoint | undefined>;
  delete(supplierId: string, endpointId: string): Promise<boolean>;
  /** True only for the caller whose write disabled an enabled endpoint. */
  disable(supplierId: string, endpointId: string, reason: DisabledReason, at: string): Promise<boolean>;
}

export type ClaimResult =
  | { readonly ok: true; readonly state: DeliveryState }
  | { readonly ok: false; readonly current?: DeliveryState };

export interface Page<T> {
  readonly items: T[];
  readonly next?: Record<string, unknown>;
}

export interface DeliveryStore {
  /** False when the event was logged before (a duplicate). */
  logEvent(event: LoggedEvent, expiresAtSeconds: number): Promise<boolean>;
  eventsSince(
    tenantId: string,
    sinceIso: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<Page<LoggedEvent>>;
  getEvent(tenantId: string, eventId: string): Promise<LoggedEvent | undefined>;
  getDelivery(deliveryId: string): Promise<DeliveryState | undefined>;
  /**
   * Claim one attempt: creates the delivery (first attempt, conditional on not existing: a
   * duplicate event never makes a second delivery), or moves pending(attempt) -> in-flight, or
   * re-claims an in-flight one whose lease ran out.
   */
  claim(
    initial: DeliveryState,
    nowMs: number,
    leaseUntilMs: number,
    expiresAtSeconds: number,
  ): Promise<ClaimResult>;
  /** Write the outcome of an attempt and append it to the delivery's log, if still in-flight at that attempt. */
  finishAttempt(
    deliveryId: string,
    attempt: number,
    next: Partial<DeliveryState>,
    record: AttemptRecord,
  ): Promise<boolean>;
  /** Records that a pending delivery waits for the breaker until `dueAtMs` (creating it if new). */
  defer(initial: DeliveryState, dueAtMs: number, expiresAtSeconds: number): Promise<void>;
  /** Ends a delivery without an attempt (endpoint disabled/deleted), unless it ended already. */
  cancel(initial: DeliveryState, reason: string, nowMs: number, expiresAtSeconds: number): Promise<void>;
  /** Start a new round (manual retry, replay, redrive): any status but pending/in-flight. */
  restart(
    deliveryId: string,
    expectedAttempt: number,
    nextAttempt: number,
    dueAtMs: number,
  ): Promise<boolean>;
  /** Deliveries of an endpoint with their attempts, newest first. */
  listDeliveries(
    endpointId: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<Page<DeliveryState>>;
}

export interface DeliveryQueue {
  /** Sends each message with its delay (0..900 s). */
  send(messages: readonly { message: DeliveryMessage; delaySeconds: number }[]): Promise<void>;
  /** Parks a delivery whose retries ran out in the queue's DLQ. */
  deadLetter(message: DeliveryMessage): Promise<void>;
}
