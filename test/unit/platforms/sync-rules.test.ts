/** The pure rules: token buckets, quota tightening, the platform breaker's cool-down, the schedule. */
import { recordOutcome, initialBreakerState, decide } from '../../../src/shared/circuit-breaker';
import { FUNCTIONS } from '../../../src/catalog/functions';
import {
  PLATFORM_BREAKER_CONFIG,
  PROBING_FUNCTION_TIMEOUT_SECONDS,
} from '../../../src/platforms/domain/platform-breaker';
import {
  appBucket,
  bucketPolicy,
  bucketsFor,
  tightenUntil,
} from '../../../src/platforms/domain/quota-policy';
import { deferralDelaySeconds, fullSweepDue, sweepSlotMinute } from '../../../src/platforms/domain/sync-plan';
import { drainUntil, fullBucket, takeTokens, tokensAt } from '../../../src/platforms/domain/token-bucket';
import { scheduleSyncs } from '../../../src/platforms/use-cases/schedule-syncs';
import { connection, DelayQueue, FakeClock, MemoryConnections, MemoryLedger } from './sync-fakes';

describe('token bucket', () => {
  const policy = { capacity: 5, refillPerSecond: 1 };
  it('refills by elapsed time up to the capacity, and says how long to wait', () => {
    let state = fullBucket(policy, 0);
    for (let i = 0; i < 5; i++) {
      const r = takeTokens(state, policy, 1, 0);
      if (!r.ok) throw new Error('expected tokens');
      state = r.next;
    }
    expect(takeTokens(state, policy, 1, 0)).toEqual({ ok: false, waitMs: 1000 });
    expect(takeTokens(state, policy, 2, 500)).toEqual({ ok: false, waitMs: 1500 });
    expect(tokensAt(state, policy, 60_000)).toBe(5);
  });
  it('a drained bucket refills only from the drain end', () => {
    const drained = drainUntil(fullBucket(policy, 0), 10_000);
    expect(takeTokens(drained, policy, 1, 2_000)).toEqual({ ok: false, waitMs: 9_000 });
    expect(takeTokens(drained, policy, 1, 11_000).ok).toBe(true);
  });
  it('refuses a cost above the capacity instead of waiting forever', () => {
    expect(() => takeTokens(fullBucket(policy, 0), policy, 6, 0)).toThrow(RangeError);
  });
});

describe('quota policies', () => {
  it('names an app and a location bucket per call, each with a policy', () => {
    expect(bucketsFor('google', 'loc')).toEqual(['google/app', 'google/location/loc']);
    expect(bucketPolicy('google/app')).toEqual({ capacity: 5, refillPerSecond: 5 });
    expect(bucketPolicy('trustpilot/app')!.refillPerSecond * 300).toBeCloseTo(833);
    expect(bucketPolicy('nope/app')).toBeUndefined();
    expect(appBucket('yelp')).toBe('yelp/app');
  });
  it('Yelp: nothing remaining drains until the reset; a few remaining paces the rest of the window', () => {
    const now = Date.parse('2026-12-03T12:00:00.000Z');
    const resetAt = '2026-12-04T00:00:00.000Z';
    expect(tightenUntil('yelp', { remaining: 0, resetAt }, now)).toBe(Date.parse(resetAt));
    expect(tightenUntil('yelp', { remaining: 12, resetAt }, now)).toBe(now + 3600_000);
    expect(tightenUntil('yelp', { remaining: 100_000, resetAt }, now)).toBeUndefined();
  });
  it('Facebook: usage near 100 % pauses the app bucket', () => {
    expect(tightenUntil('facebook', { usedRatio: 0.97 }, 0)).toBe(300_000);
    expect(tightenUntil('facebook', { usedRatio: 0.85 }, 0)).toBe(30_000);
    expect(tightenUntil('facebook', { usedRatio: 0.2 }, 0)).toBeUndefined();
  });
});

describe('platform breaker config', () => {
  it("a probe's lease outlasts every invocation that can claim one (the functions that write the breakers)", () => {
    const probing = FUNCTIONS.filter((f) => f.tables?.PlatformBreakers === 'readwrite');
    expect(probing.map((f) => f.id).sort()).toEqual(['ReplyWorker', 'SyncWorker']);
    const longest = Math.max(...probing.map((f) => f.timeoutSeconds));
    expect(PROBING_FUNCTION_TIMEOUT_SECONDS).toBe(longest);
    expect(PLATFORM_BREAKER_CONFIG.probeLeaseMs).toBeGreaterThan(longest * 1000);
  });
  const open = (failingSinceMs: number, nowMs: number) => {
    let state = { ...initialBreakerState(), failingSinceMs };
    for (let i = 0; i < 3; i++)
      state = recordOutcome(state, nowMs, 'failure', undefined, PLATFORM_BREAKER_CONFIG).next as typeof state;
    return state;
  };
  it('opens after 3 failures; cool-down 1 s at first, 1/20 of the outage, at most 60 s', () => {
    expect(open(0, 0).status).toBe('open');
    expect(open(0, 0).openUntilMs).toBe(1_000);
    expect(open(0, 60_000).openUntilMs! - 60_000).toBe(3_000);
    expect(open(0, 3_600_000).openUntilMs! - 3_600_000).toBe(60_000);
  });
  it("a probe that hangs until its timeout: the next probe comes one cool-down after the hung one's start", () => {
    // Five minutes into a timeout-style outage: the cool-down is 15 s, a probe hangs for 10 s.
    const opened = open(0, 300_000);
    const claimAt = opened.openUntilMs!;
    const claim = decide(opened, claimAt, 'probe-1', PLATFORM_BREAKER_CONFIG);
    expect(claim.decision).toMatchObject({ action: 'send', probe: true });
    const failedAt = claimAt + 10_000;
    const reopened = recordOutcome(claim.next!, failedAt, 'failure', 'probe-1', PLATFORM_BREAKER_CONFIG).next;
    const coolDown = (failedAt - 0) / 20;
    expect(reopened.status).toBe('open');
    expect(reopened.openUntilMs).toBe(claimAt + coolDown);
    // Without the option (webhook endpoints' rule), the cool-down runs from the failure.
    const { coolDownFromProbeStart: _option, ...fromFailure } = PLATFORM_BREAKER_CONFIG;
    expect(recordOutcome(claim.next!, failedAt, 'failure', 'probe-1', fromFailure).next.openUntilMs).toBe(
      failedAt + coolDown,
    );
  });
  it('a probe that hung longer than the cool-down: the next one may go at once, never earlier than now', () => {
    const opened = open(0, 20_000); // cool-down 1 s
    const claim = decide(opened, opened.openUntilMs!, 'probe-1', PLATFORM_BREAKER_CONFIG);
    const failedAt = opened.openUntilMs! + 10_000;
    const reopened = recordOutcome(claim.next!, failedAt, 'failure', 'probe-1', PLATFORM_BREAKER_CONFIG).next;
    expect(reopened.openUntilMs).toBe(failedAt);
    expect(decide(reopened, failedAt, 'probe-2', PLATFORM_BREAKER_CONFIG).decision).toMatchObject({
      action: 'send',
      probe: true,
    });
  });
  it('never disables a platform', () => {
    const state = open(0, 30 * 86_400_000);
    expect(decide(state, state.openUntilMs!, 'p', PLATFORM_BREAKER_CONFIG).decision.action).toBe('send');
  });
});

describe('deferral delays and sweep slots', () => {
  it('whole seconds between 1 and 900 (longer waits hop)', () => {
    expect(deferralDelaySeconds(1)).toBe(1);
    expect(deferralDelaySeconds(2_100)).toBe(3);
    expect(deferralDelaySeconds(86_400_000)).toBe(900);
    expect(deferralDelaySeconds(Number.POSITIVE_INFINITY)).toBe(900);
  });
  it('spreads full sweeps over the day', () => {
    const slots = new Set(Array.from({ length: 50 }, (_, i) => sweepSlotMinute('c', `l${i}`)));
    expect(slots.size).toBeGreaterThan(40);
    const slot = sweepSlotMinute('c', 'l');
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 0, minute));
    expect(fullSweepDue('c', 'l', at(slot))).toBe(true);
    if (slot > 0) expect(fullSweepDue('c', 'l', at(slot - 1))).toBe(false);
  });
});

describe('scheduleSyncs', () => {
  it('pages active connections: an incremental sync per location, a full sweep once per day, skips running syncs', async () => {
    const clock = new FakeClock(Date.parse('2026-12-03T23:59:00.000Z'));
    const connections = new MemoryConnections();
    for (let i = 0; i < 150; i++) {
      await connections.put(
        connection('google', { connectionId: `c${i}`, locations: [{ locationId: 'l' }] }),
      );
    }
    await connections.put(connection('yelp', { connectionId: 'paused', status: 'reauth-required' }));
    await connections.put(
      connection('google', {
        connectionId: 'running',
        locations: [{ locationId: 'l', cursor: { pageToken: 'p2' }, lastSyncAt: '2026-12-03T23:58:00.000Z' }],
      }),
    );
    const ledger = new MemoryLedger();
    const queue = new DelayQueue(clock);
    const recorded: string[] = [];
    const deps = {
      connections,
      ledger,
      directory: {
        record: async (_p: string, _l: string, ref: { connectionId: string }) =>
          void recorded.push(ref.connectionId),
      },
      queue,
      clock,
      newId: () => 'id',
    };
    const first = await scheduleSyncs(deps);
    expect(first).toMatchObject({ connections: 151, incremental: 150, skippedInProgress: 1 });
    // 23:59 UTC: every slot has come today, so every location gets its one full sweep of the day.
    expect(first.full).toBe(151);
    expect(recorded).toHaveLength(151);
    const second = await scheduleSyncs(deps);
    expect(second.full).toBe(0);
    expect(queue.sent.every((s) => s.message.startedAt === '2026-12-03T23:59:00.000Z')).toBe(true);
  });
});
