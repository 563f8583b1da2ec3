/** What the webhook use cases need from the outside world; adapters implement these against AWS. */
import type {
  AttemptRecord,
  DeliveryMessage,
  DeliveryState,
  DisabledReason,
  LoggedEvent,
  WebhookEndpoint,
} from '../domain/webhook';
import type { EndpointSecrets } from '../webhooks/signing';

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

export interface DeliveryStore {
  /** False when the event was logged before (a duplicate). */
  logEvent(event: LoggedEvent, expiresAtSeconds: number): Promise<boolean>;
  eventsSince(
    tenantId: string,
    sinceIso: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ items: LoggedEvent[]; next?: Record<string, unknown> }>;
  getEvent(tenantId: string, eventId: string): Promise<LoggedEvent | undefined>;
  /** Creates the state if absent; returns the existing state otherwise. */
  createDelivery(
    state: DeliveryState,
    expiresAtSeconds: number,
  ): Promise<{ created: true } | { created: false; existing: DeliveryState }>;
  getDelivery(deliveryId: string): Promise<DeliveryState | undefined>;
  /** pending(attempt) -> in-flight(attempt), or re-claim an in-flight one whose lease ran out. */
  claim(deliveryId: string, attempt: number, nowMs: number, leaseUntilMs: number): Promise<ClaimResult>;
  /** Write the outcome of an attempt, if the delivery is still in-flight at that attempt. */
  finishAttempt(deliveryId: string, attempt: number, next: Partial<DeliveryState>): Promise<boolean>;
  /** Terminal without an attempt (endpoint disabled/deleted), unless already terminal. */
  cancel(deliveryId: string, reason: string, nowMs: number): Promise<void>;
  /** Start a new round (manual retry, replay, redrive): any status but pending/in-flight. */
  restart(deliveryId: string, expectedAttempt: number, nextAttempt: number, dueAtMs: number): Promise<boolean>;
  recordAttempt(record: AttemptRecord, expiresAtSeconds: number): Promise<void>;
  listAttempts(
    endpointId: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<{ items: AttemptRecord[]; next?: Record<string, unknown> }>;
  listDeliveries(endpointId: string): Promise<DeliveryState[]>;
}

export interface DeliveryQueue {
  /** Sends each message with its delay (0..900 s). */
  send(messages: readonly { message: DeliveryMessage; delaySeconds: number }[]): Promise<void>;
  /** Parks a delivery whose retries ran out in the queue's DLQ. */
  deadLetter(message: DeliveryMessage): Promise<void>;
}
