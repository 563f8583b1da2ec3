/**
 * The delivery worker's use case driven by a fake clock through the real retry schedule (5 s ..
 * 10 h) and the real breaker timings: a fake delay queue stands in for SQS DelaySeconds (never
 * early), in-memory stores for DynamoDB. No real waits.
 */
import type { DeliveryMessage, DeliveryState, WebhookEndpoint } from '../../../src/webhooks/domain/webhook';
import type {
  ClaimResult,
  DeliveryStore,
  FinishedAttempt,
  FinishOutcome,
  LostAttempts,
} from '../../../src/webhooks/ports';
import { webhookConfigFromEnv } from '../../../src/webhooks/config';
import {
  lookAgainAtMs,
  processDeliveryBatch,
  type DeliveryDeps,
} from '../../../src/webhooks/use-cases/deliver-webhooks';
import { DEFAULT_BREAKER_CONFIG, InMemoryBreakerStore } from '../../../src/webhooks/domain/circuit-breaker';
import type { DeliveryResult } from '../../../src/webhooks/adapters/http-delivery';
import { RETRY_SCHEDULE_SECONDS, SQS_MAX_DELAY_SECONDS } from '../../../src/webhooks/domain/retry-schedule';
import { generateSecret } from '../../../src/webhooks/domain/signing';

class MemoryDeliveries implements Pick<
  DeliveryStore,
  'claim' | 'finishAttempt' | 'finishAttempts' | 'cancel' | 'defer' | 'getDelivery' | 'restart'
> {
  readonly states = new Map<string, DeliveryState>();
  async getDelivery(id: string) {
    return this.states.get(id);
  }
  async claim(
    initial: DeliveryState,
    nowMs: number,
    leaseUntilMs: number,
    _expiresAtSeconds: number,
    claimId: string,
  ): Promise<ClaimResult> {
    const current = this.states.get(initial.deliveryId);
    if (!current && initial.attempt === initial.roundStart) {
      const state = { ...initial, status: 'in-flight' as const, leaseUntilMs, claimId, attempts: [] };
      this.states.set(initial.deliveryId, state);
      return { ok: true, state };
    }
    if (
      current &&
      current.attempt === initial.attempt &&
      (current.status === 'pending' ||
        (current.status === 'in-flight' && (current.leaseUntilMs ?? 0) < nowMs))
    ) {
      const state = { ...current, status: 'in-flight' as const, leaseUntilMs, claimId };
      this.states.set(initial.deliveryId, state);
      const takenOver = current.status === 'in-flight' ? { takenOverLeaseUntilMs: current.leaseUntilMs } : {};
      return { ok: true, state, ...takenOver };
    }
    return current ? { ok: false, current } : { ok: false };
  }
  async finishAttempt(id: string, attempt: number, next: Partial<DeliveryState>, records: never[]) {
    const current = this.states.get(id);
    if (!current || current.attempt !== attempt || current.status !== 'in-flight') return false;
    this.states.set(id, { ...current, ...next, attempts: [...(current.attempts ?? []), ...records] });
    return true;
  }
  async finishAttempts(finishes: readonly FinishedAttempt[]): Promise<FinishOutcome[]> {
    return Promise.all(
      finishes.map(async (f) => ({
        ok: true as const,
        written: await this.finishAttempt(f.deliveryId, f.attempt, f.next, f.records as never),
      })),
    );
  }
  /** Breaker deferrals per delivery (none of them spends an attempt). */
  readonly deferrals = new Map<string, number>();
  async cancel(
    initial: DeliveryState,
    reason: string,
    nowMs: number,
    _expiresAtSeconds: number,
    lostAttempts: LostAttempts,
  ) {
    const current = this.states.get(initial.deliveryId);
    const abandoned = current?.status === 'in-flight' && (current.leaseUntilMs ?? 0) < nowMs;
    if (current && current.status !== 'pending' && !abandoned)
      return current.status === 'in-flight' ? current.leaseUntilMs : undefined;
    const { leaseUntilMs: _lease, claimId: _claim, ...rest } = current ?? { ...initial, attempts: [] };
    this.states.set(initial.deliveryId, {
      ...rest,
      status: 'cancelled',
      reason,
      finishedAtMs: nowMs,
      attempts: [
        ...(rest.attempts ?? []),
        ...(abandoned ? lostAttempts(current.attempt, { leaseUntilMs: current.leaseUntilMs! }) : []),
      ],
    });
    return undefined;
  }
  async defer(initial: DeliveryState, dueAtMs: number) {
    this.deferrals.set(initial.deliveryId, (this.deferrals.get(initial.deliveryId) ?? 0) + 1);
    const current = this.states.get(initial.deliveryId);
    if (!current) this.states.set(initial.deliveryId, { ...initial, dueAtMs, attempts: [] });
    else if (current.status === 'pending' && current.attempt === initial.attempt)
      this.states.set(initial.deliveryId, { ...current, dueAtMs });
  }
  async restart() {
    return false;
  }
}

function setup(results: () => Partial<DeliveryResult>) {
  let now = Date.UTC(2026, 0, 1);
  const queue: { message: DeliveryMessage; visibleAt: number }[] = [];
  const deadLetters: DeliveryMessage[] = [];
  const attemptsAt: number[] = [];
  const hops: number[] = [];
  const deliveries = new MemoryDeliveries();
  const endpoint: WebhookEndpoint = {
    endpointId: 'whe_1',
    supplierId: 'sup_1',
    url: 'https://hooks.example.com/x',
    eventTypes: ['review.received'],
    enabled: true,
    secrets: { current: generateSecret() },
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
  let draw = 0;
  let enabled = true;
  const deps: DeliveryDeps = {
    endpoints: { get: async () => ({ ...endpoint, enabled }), disable: async () => true },
    deliveries: deliveries as unknown as DeliveryStore,
    queue: {
      send: async (messages) => {
        for (const { message, delaySeconds } of messages) {
          expect(delaySeconds).toBeLessThanOrEqual(SQS_MAX_DELAY_SECONDS);
          hops.push(delaySeconds);
          queue.push({ message, visibleAt: now + delaySeconds * 1000 });
        }
      },
      deadLetter: async (message) => void deadLetters.push(message),
    },
    breakers: new InMemoryBreakerStore(),
    events: { publish: async () => undefined },
    clock: { now: () => new Date(now) },
    // Alternating extremes of the jitter range.
    random: () => (draw++ % 2 === 0 ? 0 : 0.999),
    config: webhookConfigFromEnv(),
    send: async () => {
      attemptsAt.push(now);
      return {
        outcome: 'failure',
        latencyMs: 5,
        responseSnippet: '',
        truncated: false,
        statusCode: 500,
        ...results(),
      };
    },
    onMetric: () => undefined,
    onError: (error) => {
      throw error;
    },
  };
  const first: DeliveryMessage = {
    v: 1,
    kind: 'attempt',
    deliveryId: 'dlv_1',
    supplierId: 'sup_1',
    endpointId: 'whe_1',
    eventId: 'evt_1',
    eventType: 'review.received',
    attempt: 1,
    dueAtMs: now,
    createdAtMs: now,
    body: '{"specversion":"1.0"}',
  };
  queue.push({ message: first, visibleAt: now });
  /** Advance the clock to the next visible message and process it; false when the queue is empty. */
  const step = async (): Promise<boolean> => {
    queue.sort((a, b) => a.visibleAt - b.visibleAt);
    const next = queue.shift();
    if (!next) return false;
    now = Math.max(now, next.visibleAt);
    const failed = await processDeliveryBatch([{ messageId: 'm', body: JSON.stringify(next.message) }], deps);
    expect(failed).toEqual([]);
    return true;
  };
  const redeliverFirst = () => queue.push({ message: first, visibleAt: now });
  const disableEndpoint = () => {
    enabled = false;
  };
  /** Hands one batch with two copies of the first message (a redelivered event's fan-out). */
  const deliverFirstTwice = () =>
    processDeliveryBatch(
      [
        { messageId: 'm1', body: JSON.stringify(first) },
        { messageId: 'm2', body: JSON.stringify(first) },
      ],
      deps,
    );
  const finishElsewhere = (id: string) => {
    const state = deliveries.states.get(id)!;
    deliveries.states.set(id, { ...state, status: 'delivered', finishedAtMs: now });
  };
  const clock = () => now;
  return {
    step,
    attemptsAt,
    deadLetters,
    deliveries,
    hops,
    redeliverFirst,
    disableEndpoint,
    deliverFirstTwice,
    finishElsewhere,
    clock,
    config: deps.config,
  };
}

/** Delivery dlv_1's first attempt, in flight under `claimId` until `leaseUntilMs`. */
const heldInFlight = (start: number, leaseUntilMs: number, claimId: string): DeliveryState => ({
  deliveryId: 'dlv_1',
  supplierId: 'sup_1',
  endpointId: 'whe_1',
  eventId: 'evt_1',
  eventType: 'review.received',
  status: 'in-flight',
  attempt: 1,
  roundStart: 1,
  dueAtMs: start,
  createdAtMs: start,
  leaseUntilMs,
  claimId,
  attempts: [],
});

/**
 * In flight until `start` + 61 s: the first receive's claim reached the table, but its answer
 * timed out, so the worker retried the message and nobody holds the delivery except a claim id
 * that no worker has.
 */
const heldByLostClaim = (start: number) =>
  heldInFlight(start, start + 61_000, 'a-claim-whose-answer-was-lost');

describe('the delivery worker on the real schedule (fake clock)', () => {
  it('retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (±10 %), never early, then dead-letters', async () => {
    const run = setup(() => ({}));
    while (await run.step());
    expect(run.attemptsAt).toHaveLength(8);
    const gaps = run.attemptsAt.slice(1).map((t, i) => (t - run.attemptsAt[i]!) / 1000);
    gaps.forEach((gap, i) => {
      const base = RETRY_SCHEDULE_SECONDS[i]!;
      expect(gap).toBeGreaterThanOrEqual(Math.floor(base * 0.9));
      expect(gap).toBeLessThanOrEqual(Math.ceil(base * 1.1) + 1);
    });
    // Long waits went through the queue in hops of at most 15 minutes (2 h = at least 8 hops).
    expect(run.hops.filter((h) => h === SQS_MAX_DELAY_SECONDS).length).toBeGreaterThanOrEqual(100);
    expect(run.deadLetters).toHaveLength(1);
    const state = run.deliveries.states.get('dlv_1')!;
    expect(state).toMatchObject({ status: 'failed', reason: 'exhausted', attempt: 8 });
    expect(state.attempts).toHaveLength(8);
  });

  it('honours Retry-After on 429 as a floor above the schedule, within 24 h', async () => {
    let calls = 0;
    const run = setup(() =>
      ++calls === 1
        ? { outcome: 'rate-limited', statusCode: 429, retryAfterSeconds: 3600 }
        : { outcome: 'success', statusCode: 204 },
    );
    while (await run.step());
    expect(run.attemptsAt).toHaveLength(2);
    expect((run.attemptsAt[1]! - run.attemptsAt[0]!) / 1000).toBe(3600);
    expect(run.deliveries.states.get('dlv_1')).toMatchObject({ status: 'delivered', attempt: 2 });
  });

  it('drops a duplicate copy of a message whose attempt was already made', async () => {
    const run = setup(() => ({ outcome: 'success', statusCode: 204 }));
    await run.step();
    expect(run.attemptsAt).toHaveLength(1);
    // The same first message again (SQS at-least-once, or a duplicate event): no second attempt.
    run.redeliverFirst();
    expect(await run.step()).toBe(true);
    expect(run.attemptsAt).toHaveLength(1);
    expect(run.deliveries.states.get('dlv_1')).toMatchObject({ status: 'delivered' });
  });

  it('drops a copy whose delivery is in flight under another claim, which finishes it', async () => {
    const run = setup(() => ({ outcome: 'success', statusCode: 204 }));
    const start = Date.UTC(2026, 0, 1);
    const held = heldInFlight(start, start + 70_000, 'the-other-worker');
    run.deliveries.states.set('dlv_1', held);
    await run.step();
    expect(run.attemptsAt).toHaveLength(0);
    // The other worker delivers it.
    run.deliveries.states.set('dlv_1', { ...held, status: 'delivered', leaseUntilMs: undefined });
    while (await run.step());
    expect(run.attemptsAt).toHaveLength(0);
    expect(run.deliveries.states.get('dlv_1')).toMatchObject({ status: 'delivered' });
  });
});

describe('a claim applied whose answer was lost', () => {
  it('resumes the delivery when the lease ends: the redelivered message waits, then claims and sends once', async () => {
    const run = setup(() => ({ outcome: 'success', statusCode: 204 }));
    const start = Date.UTC(2026, 0, 1);
    run.deliveries.states.set('dlv_1', heldByLostClaim(start));
    await run.step();
    expect(run.attemptsAt).toHaveLength(0);
    expect(run.hops).toHaveLength(1);
    while (await run.step());
    expect(run.attemptsAt).toHaveLength(1);
    expect(run.attemptsAt[0]!).toBeGreaterThan(start + 61_000);
    expect(run.deliveries.states.get('dlv_1')).toMatchObject({ status: 'delivered', attempt: 1 });
    // The log has the lost attempt (its POST may have gone out) before the one that repeated it.
    const log = run.deliveries.states.get('dlv_1')!.attempts!;
    expect(log.map((a) => [a.attempt, a.outcome, a.errorCode ?? null])).toEqual([
      [1, 'failure', 'outcome-lost'],
      [1, 'success', null],
    ]);
    const claimedAtMs = start + 61_000 - run.config.http.totalTimeoutMs! - 60_000;
    expect(log[0]!.at).toBe(new Date(claimedAtMs).toISOString());
  });

  it('cancels it when the lease ends if its endpoint was disabled meanwhile, instead of leaving it in flight', async () => {
    const run = setup(() => ({ outcome: 'success', statusCode: 204 }));
    const start = Date.UTC(2026, 0, 1);
    run.deliveries.states.set('dlv_1', heldByLostClaim(start));
    run.disableEndpoint();
    await run.step();
    expect(run.deliveries.states.get('dlv_1')).toMatchObject({ status: 'in-flight' });
    expect(run.hops).toHaveLength(1);
    while (await run.step());
    expect(run.attemptsAt).toHaveLength(0);
    const state = run.deliveries.states.get('dlv_1')!;
    expect(state).toMatchObject({ status: 'cancelled', reason: 'endpoint-disabled' });
    expect(state).not.toHaveProperty('leaseUntilMs');
    expect(state).not.toHaveProperty('claimId');
    // The attempt it ends is logged as lost (its POST may have gone out), as when one repeats it.
    const claimedAtMs = start + 61_000 - run.config.http.totalTimeoutMs! - 60_000;
    expect(state.attempts).toEqual([
      expect.objectContaining({
        deliveryId: 'dlv_1',
        endpointId: 'whe_1',
        supplierId: 'sup_1',
        eventId: 'evt_1',
        eventType: 'review.received',
        attempt: 1,
        at: new Date(claimedAtMs).toISOString(),
        outcome: 'failure',
        errorCode: 'outcome-lost',
        next: 'cancelled (endpoint-disabled) once its lease ran out',
      }),
    ]);
  });
});

describe('a copy of a step that a live worker holds', () => {
  it('looks again once the holder must have finished, seconds later, not at the lease end a minute later', async () => {
    const run = setup(() => ({ outcome: 'success', statusCode: 204 }));
    const start = run.clock();
    const totalTimeoutMs = run.config.http.totalTimeoutMs!;
    // Another worker claimed the attempt just now and is sending it.
    run.deliveries.states.set('dlv_1', heldInFlight(start, start + totalTimeoutMs + 60_000, 'a-live-worker'));
    await run.step();
    expect(run.hops).toEqual([Math.ceil((totalTimeoutMs + 5_000) / 1000)]);
    run.finishElsewhere('dlv_1');
    while (await run.step());
    expect(run.clock()).toBeLessThan(start + totalTimeoutMs + 10_000);
    expect(run.attemptsAt).toEqual([]);
    expect(run.hops).toHaveLength(1);
    expect(run.deliveries.states.get('dlv_1')).toMatchObject({ status: 'delivered' });
  });

  it('is looked at first when the holder must be done, then at the lease end', () => {
    const lease = 1_000_000;
    expect(lookAgainAtMs(lease, lease - 70_000)).toBe(lease - 55_000);
    expect(lookAgainAtMs(lease, lease - 55_000)).toBe(lease + 1000);
    expect(lookAgainAtMs(lease, lease - 10_000)).toBe(lease + 1000);
  });

  it('sends one of two copies in one batch once, with no hop', async () => {
    const run = setup(() => ({ outcome: 'success', statusCode: 204 }));
    expect(await run.deliverFirstTwice()).toEqual([]);
    expect(run.attemptsAt).toHaveLength(1);
    expect(run.hops).toEqual([]);
    expect(run.deliveries.states.get('dlv_1')).toMatchObject({ status: 'delivered', attempt: 1 });
  });
});

/**
 * Many deliveries to one endpoint whose answer depends on the (fake) time: the shared breaker,
 * deferrals and the schedule together, one message per batch in due order.
 */
function endpointOverTime(deliveries: number, answer: (nowMs: number) => 'success' | 'failure') {
  const t0 = Date.UTC(2026, 0, 1);
  let now = t0;
  let sequence = 0;
  const queue: { message: DeliveryMessage; visibleAt: number; order: number }[] = [];
  const deadLetters: DeliveryMessage[] = [];
  const attempts: { at: number; deliveryId: string; outcome: string }[] = [];
  const published: string[] = [];
  const store = new MemoryDeliveries();
  let enabled = true;
  let draw = 0;
  const secrets = { current: generateSecret() };
  const deps: DeliveryDeps = {
    endpoints: {
      get: async () => ({
        endpointId: 'whe_1',
        supplierId: 'sup_1',
        url: 'https://hooks.example.com/x',
        eventTypes: ['review.received'],
        enabled,
        secrets,
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      }),
      disable: async () => {
        const changed = enabled;
        enabled = false;
        return changed;
      },
    },
    deliveries: store as unknown as DeliveryStore,
    queue: {
      send: async (messages) => {
        for (const { message, delaySeconds } of messages) {
          if (delaySeconds > SQS_MAX_DELAY_SECONDS) throw new Error(`DelaySeconds ${delaySeconds}`);
          queue.push({ message, visibleAt: now + delaySeconds * 1000, order: sequence++ });
        }
      },
      deadLetter: async (message) => void deadLetters.push(message),
    },
    breakers: new InMemoryBreakerStore(),
    events: { publish: async (events) => void published.push(...events.map((e) => e.type)) },
    clock: { now: () => new Date(now) },
    random: () => (draw++ % 7) / 7,
    config: webhookConfigFromEnv(),
    send: async (request) => {
      const outcome = answer(now);
      attempts.push({ at: now, deliveryId: JSON.parse(request.body).id as string, outcome });
      return outcome === 'success'
        ? { outcome, latencyMs: 5, responseSnippet: '', truncated: false, statusCode: 204 }
        : { outcome, latencyMs: 5, responseSnippet: '', truncated: false, statusCode: 503 };
    },
    onMetric: () => undefined,
    onError: (error) => {
      throw error;
    },
  };
  for (let i = 0; i < deliveries; i++) {
    const message: DeliveryMessage = {
      v: 1,
      kind: 'attempt',
      deliveryId: `dlv_${i}`,
      supplierId: 'sup_1',
      endpointId: 'whe_1',
      eventId: `evt_${i}`,
      eventType: 'review.received',
      attempt: 1,
      dueAtMs: t0,
      createdAtMs: t0,
      body: JSON.stringify({ id: `dlv_${i}` }),
    };
    queue.push({ message, visibleAt: t0, order: sequence++ });
  }
  /** Runs until the queue is empty (or a step limit, which would be a livelock). */
  const drain = async () => {
    for (let steps = 0; queue.length > 0; steps++) {
      if (steps > 200_000) throw new Error('the queue never drained');
      let index = 0;
      queue.forEach((q, i) => {
        const best = queue[index]!;
        if (q.visibleAt < best.visibleAt || (q.visibleAt === best.visibleAt && q.order < best.order))
          index = i;
      });
      const [next] = queue.splice(index, 1) as [(typeof queue)[number]];
      now = Math.max(now, next.visibleAt);
      const failed = await processDeliveryBatch(
        [{ messageId: 'm', body: JSON.stringify(next.message) }],
        deps,
      );
      if (failed.length > 0) throw new Error(`batch item failures: ${failed.join(', ')}`);
    }
  };
  return { t0, drain, store, attempts, deadLetters, published, now: () => now };
}

describe('partial failure and outages (ADR 0005)', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length + 1;
  const attemptsPer = (run: ReturnType<typeof endpointOverTime>) => {
    const counts = new Map<string, number>();
    for (const a of run.attempts) counts.set(a.deliveryId, (counts.get(a.deliveryId) ?? 0) + 1);
    return counts;
  };

  it('an outage opens the breaker; deferred deliveries spend no attempt and all arrive after recovery, 30 hours later', async () => {
    // Down for 30 hours: past the 27.6-hour schedule of the deliveries that failed first.
    const recovery = Date.UTC(2026, 0, 2, 6);
    const run = endpointOverTime(150, (nowMs) => (nowMs < recovery ? 'failure' : 'success'));
    await run.drain();
    const states = [...run.store.states.values()];
    expect(states).toHaveLength(150);
    expect(states.every((d) => d.status === 'delivered')).toBe(true);
    expect(run.deadLetters).toEqual([]);
    // Each delivery was accepted once, after the recovery.
    const successes = run.attempts.filter((a) => a.outcome === 'success');
    expect(new Set(successes.map((a) => a.deliveryId)).size).toBe(150);
    expect(successes).toHaveLength(150);
    expect(Math.min(...successes.map((a) => a.at))).toBeGreaterThanOrEqual(recovery);
    // Attempts: 100 failures opened the breaker, then only probes until the recovery (cool-downs
    // of 1, 2, 4, ... 32 minutes, then one an hour: about 35 in 30 hours); nothing else was sent.
    const failures = run.attempts.filter((a) => a.outcome === 'failure');
    const probes = failures.length - DEFAULT_BREAKER_CONFIG.openAfterConsecutiveFailures;
    expect(probes).toBeGreaterThanOrEqual(25);
    expect(probes).toBeLessThanOrEqual(40);
    expect(Math.max(...attemptsPer(run).values())).toBeLessThanOrEqual(MAX_ATTEMPTS);
    // The waiting was done by deferrals (re-enqueued, recorded as waiting), not by attempts.
    const deferrals = [...run.store.deferrals.values()].reduce((a, b) => a + b, 0);
    expect(deferrals).toBeGreaterThan(150);
    // The deliveries that failed first waited out the outage with attempts to spare.
    const first = run.store.states.get('dlv_0')!;
    expect(first.attempts!.length).toBeLessThanOrEqual(3);
    expect(first.finishedAtMs!).toBeGreaterThanOrEqual(recovery);
  });

  it('an endpoint that fails every other attempt is never deferred: each delivery runs its schedule, none is lost', async () => {
    const N = 512;
    let calls = 0;
    const run = endpointOverTime(N, () => (calls++ % 2 === 0 ? 'failure' : 'success'));
    await run.drain();
    const states = [...run.store.states.values()];
    expect(states).toHaveLength(N);
    // The breaker never held anything back.
    expect(run.store.deferrals.size).toBe(0);
    // Each attempt fails with probability 1/2, so the deliveries still waiting halve with every
    // attempt: 256 needed one attempt, 128 two, ... and N / 2^8 = 2 failed all 8. Those are not
    // lost: recorded failed (exhausted) and parked in the DLQ for a redrive.
    const needed = new Map<number, number>();
    for (const d of states.filter((x) => x.status === 'delivered')) {
      needed.set(d.attempts!.length, (needed.get(d.attempts!.length) ?? 0) + 1);
    }
    for (let k = 1; k <= 4; k++) expect(Math.abs(needed.get(k)! - N / 2 ** k)).toBeLessThanOrEqual(2);
    const failed = states.filter((d) => d.status === 'failed');
    expect(failed.length).toBeLessThanOrEqual(N / 2 ** MAX_ATTEMPTS + 1);
    expect(failed.every((d) => d.reason === 'exhausted' && d.attempts!.length === MAX_ATTEMPTS)).toBe(true);
    expect(run.deadLetters.map((m) => m.deliveryId).sort()).toEqual(failed.map((d) => d.deliveryId).sort());
    expect(states.every((d) => d.status === 'delivered' || d.status === 'failed')).toBe(true);
    // Delivered ones were accepted once; nobody got more than the schedule's 8 attempts.
    const successes = run.attempts.filter((a) => a.outcome === 'success');
    expect(new Set(successes.map((a) => a.deliveryId)).size).toBe(successes.length);
    expect(successes).toHaveLength(N - failed.length);
    expect(Math.max(...attemptsPer(run).values())).toBeLessThanOrEqual(MAX_ATTEMPTS);
    // Within the schedule: the last delivery ended within its 27.6 hours (+10 % jitter).
    const scheduleMs = RETRY_SCHEDULE_SECONDS.reduce((a, b) => a + b, 0) * 1000 * 1.1;
    expect(Math.max(...states.map((d) => d.finishedAtMs! - run.t0))).toBeLessThanOrEqual(scheduleMs);
  });

  it('an endpoint failing for 5 days is disabled: its waiting deliveries end cancelled (recorded), none dropped silently', async () => {
    const run = endpointOverTime(60, () => 'failure');
    await run.drain();
    const states = [...run.store.states.values()];
    expect(states).toHaveLength(60);
    // Each delivery ended with a recorded status: cancelled because the endpoint was disabled, or
    // (a delivery that was the probe too often) failed after its 8 attempts and dead-lettered.
    for (const d of states) expect(['cancelled', 'failed']).toContain(d.status);
    const failed = states.filter((d) => d.status === 'failed');
    expect(failed.every((d) => d.reason === 'exhausted' && d.attempts!.length === MAX_ATTEMPTS)).toBe(true);
    expect(run.deadLetters.map((m) => m.deliveryId).sort()).toEqual(failed.map((d) => d.deliveryId).sort());
    expect(
      states.filter((d) => d.status === 'cancelled').every((d) => d.reason === 'endpoint-disabled'),
    ).toBe(true);
    expect(run.published).toEqual(['endpoint.disabled']);
    expect(run.now() - run.t0).toBeGreaterThanOrEqual(5 * DAY);
    expect(Math.max(...attemptsPer(run).values())).toBeLessThanOrEqual(MAX_ATTEMPTS);
  });
});
