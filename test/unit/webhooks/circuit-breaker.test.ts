import {
  DEFAULT_BREAKER_CONFIG as CONFIG,
  InMemoryBreakerStore,
  acquire,
  decide,
  initialBreakerState,
  recordOutcome,
  releaseProbe,
  releasedProbe,
  report,
  resetBreaker,
  windowStats,
  type BreakerState,
  type BreakerStore,
  type ReportedOutcome,
} from '#src/webhooks/domain/circuit-breaker';
import { createRng } from '../../../src/models/training/rng';

const T0 = Date.parse('2025-06-14T00:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const EP = 'whe_1';

/** Feed results into the pure state machine, one every `spacingMs`. */
function feed(state: BreakerState, startMs: number, outcomes: ReportedOutcome[], spacingMs = SECOND) {
  let s = state;
  outcomes.forEach((outcome, i) => {
    s = recordOutcome(s, startMs + i * spacingMs, outcome).next;
  });
  return s;
}
const times = (n: number, outcome: ReportedOutcome): ReportedOutcome[] =>
  Array<ReportedOutcome>(n).fill(outcome);

/** Wraps a store so every call yields to the event loop a random number of times (real interleaving). */
function interleaving(store: BreakerStore, random: () => number): BreakerStore & { casCalls: number } {
  const yieldRandomly = async () => {
    const turns = Math.floor(random() * 4);
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const wrapped = {
    casCalls: 0,
    async get(endpointId: string) {
      await yieldRandomly();
      const value = await store.get(endpointId);
      await yieldRandomly();
      return value;
    },
    async compareAndSet(endpointId: string, expectedVersion: number, next: BreakerState) {
      wrapped.casCalls += 1;
      await yieldRandomly();
      return store.compareAndSet(endpointId, expectedVersion, next);
    },
  };
  return wrapped;
}

const RUN = CONFIG.openAfterConsecutiveFailures;
/** Feeds a random stream (seeded) of outcomes failing with probability `failureRate`; the first time it opened, or -1. */
function firstOpening(failureRate: number, results: number, spacingMs: number, seed: number): number {
  const random = createRng(seed);
  let state = initialBreakerState();
  for (let i = 0; i < results; i++) {
    state = recordOutcome(state, T0 + i * spacingMs, random() < failureRate ? 'failure' : 'success').next;
    if (state.status === 'open') return i + 1;
  }
  return -1;
}

describe('closed', () => {
  it('sends without writing anything', () => {
    expect(decide(initialBreakerState(), T0, 'p1')).toEqual({ decision: { action: 'send', probe: false } });
  });

  it('opens only for a really failing endpoint: 100 failures in a row, and a window at >= 95 %', () => {
    expect(CONFIG).toMatchObject({ openAfterConsecutiveFailures: 100, failureRateThreshold: 0.95 });
    const almost = feed(initialBreakerState(), T0, times(RUN - 1, 'failure'));
    expect(almost).toMatchObject({ status: 'closed', consecutiveFailures: RUN - 1, failingSinceMs: T0 });
    expect(windowStats(almost, T0 + RUN * SECOND, CONFIG)).toEqual({
      total: RUN - 1,
      failures: RUN - 1,
      failureRate: 1,
    });
    const opened = recordOutcome(almost, T0 + (RUN - 1) * SECOND, 'failure').next;
    expect(opened).toMatchObject({
      status: 'open',
      openCount: 1,
      consecutiveFailures: RUN,
      openUntilMs: T0 + (RUN - 1) * SECOND + CONFIG.baseCoolDownMs,
    });
  });

  it('never opens for an endpoint that fails every other request', () => {
    const alternating = (n: number) =>
      Array.from({ length: n }, (_, i): ReportedOutcome => (i % 2 === 0 ? 'failure' : 'success'));
    // At high volume (10 per second) and at low volume (one a minute, the run would span hours).
    for (const spacingMs of [100, MINUTE]) {
      const state = feed(initialBreakerState(), T0, alternating(20_000), spacingMs);
      expect(state.status).toBe('closed');
      expect(state.consecutiveFailures).toBeUndefined();
    }
    // Two failures for each success (67 %) does not either.
    const twoToOne = Array.from({ length: 30_000 }, (_, i): ReportedOutcome =>
      i % 3 === 2 ? 'success' : 'failure',
    );
    expect(feed(initialBreakerState(), T0, twoToOne, 100).status).toBe('closed');
  });

  it('never opens for an endpoint that fails 90 % in a regular pattern (every 10th request succeeds)', () => {
    const oneInTen = Array.from({ length: 50_000 }, (_, i): ReportedOutcome =>
      i % 10 === 9 ? 'success' : 'failure',
    );
    for (const spacingMs of [10, SECOND, MINUTE]) {
      expect(feed(initialBreakerState(), T0, oneInTen, spacingMs).status).toBe('closed');
    }
  });

  it('stays closed for random 50 % and 90 % failures; opens for random 99 % and 100 %', () => {
    for (const seed of [1, 2, 3]) {
      // 200,000 results each, at 1,000 a minute and at 5 a minute.
      for (const spacingMs of [60, 12 * SECOND]) {
        expect(firstOpening(0.5, 200_000, spacingMs, seed)).toBe(-1);
      }
      // At high volume the window's rate (about 90 %) keeps it closed whatever the runs.
      expect(firstOpening(0.9, 200_000, 60, seed)).toBe(-1);
      // A 99 %-failing endpoint is really failing: open within a few hundred attempts.
      const opened = firstOpening(0.99, 200_000, 60, seed);
      expect(opened).toBeGreaterThanOrEqual(RUN);
      expect(opened).toBeLessThan(2000);
      expect(firstOpening(1, 200_000, 60, seed)).toBe(RUN);
    }
  });

  it('a run of failures does not open it while the window still holds a good share of successes', () => {
    // 10 successes, then 100 failures within the same 10 minutes: 91 % failed, below 95 %.
    let state = feed(initialBreakerState(), T0, [...times(10, 'success'), ...times(RUN, 'failure')]);
    expect(state).toMatchObject({ status: 'closed', consecutiveFailures: RUN });
    // The run goes on: at 95 % (190 of 200) it opens.
    state = feed(state, T0 + (10 + RUN) * SECOND, times(89, 'failure'));
    expect(state).toMatchObject({ status: 'closed', consecutiveFailures: 189 });
    state = recordOutcome(state, T0 + (10 + RUN + 89) * SECOND, 'failure').next;
    expect(state).toMatchObject({ status: 'open', consecutiveFailures: 190 });
    expect(windowStats(state, T0 + 199 * SECOND)).toEqual({ total: 200, failures: 190, failureRate: 0.95 });
  });

  it('opens for a low-volume endpoint that is down, even though its run spans many windows', () => {
    // One attempt every 5 minutes: the window never holds more than 2 results.
    const state = feed(initialBreakerState(), T0, times(RUN, 'failure'), 5 * MINUTE);
    expect(state).toMatchObject({ status: 'open', failingSinceMs: T0 });
    expect(state.buckets.length).toBeLessThanOrEqual(CONFIG.windowMs / CONFIG.bucketMs);
  });

  it('restarts the run at any success', () => {
    let state = feed(initialBreakerState(), T0, [...times(RUN - 1, 'failure'), 'success']);
    expect(state.consecutiveFailures).toBeUndefined();
    expect(state.failingSinceMs).toBeUndefined();
    state = feed(state, T0 + RUN * SECOND, times(RUN - 1, 'failure'));
    expect(state).toMatchObject({ status: 'closed', consecutiveFailures: RUN - 1 });
    expect(recordOutcome(state, T0 + 2 * RUN * SECOND, 'failure').next.status).toBe('open');
  });

  it('counts a state stored before the run counter existed from 0', () => {
    const legacy: BreakerState = { status: 'closed', buckets: [], openCount: 0, failingSinceMs: T0 };
    const state = feed(legacy, T0, times(RUN - 1, 'failure'));
    expect(state).toMatchObject({ status: 'closed', consecutiveFailures: RUN - 1, failingSinceMs: T0 });
  });

  it('counts rate-limited answers as failures', () => {
    expect(feed(initialBreakerState(), T0, times(RUN, 'rate-limited')).status).toBe('open');
  });
});

describe('open and half-open', () => {
  const opened = () => feed(initialBreakerState(), T0, times(RUN, 'failure'));
  const openedAt = T0 + (RUN - 1) * SECOND;

  it('defers deliveries until the cool-down ends', () => {
    const state = opened();
    expect(decide(state, openedAt + 1, 'p1').decision).toEqual({
      action: 'defer',
      untilMs: openedAt + CONFIG.baseCoolDownMs,
      reason: 'open',
    });
  });

  it('claims exactly one probe after the cool-down; others defer until its lease ends', () => {
    const at = openedAt + CONFIG.baseCoolDownMs;
    const claim = decide(opened(), at, 'probe-1');
    expect(claim.decision).toEqual({ action: 'send', probe: true, probeId: 'probe-1' });
    expect(claim.next).toMatchObject({
      status: 'half-open',
      probe: { id: 'probe-1', leaseUntilMs: at + CONFIG.probeLeaseMs },
    });
    expect(decide(claim.next!, at + 1, 'probe-2').decision).toEqual({
      action: 'defer',
      untilMs: at + CONFIG.probeLeaseMs,
      reason: 'probe-in-flight',
    });
  });

  it('closes with an empty window when the probe succeeds', () => {
    const at = openedAt + CONFIG.baseCoolDownMs;
    const halfOpen = decide(opened(), at, 'probe-1').next!;
    const closed = recordOutcome(halfOpen, at + 500, 'success', 'probe-1').next;
    expect(closed).toEqual({ status: 'closed', buckets: [], openCount: 0 });
  });

  it('re-opens with a doubling cool-down, capped, when probes fail', () => {
    let state = opened();
    let at = openedAt;
    const coolDowns: number[] = [];
    for (let i = 0; i < 8; i++) {
      at = state.openUntilMs!;
      const claim = decide(state, at, `probe-${i}`);
      state = recordOutcome(claim.next!, at + 100, 'failure', `probe-${i}`).next;
      expect(state.status).toBe('open');
      coolDowns.push(state.openUntilMs! - (at + 100));
    }
    expect(coolDowns.map((ms) => ms / MINUTE)).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('lets a new probe through when the previous one never reported', () => {
    const at = openedAt + CONFIG.baseCoolDownMs;
    const halfOpen = decide(opened(), at, 'probe-1').next!;
    const reclaim = decide(halfOpen, at + CONFIG.probeLeaseMs, 'probe-2');
    expect(reclaim.decision).toEqual({ action: 'send', probe: true, probeId: 'probe-2' });
    // The stale probe's late success is counted but does not close the breaker.
    const late = recordOutcome(reclaim.next!, at + CONFIG.probeLeaseMs + 1, 'success', 'probe-1').next;
    expect(late.status).toBe('half-open');
    expect(recordOutcome(late, at + CONFIG.probeLeaseMs + 2, 'success', 'probe-2').next.status).toBe(
      'closed',
    );
  });

  it('a probe given back without a result lets the next caller probe at once; anything else is left alone', async () => {
    const at = openedAt + CONFIG.baseCoolDownMs;
    const halfOpen = decide(opened(), at, 'probe-1').next!;
    const released = releasedProbe(halfOpen, 'probe-1');
    expect(released.status).toBe('half-open');
    expect(released.probe).toBeUndefined();
    expect(decide(released, at + 1, 'probe-2').decision).toEqual({
      action: 'send',
      probe: true,
      probeId: 'probe-2',
    });
    // Another caller's probe, and a breaker no longer half-open, are not touched.
    expect(releasedProbe(halfOpen, 'probe-0')).toBe(halfOpen);
    const reopened = recordOutcome(halfOpen, at + 5, 'failure', 'probe-1').next;
    expect(releasedProbe(reopened, 'probe-1')).toBe(reopened);
    // Through the store: a reported probe is left as reported, and a release writes nothing then.
    const store = new InMemoryBreakerStore();
    await store.compareAndSet(EP, 0, halfOpen);
    expect(await releaseProbe(store, EP, 'probe-1')).toBe(true);
    expect((await store.get(EP))!).toMatchObject({ version: 2, state: { status: 'half-open' } });
    expect((await store.get(EP))!.state.probe).toBeUndefined();
    await store.compareAndSet(EP, 2, reopened);
    expect(await releaseProbe(store, EP, 'probe-1')).toBe(true);
    expect((await store.get(EP))!).toEqual({ version: 3, state: reopened });
  });

  it('recovers: a dead endpoint opens, the first successful probe closes it, and half failures keep it closed', async () => {
    const store = new InMemoryBreakerStore();
    let now = T0;
    for (let i = 0; i < RUN; i++) await report(store, EP, 'failure', { nowMs: (now += SECOND) });
    expect((await store.get(EP))!.state.status).toBe('open');
    // Down for another 20 minutes: probes fail, deliveries wait.
    const recoversAt = now + 20 * MINUTE;
    let probes = 0;
    while (true) {
      const decision = await acquire(store, EP, { nowMs: now });
      if (decision.action === 'defer') {
        now = decision.untilMs;
        continue;
      }
      expect(decision).toMatchObject({ action: 'send', probe: true });
      probes += 1;
      const outcome: ReportedOutcome = now >= recoversAt ? 'success' : 'failure';
      const probeId = decision.action === 'send' && decision.probe ? decision.probeId : undefined;
      await report(store, EP, outcome, { nowMs: now + 100, ...(probeId ? { probeId } : {}) });
      if (outcome === 'success') break;
    }
    // Cool-downs of 1, 2, 4, 8 and 16 minutes: the fifth probe (31 minutes in) is the first after recovery.
    expect(probes).toBe(5);
    expect((await store.get(EP))!.state).toEqual(initialBreakerState());
    // Back to closed: every delivery is sent, and failing every other request does not re-open it.
    for (let i = 0; i < 1000; i++) {
      expect(await acquire(store, EP, { nowMs: (now += SECOND) })).toEqual({ action: 'send', probe: false });
      await report(store, EP, i % 2 === 0 ? 'failure' : 'success', { nowMs: now + 50 });
    }
    expect((await store.get(EP))!.state.status).toBe('closed');
  });

  it('does not change state for results of deliveries sent before it opened', () => {
    const state = opened();
    const after = recordOutcome(state, openedAt + 1, 'success').next;
    expect(after.status).toBe('open');
    expect(after.failingSinceMs).toBeUndefined();
  });
});

describe('disabling', () => {
  it('disables an endpoint with no success for 5 days, exactly at its next failure', () => {
    let state = recordOutcome(initialBreakerState(), T0, 'failure').next;
    state = recordOutcome(state, T0 + 5 * DAY - 1, 'failure').next;
    expect(state.status).not.toBe('disabled');
    const result = recordOutcome(state, T0 + 5 * DAY, 'failure');
    expect(result.disabled).toBe('failing');
    expect(result.next).toMatchObject({
      status: 'disabled',
      disabledReason: 'failing',
      disabledAtMs: T0 + 5 * DAY,
    });
    expect(decide(result.next, T0 + 6 * DAY, 'p').decision).toEqual({
      action: 'disabled',
      reason: 'failing',
    });
    // Nothing more happens to a disabled breaker.
    expect(recordOutcome(result.next, T0 + 6 * DAY, 'failure')).toEqual({ next: result.next });
  });

  it('restarts the 5-day clock on any success', () => {
    let state = recordOutcome(initialBreakerState(), T0, 'failure').next;
    state = recordOutcome(state, T0 + 4 * DAY, 'success').next;
    state = recordOutcome(state, T0 + 4 * DAY + 1, 'failure').next;
    expect(recordOutcome(state, T0 + 5 * DAY, 'failure').next.status).not.toBe('disabled');
    expect(recordOutcome(state, T0 + 9 * DAY + 1, 'failure').disabled).toBe('failing');
  });

  it('disables at once on 410 Gone', () => {
    const result = recordOutcome(initialBreakerState(), T0, 'gone');
    expect(result).toMatchObject({ disabled: 'gone', next: { status: 'disabled', disabledReason: 'gone' } });
  });

  it('walks a dead endpoint from open through probes to disabled within 5 days of its first failure', async () => {
    const store = new InMemoryBreakerStore();
    let now = T0;
    let disabledAt: number | undefined;
    let probes = 0;
    while (disabledAt === undefined && now < T0 + 6 * DAY) {
      const decision = await acquire(store, EP, { nowMs: now });
      if (decision.action === 'send') {
        if (decision.probe) probes += 1;
        const result = await report(store, EP, 'failure', {
          nowMs: now + 200,
          ...(decision.probe ? { probeId: decision.probeId } : {}),
        });
        if (result.disabled) disabledAt = now + 200;
        now += 30 * SECOND;
      } else if (decision.action === 'defer') {
        expect(decision.untilMs).toBeGreaterThan(now);
        now = decision.untilMs;
      } else {
        break;
      }
    }
    expect(disabledAt).toBeDefined();
    expect(disabledAt! - T0).toBeGreaterThanOrEqual(5 * DAY);
    expect(disabledAt! - T0).toBeLessThanOrEqual(5 * DAY + CONFIG.maxCoolDownMs + MINUTE);
    // Open for 5 days costs about one probe per hour, not one attempt per delivery.
    expect(probes).toBeGreaterThan(100);
    expect(probes).toBeLessThan(130);
    expect(await acquire(store, EP, { nowMs: now + DAY })).toEqual({ action: 'disabled', reason: 'failing' });
  });
});

describe('shared state through compare-and-set', () => {
  async function openStore(): Promise<{ store: InMemoryBreakerStore; reopenAt: number }> {
    const store = new InMemoryBreakerStore();
    for (let i = 0; i < RUN; i++) await report(store, EP, 'failure', { nowMs: T0 + i });
    const state = (await store.get(EP))!.state;
    expect(state.status).toBe('open');
    return { store, reopenAt: state.openUntilMs! };
  }

  it('lets exactly one of 20 concurrent workers probe a half-open endpoint', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { store, reopenAt } = await openStore();
      const shared = interleaving(store, createRng(seed));
      const decisions = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          acquire(shared, EP, { nowMs: reopenAt + i, probeId: `worker-${i}` }),
        ),
      );
      const probes = decisions.filter((d) => d.action === 'send');
      expect(probes).toHaveLength(1);
      expect(probes[0]).toMatchObject({ probe: true });
      const others = decisions.filter((d) => d.action !== 'send');
      expect(others).toHaveLength(19);
      for (const d of others) expect(d).toMatchObject({ action: 'defer', reason: 'probe-in-flight' });
      expect(shared.casCalls).toBeGreaterThan(1); // workers really raced for the claim
      const stored = (await store.get(EP))!.state;
      expect(stored.probe?.id).toBe((probes[0] as { probeId: string }).probeId);
    }
  });

  it('counts every one of 20 concurrent reports (lost races are retried)', async () => {
    const store = new InMemoryBreakerStore();
    const shared = interleaving(store, createRng(99));
    const outcomes: ReportedOutcome[] = [...times(12, 'success'), ...times(8, 'failure')];
    const results = await Promise.all(outcomes.map((o, i) => report(shared, EP, o, { nowMs: T0 + i })));
    expect(results.every((r) => r.recorded)).toBe(true);
    const { state, version } = (await store.get(EP))!;
    expect(windowStats(state, T0 + 20)).toEqual({ total: 20, failures: 8, failureRate: 0.4 });
    expect(version).toBe(20);
  });

  it('tells exactly one reporter that the endpoint was disabled', async () => {
    const store = new InMemoryBreakerStore();
    await report(store, EP, 'failure', { nowMs: T0 });
    const shared = interleaving(store, createRng(5));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => report(shared, EP, 'failure', { nowMs: T0 + 5 * DAY + i })),
    );
    expect(results.filter((r) => r.disabled === 'failing')).toHaveLength(1);
    expect((await store.get(EP))!.state.status).toBe('disabled');
  });

  it('gives up after the configured number of lost races', async () => {
    const alwaysLoses: BreakerStore = {
      get: async () => ({ state: initialBreakerState(), version: 1 }),
      compareAndSet: async () => false,
    };
    expect(await report(alwaysLoses, EP, 'failure', { nowMs: T0, maxCasAttempts: 3 })).toMatchObject({
      recorded: false,
    });
    const openState = feed(initialBreakerState(), T0, times(RUN, 'failure'));
    const contended: BreakerStore = {
      get: async () => ({ state: openState, version: 1 }),
      compareAndSet: async () => false,
    };
    expect(await acquire(contended, EP, { nowMs: openState.openUntilMs!, maxCasAttempts: 3 })).toMatchObject({
      action: 'defer',
      reason: 'contention',
    });
  });

  it('resets to closed when an endpoint is re-enabled', async () => {
    const { store } = await openStore();
    expect(await resetBreaker(store, EP)).toBe(true);
    expect((await store.get(EP))!.state).toEqual(initialBreakerState());
  });

  it('creates the record on first write (version 0 means absent)', async () => {
    const store = new InMemoryBreakerStore();
    expect(await store.get(EP)).toBeUndefined();
    expect(await store.compareAndSet(EP, 1, initialBreakerState())).toBe(false);
    expect(await store.compareAndSet(EP, 0, initialBreakerState())).toBe(true);
    expect(await store.compareAndSet(EP, 0, initialBreakerState())).toBe(false);
    expect((await store.get(EP))!.version).toBe(1);
  });
});
