/**
 * The delivery worker's batch: one SQS message is one attempt (or one waiting hop) of one
 * (event, endpoint) delivery. Per endpoint in the batch:
 * 1. Messages not yet due are sent on with DelaySeconds hops (ADR 0003); no attempt is spent.
 * 2. The endpoint is read: deleted or disabled endpoints end their deliveries as `cancelled`.
 * 3. The shared circuit breaker decides: send, send one probe, defer (re-enqueue until it may
 *    send, no attempt spent) or disabled.
 * 4. Each delivery is claimed with a conditional write under a fresh claim id (a duplicate message
 *    loses and is dropped; a repeated request of this very claim, after a lost answer, wins),
 *    signed afresh (same webhook-id, new timestamp), SSRF-checked and POSTed to the pinned address.
 * 5. The next step is enqueued before the state moves on (a crash in between repeats an attempt,
 *    never loses one): retry per schedule (Retry-After honoured), or the DLQ when retries ran out;
 *    410 disables the endpoint. A retry's attempt is logged at once; the group's other attempts
 *    (delivered, exhausted, gone) together afterwards (conditional writes, a round trip per 25).
 * 6. The outcomes are folded into the breaker in one compare-and-set per endpoint; the write that
 *    disables an endpoint (410, or failing for 5 days) emits `endpoint.disabled`.
 * Returns the ids of the messages to retry (partial batch response).
 */
import { randomUUID } from 'node:crypto';
import { eventIdFor } from '../../shared/ids';
import type { DomainEvent } from '../../events';
import {
  initialState,
  isDeliveryMessage,
  type AttemptRecord,
  type DeliveryMessage,
  type DeliveryState,
  type DisabledReason,
  type WebhookEndpoint,
} from '../domain/webhook';
import type { Clock } from '../../shared/clock';
import type { BreakerStatus } from '../../shared/circuit-breaker';
import type { EventPublisher } from '../../events';
import type {
  DeliveryQueue,
  DeliveryStore,
  EndpointRepository,
  FinishedAttempt,
  FinishOutcome,
  LostAttempts,
} from '../ports';
import type { WebhookConfig } from '../config';
import {
  acquire,
  recordOutcome,
  releasedProbe,
  initialBreakerState,
  type BreakerState,
  type BreakerStore,
  type ReportedOutcome,
} from '../domain/circuit-breaker';
import type { DeliverWebhookRequest, DeliveryResult, HttpDeliveryOptions } from '../adapters/http-delivery';
import { nextAttempt, planWait } from '../domain/retry-schedule';
import { signDelivery } from '../domain/signing';

export const DELIVERY_LOG_DAYS = 14;

export type DeliveryMetric =
  | { readonly name: 'attempt'; readonly outcome: ReportedOutcome; readonly latencyMs: number }
  | { readonly name: 'delivered'; readonly endToEndMs: number }
  | { readonly name: 'exhausted' | 'deferred' | 'hop' | 'duplicate' | 'cancelled' }
  | { readonly name: 'breaker-state'; readonly from: BreakerStatus; readonly to: BreakerStatus }
  | { readonly name: 'endpoint-disabled'; readonly reason: DisabledReason };

export interface DeliveryDeps {
  readonly endpoints: Pick<EndpointRepository, 'get' | 'disable'>;
  readonly deliveries: DeliveryStore;
  readonly queue: DeliveryQueue;
  readonly breakers: BreakerStore;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly random: () => number;
  readonly config: WebhookConfig;
  readonly send: (request: DeliverWebhookRequest, options: HttpDeliveryOptions) => Promise<DeliveryResult>;
  readonly onMetric: (metric: DeliveryMetric) => void;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}

export interface QueuedDelivery {
  readonly messageId: string;
  readonly body: string;
}

const expiry = (nowMs: number) => Math.floor(nowMs / 1000) + DELIVERY_LOG_DAYS * 86_400;
const now = (deps: DeliveryDeps) => deps.clock.now().getTime();

export async function processDeliveryBatch(
  records: readonly QueuedDelivery[],
  deps: DeliveryDeps,
): Promise<string[]> {
  const failed: string[] = [];
  const byEndpoint = new Map<string, { messageId: string; message: DeliveryMessage }[]>();
  for (const { messageId, body } of records) {
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      message = undefined;
    }
    if (!isDeliveryMessage(message)) {
      // Only our own code writes this queue: a bad message is a bug; let it reach the DLQ.
      deps.onError(new Error('malformed delivery message'), { messageId });
      failed.push(messageId);
      continue;
    }
    const group = byEndpoint.get(message.endpointId) ?? [];
    group.push({ messageId, message });
    byEndpoint.set(message.endpointId, group);
  }
  await Promise.all(
    [...byEndpoint.values()].map(async (group) => {
      try {
        failed.push(...(await processEndpointGroup(group, deps)));
      } catch (error) {
        deps.onError(error, { endpointId: group[0]?.message.endpointId });
        failed.push(...group.map((g) => g.messageId));
      }
    }),
  );
  return failed;
}

async function processEndpointGroup(
  group: readonly { messageId: string; message: DeliveryMessage }[],
  deps: DeliveryDeps,
): Promise<string[]> {
  const failed: string[] = [];
  const nowMs = now(deps);
  const hops: { message: DeliveryMessage; delaySeconds: number }[] = [];
  const due: { messageId: string; message: DeliveryMessage }[] = [];
  for (const item of group) {
    if (item.message.kind === 'dead-letter') {
      // A redrive from the DLQ: start a new round now, like a manual retry.
      const restarted = await restartDelivery(item.message, deps);
      if (restarted) due.push({ messageId: item.messageId, message: restarted });
      continue;
    }
    const plan = planWait(item.message.dueAtMs, nowMs);
    if (plan.action === 'wait') hops.push({ message: item.message, delaySeconds: plan.delaySeconds });
    else if (due.some(({ message }) => sameStep(message, item.message))) {
      // Two copies of one step in a batch (a redelivered event's fan-out): the first one's
      // message stands for both; it is retried should it fail, so this one is done.
      deps.onMetric({ name: 'duplicate' });
    } else due.push(item);
  }
  if (hops.length > 0) {
    await deps.queue.send(hops);
    for (let i = 0; i < hops.length; i++) deps.onMetric({ name: 'hop' });
  }
  if (due.length === 0) return failed;

  const first = due[0]!.message;
  const endpoint = await deps.endpoints.get(first.supplierId, first.endpointId);
  if (!endpoint || !endpoint.enabled) {
    await cancelDeliveries(due, endpoint ? 'endpoint-disabled' : 'endpoint-deleted', nowMs, deps);
    return failed;
  }

  // The breaker decides once for the group: closed sends all, half-open sends one probe.
  const decision = await acquire(deps.breakers, endpoint.endpointId, { nowMs, config: deps.config.breaker });
  if (decision.action === 'disabled') {
    await disableEndpoint(endpoint, decision.reason, deps);
    await cancelDeliveries(due, 'endpoint-disabled', nowMs, deps);
    return failed;
  }
  const sendNow = decision.action === 'send' ? (decision.probe ? due.slice(0, 1) : due) : [];
  const deferred = due.slice(sendNow.length);
  if (deferred.length > 0) {
    const untilMs =
      decision.action === 'defer'
        ? decision.untilMs
        : nowMs + (decision.action === 'send' && decision.probe ? deps.config.breaker.probeLeaseMs : 0);
    // Spread the wake-ups over a few seconds so a recovering endpoint is not hit in lockstep.
    const waits = deferred.map(({ message }) => {
      const dueAtMs = untilMs + Math.floor(deps.random() * 5000);
      return { message: { ...message, dueAtMs }, delaySeconds: planDelay(dueAtMs, nowMs) };
    });
    await deps.queue.send(waits);
    // The log shows the delivery waiting (no attempt spent).
    await Promise.all(
      waits.map(({ message }) =>
        deps.deliveries.defer(initialState(message), message.dueAtMs, expiry(nowMs)),
      ),
    );
    for (let i = 0; i < deferred.length; i++) deps.onMetric({ name: 'deferred' });
  }

  const outcomes: ReportedOutcome[] = [];
  let probeOutcome: ReportedOutcome | undefined;
  let lastStatusCode: number | undefined;
  const attempted: { messageId: string; message: DeliveryMessage; sent: SentAttempt }[] = [];
  const heldElsewhere: { message: DeliveryMessage; delaySeconds: number }[] = [];
  const attemptFailed = (messageId: string, message: DeliveryMessage, error: unknown) => {
    deps.onError(error, {
      deliveryId: message.deliveryId,
      attempt: message.attempt,
      correlationId: message.correlationId,
    });
    failed.push(messageId);
  };
  await Promise.all(
    sendNow.map(async ({ messageId, message }) => {
      try {
        const result = await attemptDelivery(endpoint, message, deps);
        if (result === 'retry-later') failed.push(messageId);
        else if (result === 'skipped') return;
        else if ('heldUntilMs' in result) {
          const dueAtMs = lookAgainAtMs(result.heldUntilMs, nowMs);
          heldElsewhere.push({ message: { ...message, dueAtMs }, delaySeconds: planDelay(dueAtMs, nowMs) });
        } else attempted.push({ messageId, message, sent: result });
      } catch (error) {
        attemptFailed(messageId, message, error);
      }
    }),
  );
  // A copy of an attempt held by another claim looks again later as a hop (no attempt spent, no
  // receive counted towards the DLQ), then claims or finds the delivery finished (lookAgainAtMs).
  if (heldElsewhere.length > 0) {
    await deps.queue.send(heldElsewhere);
    for (let i = 0; i < heldElsewhere.length; i++) deps.onMetric({ name: 'hop' });
  }
  // The group's outcomes left to write go together (a round trip per 25, not one each). A write
  // that failed leaves its delivery in flight: its message is retried and re-claims after the lease.
  const batched = attempted.filter((a) => a.sent.finish !== undefined);
  const finished =
    batched.length > 0 ? await deps.deliveries.finishAttempts(batched.map((a) => a.sent.finish!)) : [];
  attempted.forEach(({ messageId, message, sent }) => {
    const index = batched.findIndex((a) => a.messageId === messageId);
    const written: FinishOutcome | undefined = index < 0 ? { ok: true, written: true } : finished[index];
    if (!written?.ok) return attemptFailed(messageId, message, written?.error ?? new Error('not written'));
    if (decision.action === 'send' && decision.probe) probeOutcome = sent.result.outcome;
    else outcomes.push(sent.result.outcome);
    lastStatusCode = sent.result.statusCode ?? lastStatusCode;
  });

  const probeId = decision.action === 'send' && decision.probe ? decision.probeId : undefined;
  if (outcomes.length > 0 || probeOutcome !== undefined) {
    const disabled = await reportOutcomes(endpoint.endpointId, outcomes, probeOutcome, probeId, deps);
    if (disabled)
      await disableEndpoint(endpoint, disabled.reason, deps, disabled.failingSinceMs, lastStatusCode);
  } else if (probeId !== undefined) {
    // The probe was claimed but not sent (a stale message): give the claim back at once.
    await reportOutcomes(endpoint.endpointId, [], undefined, probeId, deps).catch(() => undefined);
  }
  return failed;
}

/**
 * Ends the group's deliveries without an attempt. One that an attempt still holds within its lease
 * (its worker may yet write the outcome, or died with its claim's answer lost) is looked at again
 * when the lease ends, as a hop: dropping its message would leave it in flight for good.
 */
async function cancelDeliveries(
  due: readonly { message: DeliveryMessage }[],
  reason: string,
  nowMs: number,
  deps: DeliveryDeps,
): Promise<void> {
  const held: { message: DeliveryMessage; delaySeconds: number }[] = [];
  await Promise.all(
    due.map(async ({ message }) => {
      const initial = initialState(message);
      const heldUntilMs = await deps.deliveries.cancel(
        initial,
        reason,
        nowMs,
        expiry(nowMs),
        lostAttemptsEndedBy(initial, reason, deps),
      );
      if (heldUntilMs === undefined) return deps.onMetric({ name: 'cancelled' });
      const dueAtMs = lookAgainAtMs(heldUntilMs, nowMs);
      held.push({ message: { ...message, dueAtMs }, delaySeconds: planDelay(dueAtMs, nowMs) });
    }),
  );
  if (held.length === 0) return;
  await deps.queue.send(held);
  for (let i = 0; i < held.length; i++) deps.onMetric({ name: 'hop' });
}

/** How long a claim holds its attempt past the POST's own timeout (to write the outcome). */
const LEASE_MARGIN_MS = 60_000;
/** Time a live holder has, after its POST's timeout, to write the outcome before a copy looks. */
const OUTCOME_GRACE_MS = 5_000;

/**
 * When a copy of an attempt that another claim holds (until `heldUntilMs`) looks again. A live
 * holder's POST is over by the lease less its margin and its outcome written soon after: the first
 * look is then, so a duplicate is dropped within seconds, not at the lease's end a minute later.
 * Held still at that look (a slow holder, or one whose claim's answer was lost), the next is at the
 * lease's end, when the claim can be taken.
 */
export function lookAgainAtMs(heldUntilMs: number, nowMs: number): number {
  const holderDoneMs = heldUntilMs - LEASE_MARGIN_MS + OUTCOME_GRACE_MS;
  return holderDoneMs > nowMs ? holderDoneMs : heldUntilMs + 1000;
}

const sameStep = (a: DeliveryMessage, b: DeliveryMessage) =>
  a.deliveryId === b.deliveryId && a.attempt === b.attempt && a.kind === b.kind;

const planDelay = (dueAtMs: number, nowMs: number): number => {
  const plan = planWait(dueAtMs, nowMs);
  return plan.action === 'wait' ? plan.delaySeconds : 0;
};

/** An attempt made: its result, and the outcome to write (with the rest of the group's). */
interface SentAttempt {
  readonly result: DeliveryResult;
  /** Undefined when the outcome was written already (a retry's: see attemptDelivery). */
  readonly finish?: FinishedAttempt;
}

/** `heldUntilMs`: another claim holds the attempt until then (its lease). */
type AttemptResult = 'retry-later' | 'skipped' | { readonly heldUntilMs: number } | SentAttempt;

async function attemptDelivery(
  endpoint: WebhookEndpoint,
  message: DeliveryMessage,
  deps: DeliveryDeps,
): Promise<AttemptResult> {
  const startMs = now(deps);
  const leaseUntilMs = startMs + (deps.config.http.totalTimeoutMs ?? 10_000) + LEASE_MARGIN_MS;
  const claim = await deps.deliveries.claim(
    initialState(message),
    startMs,
    leaseUntilMs,
    expiry(startMs),
    randomUUID(),
  );
  if (!claim.ok) {
    const current = claim.current;
    // The state is behind this message (its previous step is still being written): try later.
    if (current && current.attempt < message.attempt) return 'retry-later';
    // Another claim holds this very attempt. It may be this message's own earlier receive, whose
    // claim was applied but whose answer was lost (a timeout), so nobody else would finish it:
    // come back when the lease ends. Then the claim is ours if the holder died, or this copy is
    // dropped as a duplicate if the holder finished (no second POST either way).
    if (
      current?.status === 'in-flight' &&
      current.attempt === message.attempt &&
      (current.leaseUntilMs ?? 0) >= startMs
    )
      return { heldUntilMs: current.leaseUntilMs! };
    // Otherwise a duplicate: the delivery moved on.
    deps.onMetric({ name: 'duplicate' });
    return 'skipped';
  }
  const state = claim.state;
  const headers = signDelivery({
    webhookId: message.eventId,
    body: message.body,
    secrets: endpoint.secrets,
    nowMs: startMs,
  });
  const result = await deps.send(
    { url: endpoint.url, body: message.body, headers: { ...headers }, policy: deps.config.policy },
    deps.config.http,
  );
  const doneMs = now(deps);
  deps.onMetric({ name: 'attempt', outcome: result.outcome, latencyMs: result.latencyMs });

  let next: Partial<DeliveryState>;
  let nextLabel: string;
  if (result.outcome === 'success') {
    next = { status: 'delivered', finishedAtMs: doneMs, lastStatusCode: result.statusCode };
    nextLabel = 'delivered';
    deps.onMetric({ name: 'delivered', endToEndMs: doneMs - message.createdAtMs });
  } else if (result.outcome === 'gone') {
    next = { status: 'failed', reason: 'gone', finishedAtMs: doneMs, lastStatusCode: result.statusCode };
    nextLabel = 'endpoint disabled (410 Gone)';
    await disableEndpoint(endpoint, 'gone', deps, undefined, result.statusCode);
  } else {
    const planned = nextAttempt({
      attemptsMade: state.attempt - state.roundStart + 1,
      nowMs: doneMs,
      random: deps.random,
      policy: deps.config.retryPolicy,
      ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
    });
    const failure = {
      ...(result.statusCode !== undefined ? { lastStatusCode: result.statusCode } : {}),
      lastError: (result.error ?? `HTTP ${result.statusCode}`).slice(0, 500),
    };
    if (planned.kind === 'retry') {
      const retry: DeliveryMessage = {
        ...message,
        kind: 'attempt',
        attempt: planned.attempt,
        dueAtMs: planned.dueAtMs,
      };
      await deps.queue.send([{ message: retry, delaySeconds: planDelay(planned.dueAtMs, doneMs) }]);
      next = { status: 'pending', attempt: planned.attempt, dueAtMs: planned.dueAtMs, ...failure };
      nextLabel = `retry ${planned.attempt} at ${new Date(planned.dueAtMs).toISOString()}`;
    } else {
      await deps.queue.deadLetter(message);
      next = { status: 'failed', reason: 'exhausted', finishedAtMs: doneMs, ...failure };
      nextLabel = 'retries exhausted (dead-lettered)';
      deps.onMetric({ name: 'exhausted' });
    }
  }
  const record: AttemptRecord = {
    deliveryId: message.deliveryId,
    endpointId: endpoint.endpointId,
    supplierId: endpoint.supplierId,
    eventId: message.eventId,
    eventType: message.eventType,
    attempt: state.attempt,
    at: new Date(startMs).toISOString(),
    outcome: result.outcome,
    ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
    latencyMs: Math.round(result.latencyMs),
    response: result.responseSnippet,
    responseTruncated: result.truncated,
    ...(result.error !== undefined ? { error: result.error.slice(0, 500) } : {}),
    ...(result.errorCode !== undefined ? { errorCode: result.errorCode } : {}),
    next: nextLabel,
  };
  // A lost attempt this one repeats is logged first: its POST may have reached the endpoint.
  const records =
    claim.takenOverLeaseUntilMs === undefined
      ? [record]
      : [lostAttemptRecord(record, state.attempt, claim.takenOverLeaseUntilMs, REPEATED, deps), record];
  const finish = { deliveryId: message.deliveryId, attempt: state.attempt, next, records };
  if (next.status === 'pending') {
    // A retry is written at once, as its message is already on the queue: left for the group's
    // batch, the retry could come due first (short schedules, slow attempts in the group), find
    // the delivery still in flight at the old attempt and wait a visibility timeout.
    await deps.deliveries.finishAttempt(finish.deliveryId, finish.attempt, finish.next, finish.records);
    return { result };
  }
  return { result, finish };
}

/** What became of a lost attempt that a later claim took over. */
const REPEATED = 'sent again as the same attempt once its lease ran out';

/**
 * The log's record of an attempt whose worker never wrote its outcome (it died, or its outcome
 * write failed) and whose lease ran out: made when its claim was (the lease less the POST's
 * timeout and the margin), outcome unknown, so a failure that says so. Written by the outcome of
 * the claim that repeats it, or by the cancel that ends it (`next` says which).
 */
function lostAttemptRecord(
  delivery: Pick<AttemptRecord, 'deliveryId' | 'endpointId' | 'supplierId' | 'eventId' | 'eventType'>,
  attempt: number,
  leaseUntilMs: number,
  next: string,
  deps: DeliveryDeps,
): AttemptRecord {
  const claimedAtMs = leaseUntilMs - (deps.config.http.totalTimeoutMs ?? 10_000) - LEASE_MARGIN_MS;
  return {
    deliveryId: delivery.deliveryId,
    endpointId: delivery.endpointId,
    supplierId: delivery.supplierId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    attempt,
    at: new Date(claimedAtMs).toISOString(),
    outcome: 'failure',
    latencyMs: 0,
    response: '',
    responseTruncated: false,
    error:
      'The worker making this attempt stopped before recording its outcome; the endpoint may have received it.',
    errorCode: 'outcome-lost',
    next,
  };
}

/**
 * The records a cancel appends when it ends an attempt left in flight past its lease: that attempt,
 * after the one its claim had taken over (and so repeated) if it had.
 */
function lostAttemptsEndedBy(delivery: DeliveryState, reason: string, deps: DeliveryDeps): LostAttempts {
  return (attempt, { leaseUntilMs, takenOverLeaseUntilMs }) => [
    ...(takenOverLeaseUntilMs === undefined
      ? []
      : [lostAttemptRecord(delivery, attempt, takenOverLeaseUntilMs, REPEATED, deps)]),
    lostAttemptRecord(delivery, attempt, leaseUntilMs, `cancelled (${reason}) once its lease ran out`, deps),
  ];
}

/** A dead-lettered delivery redriven from the DLQ: a new round, due now. */
async function restartDelivery(
  message: DeliveryMessage,
  deps: DeliveryDeps,
): Promise<DeliveryMessage | undefined> {
  const state = await deps.deliveries.getDelivery(message.deliveryId);
  if (!state || state.status === 'pending' || state.status === 'in-flight') return undefined;
  const nowMs = now(deps);
  const attempt = state.attempt + 1;
  if (!(await deps.deliveries.restart(message.deliveryId, state.attempt, attempt, nowMs))) return undefined;
  return { ...message, kind: 'attempt', attempt, dueAtMs: nowMs };
}

/** Folds this group's results into the shared breaker state with one compare-and-set. */
async function reportOutcomes(
  endpointId: string,
  outcomes: readonly ReportedOutcome[],
  probeOutcome: ReportedOutcome | undefined,
  probeId: string | undefined,
  deps: DeliveryDeps,
): Promise<{ reason: DisabledReason; failingSinceMs?: number } | undefined> {
  for (let round = 0; round < 20; round++) {
    const nowMs = now(deps);
    const loaded = (await deps.breakers.get(endpointId)) ?? { state: initialBreakerState(), version: 0 };
    let state: BreakerState = loaded.state;
    let disabled: DisabledReason | undefined;
    const fold = (outcome: ReportedOutcome, id?: string) => {
      const result = recordOutcome(state, nowMs, outcome, id, deps.config.breaker);
      state = result.next;
      disabled ??= result.disabled;
    };
    for (const outcome of outcomes) fold(outcome);
    if (probeOutcome !== undefined) fold(probeOutcome, probeId);
    else if (probeId !== undefined) state = releasedProbe(state, probeId);
    if (state === loaded.state) return undefined;
    if (await deps.breakers.compareAndSet(endpointId, loaded.version, state)) {
      if (state.status !== loaded.state.status) {
        deps.onMetric({ name: 'breaker-state', from: loaded.state.status, to: state.status });
      }
      return disabled
        ? { reason: disabled, ...(state.failingSinceMs ? { failingSinceMs: state.failingSinceMs } : {}) }
        : undefined;
    }
  }
  return undefined;
}

/** Disables the endpoint; the caller whose write made the change announces it (once). */
async function disableEndpoint(
  endpoint: WebhookEndpoint,
  reason: DisabledReason,
  deps: DeliveryDeps,
  failingSinceMs?: number,
  lastStatusCode?: number,
): Promise<void> {
  const disabledAt = deps.clock.now().toISOString();
  if (!(await deps.endpoints.disable(endpoint.supplierId, endpoint.endpointId, reason, disabledAt))) return;
  deps.onMetric({ name: 'endpoint-disabled', reason });
  const event: DomainEvent = {
    id: eventIdFor(`${endpoint.endpointId}#${disabledAt}`, 'endpoint.disabled'),
    type: 'endpoint.disabled',
    time: disabledAt,
    supplierId: endpoint.supplierId,
    subject: endpoint.endpointId,
    data: {
      endpointId: endpoint.endpointId,
      url: endpoint.url,
      reason,
      disabledAt,
      ...(failingSinceMs !== undefined ? { failingSince: new Date(failingSinceMs).toISOString() } : {}),
      ...(lastStatusCode !== undefined ? { lastStatusCode } : {}),
    },
  };
  await deps.events.publish([event]);
}
