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
import type { SecretRotationSchedule } from './domain/secret-rotation';
import type { ReplayJob, ReplayLimitState, ReplayMessage } from './domain/replay-job';

export interface EndpointChanges {
  readonly eventTypes?: readonly string[];
  readonly description?: string;
  readonly enabled?: boolean;
  readonly secrets?: EndpointSecrets;
  /** A new rotation schedule, or null to remove it (issue 9). */
  readonly secretRotation?: SecretRotationSchedule | null;
}

/** An endpoint whose scheduled rotation is due, as the rotation index names it. */
export interface DueEndpointRef {
  readonly supplierId: string;
  readonly endpointId: string;
}

export interface EndpointRepository {
  /**
   * Creates the endpoint unless its supplier already has `maxPerSupplier`: the endpoint and the
   * supplier's endpoint counter are written in one transaction (race-safe).
   */
  create(endpoint: WebhookEndpoint, maxPerSupplier: number): Promise<'created' | 'limit-reached'>;
  get(supplierId: string, endpointId: string): Promise<WebhookEndpoint | undefined>;
  /** Every endpoint of a supplier (the fan-out; a supplier has at most a few dozen). */
  list(supplierId: string): Promise<WebhookEndpoint[]>;
  /** One page of a supplier's endpoints, in id order. */
  listPage(
    supplierId: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<Page<WebhookEndpoint>>;
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
  /**
   * Endpoints whose scheduled rotation is due at `nowIso` (next rotation at or before it), oldest
   * due first, a page at a time (the rotation index is eventually consistent: read each again).
   */
  dueForRotation(
    nowIso: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<Page<DueEndpointRef>>;
  /**
   * The scheduled rotation's write: new secrets and the next schedule, only if the endpoint is
   * still due at `expectedNextRotationAt` (a second run, or a manual rotation meanwhile, moved it).
   * False when that condition failed.
   */
  rotateOnSchedule(
    supplierId: string,
    endpointId: string,
    expectedNextRotationAt: string,
    secrets: EndpointSecrets,
    next: SecretRotationSchedule,
    updatedAt: string,
  ): Promise<boolean>;
}

/** The outcome of one attempt, to be written (`DeliveryStore.finishAttempts`). */
export interface FinishedAttempt {
  readonly deliveryId: string;
  readonly attempt: number;
  readonly next: Partial<DeliveryState>;
  /** Appended to the log in order: the attempt, after the record of a lost one it repeats. */
  readonly records: readonly AttemptRecord[];
}

export type FinishOutcome =
  { readonly ok: true; readonly written: boolean } | { readonly ok: false; readonly error: unknown };

export type ClaimResult =
  | {
      readonly ok: true;
      readonly state: DeliveryState;
      /**
       * Set when the claim took the attempt over from a claim whose lease ran out (its worker died,
       * or lost its outcome write): that lease's end. Its POST may have reached the endpoint.
       */
      readonly takenOverLeaseUntilMs?: number;
    }
  | { readonly ok: false; readonly current?: DeliveryState };

/**
 * The log's records of the attempts a cancel ends with no outcome written: `attempt` in flight past
 * its lease (`leaseUntilMs`), after the one that claim had itself taken over
 * (`takenOverLeaseUntilMs`, when it had: see ClaimResult).
 */
export type LostAttempts = (
  attempt: number,
  leases: { readonly leaseUntilMs: number; readonly takenOverLeaseUntilMs?: number },
) => readonly AttemptRecord[];

export interface Page<T> {
  readonly items: T[];
  readonly next?: Record<string, unknown>;
}

/** The event log (its own table, ADR 0017): every domain event as first sent, for replay and redelivery. */
export interface EventLogStore {
  /** False when the event was logged before (a duplicate). */
  logEvent(event: LoggedEvent, expiresAtSeconds: number): Promise<boolean>;
  eventsSince(
    supplierId: string,
    sinceIso: string,
    limit: number,
    cursor?: Record<string, unknown>,
  ): Promise<Page<LoggedEvent>>;
  getEvent(supplierId: string, eventId: string): Promise<LoggedEvent | undefined>;
}

export interface DeliveryStore {
  getDelivery(deliveryId: string): Promise<DeliveryState | undefined>;
  /**
   * Claim one attempt under `claimId`: creates the delivery (first attempt, conditional on not
   * existing: a duplicate event never makes a second delivery), or moves pending(attempt) ->
   * in-flight, or re-claims an in-flight one whose lease ran out. A delivery found in flight under
   * this same `claimId` is this claim (its first request was applied, its answer lost, the request
   * repeated): ok, not a duplicate.
   */
  claim(
    initial: DeliveryState,
    nowMs: number,
    leaseUntilMs: number,
    expiresAtSeconds: number,
    claimId: string,
  ): Promise<ClaimResult>;
  /** Write the outcome of an attempt and append its records to the delivery's log, if still in-flight at that attempt. */
  finishAttempt(
    deliveryId: string,
    attempt: number,
    next: Partial<DeliveryState>,
    records: readonly AttemptRecord[],
  ): Promise<boolean>;
  /**
   * `finishAttempt` for several deliveries in as few round trips as the store allows, each with the
   * same condition; one outcome per finish, in order (`written: false`: no longer in flight at that
   * attempt). One finish's error never fails another.
   */
  finishAttempts(finishes: readonly FinishedAttempt[]): Promise<FinishOutcome[]>;
  /** Records that a pending delivery waits for the breaker until `dueAtMs` (creating it if new). */
  defer(initial: DeliveryState, dueAtMs: number, expiresAtSeconds: number): Promise<void>;
  /**
   * Ends a delivery without an attempt (endpoint disabled/deleted), unless it ended already or an
   * attempt holds it within its lease (past the lease, nobody will finish that attempt). Returns
   * that lease's end when an attempt holds it, so the caller can look again then, or `nowMs` when
   * the delivery kept changing under the cancel for a few tries (look again soon). A cancel that
   * ends an attempt past its lease appends `lostAttempts`' records to the log and removes the lease
   * in the same write.
   */
  cancel(
    initial: DeliveryState,
    reason: string,
    nowMs: number,
    expiresAtSeconds: number,
    lostAttempts: LostAttempts,
  ): Promise<number | undefined>;
  /**
   * Start a new round (manual retry, replay, redrive): any status but pending/in-flight. A replay
   * job marks the delivery with its id, so that a resumed job does not send it twice.
   */
  restart(
    deliveryId: string,
    expectedAttempt: number,
    nextAttempt: number,
    dueAtMs: number,
    replayJobId?: string,
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

/** Replay jobs and the per-endpoint replay limit (Deliveries table). */
export interface ReplayJobStore {
  getJob(jobId: string): Promise<ReplayJob | undefined>;
  getLimit(endpointId: string): Promise<ReplayLimitState | undefined>;
  /**
   * In one transaction: the limit record moves to `limit` if its version is still
   * `limit.version - 1`, the new job is written, and a stale job it replaces is marked failed
   * (if it made no progress since `abandon.updatedAt`). False when another request won the race.
   */
  admit(
    job: ReplayJob,
    limit: ReplayLimitState,
    abandon?: { readonly jobId: string; readonly updatedAt: string },
  ): Promise<boolean>;
  /** Takes the job (queued or running, lease free or ours) for `owner`; undefined when it cannot. */
  acquire(
    jobId: string,
    owner: string,
    leaseUntilMs: number,
    nowMs: number,
    nowIso: string,
  ): Promise<ReplayJob | undefined>;
  /** Gives the lease up (after an error), keeping the last saved progress; if `owner` holds it. */
  release(jobId: string, owner: string): Promise<void>;
  /** Saves a running job's progress (cursor, counts), if `owner` still holds it; moves the lease. */
  checkpoint(job: ReplayJob, owner: string, leaseUntilMs: number): Promise<boolean>;
  /**
   * Ends a job (completed or failed) and frees the endpoint's replay slot, in one transaction;
   * only if `owner` holds it (or, without an owner, if nobody does). False otherwise.
   */
  finish(job: ReplayJob, owner?: string): Promise<boolean>;
}

export interface ReplayQueue {
  send(message: ReplayMessage, delaySeconds?: number): Promise<void>;
}
