/**
 * The sync use case against in-memory fakes and a fake clock: paging and watermarks, full sweeps
 * and targeted fetches, every platform failure kind, deferral (never a failure), the platform
 * breaker (no calls while open except the probe) and its recovery timing.
 */
import { syncPage } from '../../../src/platforms/use-cases/sync-page';
import type { SyncMessage } from '../../../src/platforms/domain/connection';
import { appBucket } from '../../../src/platforms/domain/quota-policy';
import { PLATFORM_BREAKER_CONFIG } from '../../../src/platforms/domain/platform-breaker';
import { report } from '../../../src/shared/circuit-breaker';
import { connection, firstMessage, review, syncWorld } from './sync-fakes';

const FIVE = ['e', 'd', 'c', 'b', 'a'].map((id, i) =>
  review(id, `2026-12-0${3 - Math.floor(i / 2)}T0${9 - i}:00:00.000Z`),
);

/** Processes messages as they become visible, a second at a time, until the queue is empty. */
async function drain(world: ReturnType<typeof syncWorld>) {
  const outcomes = [];
  for (let round = 0; round < 120 && world.queue.pending.length > 0; round++) {
    for (const m of world.queue.takeDue()) outcomes.push(await syncPage(m, world.deps));
    world.clock.advance(1000);
  }
  expect(world.queue.pending).toHaveLength(0);
  return outcomes;
}
const synced = (outcomes: Awaited<ReturnType<typeof drain>>) => outcomes.filter((o) => o.kind === 'synced');

describe('syncPage: paging, watermark, sweep, targeted', () => {
  it('pages an incremental sync one page per message and saves the newest updatedAt as the watermark', async () => {
    const world = syncWorld();
    world.adapter.reviews = FIVE;
    await world.queue.send([{ message: firstMessage('incremental') }]);
    const outcomes = await drain(world);
    expect(outcomes.map((o) => o.kind === 'synced' && o.progress)).toEqual([
      'next-page',
      'next-page',
      'done',
    ]);
    expect([...world.sink.stored.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const location = world.connections.items.get('conn-1')!.locations[0]!;
    expect(location.cursor).toEqual({ watermark: FIVE[0]!.updatedAt });
    expect(world.adapter.calls).toHaveLength(3);

    // The next incremental sync stops at the watermark: only the new review is handed on.
    world.adapter.reviews = [review('f', '2026-12-03T11:00:00.000Z'), ...FIVE];
    world.sink.stored.clear();
    await world.queue.send([{ message: firstMessage('incremental', { cursor: location.cursor }) }]);
    await drain(world);
    expect([...world.sink.stored.keys()]).toEqual(['f']);
    expect(world.connections.items.get('conn-1')!.locations[0]!.cursor).toEqual({
      watermark: '2026-12-03T11:00:00.000Z',
    });
  });

  it('a full sweep re-fetches the reviews it did not see and removes those the platform no longer has', async () => {
    const world = syncWorld();
    world.adapter.reviews = FIVE;
    // Seen by earlier syncs: 'gone' was deleted on the platform; 'edited' moved out of the listing
    // during the sweep but still exists (get finds it), so it must not be removed.
    await world.ledger.markSeen('conn-1', 'loc-1', ['gone', 'edited'], '2026-12-02T00:00:00.000Z');
    world.clock.advance(1000);
    await world.queue.send([{ message: firstMessage('full') }]);
    const listed = await drain(world);
    expect(synced(listed)).toHaveLength(4); // 3 pages + 1 targeted
    const targeted = world.queue.sent.map((s) => s.message).filter((m) => m.mode === 'targeted');
    expect(targeted).toHaveLength(1);
    expect([...(targeted[0]!.externalIds ?? [])].sort()).toEqual(['edited', 'gone']);
    expect(targeted[0]!.correlationId).toBe('corr-1');
    // 'edited' was not found by the fake either; make it exist and replay the targeted fetch.
    world.sink.removed.clear();
    world.adapter.reviews = [...FIVE, review('edited', '2026-12-03T09:30:00.000Z')];
    await world.queue.send([{ message: targeted[0]! }]);
    await drain(world);
    expect([...world.sink.removed]).toEqual(['gone']);
    expect(world.sink.stored.has('edited')).toBe(true);
    expect(world.ledger.seen.get('gone')?.removed).toBe(true);
  });

  it('never infers removals from a partial listing (Yelp excerpts)', async () => {
    const world = syncWorld('yelp');
    world.adapter.reviews = FIVE.slice(0, 2);
    await world.ledger.markSeen('conn-1', 'loc-1', ['older-excerpt'], '2026-12-01T00:00:00.000Z');
    await world.queue.send([{ message: firstMessage('full') }]);
    await drain(world);
    expect(world.queue.sent.filter((s) => s.message.mode === 'targeted')).toHaveLength(0);
    expect(world.sink.removed.size).toBe(0);
  });

  it('targeted: fetches each id (never trusting a notification), removes what is gone, chunks the rest', async () => {
    const world = syncWorld();
    world.adapter.reviews = FIVE;
    const ids = ['a', 'x1', 'b', 'c', 'd', 'e', 'x2'];
    await world.queue.send([{ message: firstMessage('targeted', { externalIds: ids }) }]);
    const outcomes = await drain(world);
    expect(synced(outcomes)).toHaveLength(2); // 5 + 2 ids (the second waits for location tokens)
    expect(
      outcomes
        .filter((o) => o.kind === 'deferred')
        .every((o) => o.kind === 'deferred' && o.reason === 'quota'),
    ).toBe(true);
    expect([...world.sink.removed].sort()).toEqual(['x1', 'x2']);
    expect([...world.sink.stored.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('skips a connection that is not active, and a location no longer chosen, without calling', async () => {
    const world = syncWorld();
    await world.connections.put(connection('google', { status: 'reauth-required' }));
    expect(await syncPage(firstMessage('incremental'), world.deps)).toEqual({
      kind: 'skipped',
      reason: 'connection reauth-required',
    });
    await world.connections.put(connection('google'));
    expect((await syncPage(firstMessage('incremental', { locationId: 'other' }), world.deps)).kind).toBe(
      'skipped',
    );
    expect(world.adapter.calls).toHaveLength(0);
  });
});

describe('syncPage: failures', () => {
  it('rate-limited: tightens the app bucket and defers by the wait, counting a deferral, not a failure', async () => {
    const world = syncWorld();
    world.adapter.failures = [{ kind: 'rate-limited', reason: '429', waitMs: 30_000, window: 'minute' }];
    const outcome = await syncPage(firstMessage('incremental'), world.deps);
    expect(outcome).toEqual({ kind: 'deferred', reason: 'rate-limited', delaySeconds: 30 });
    expect(world.queue.sent[0]).toEqual({
      message: { ...firstMessage('incremental'), deferrals: 1 },
      delaySeconds: 30,
    });
    // The bucket is empty until then: another location's message waits without calling.
    const other = await syncPage(firstMessage('incremental'), world.deps);
    expect(other.kind === 'deferred' && other.reason).toBe('quota');
    expect(world.adapter.calls).toHaveLength(1);
    expect(world.limiter.states.get(appBucket('google'))?.asOfMs).toBe(world.clock.ms + 30_000);
    // The breaker did not count it.
    expect((await world.breakers.get('google'))?.state.consecutiveFailures).toBeUndefined();
  });

  it('a daily cap (Yelp) defers in 900 s hops until the reset', async () => {
    const world = syncWorld('yelp');
    world.adapter.failures = [
      { kind: 'rate-limited', reason: 'ACCESS_LIMIT_REACHED', waitMs: 5 * 3600_000, window: 'day' },
    ];
    const first = await syncPage(firstMessage('incremental'), world.deps);
    expect(first).toEqual({ kind: 'deferred', reason: 'rate-limited', delaySeconds: 900 });
    world.clock.advance(900_000);
    const hop = await syncPage(world.queue.takeDue()[0]!, world.deps);
    expect(hop).toEqual({ kind: 'deferred', reason: 'quota', delaySeconds: 900 });
    expect(world.adapter.calls).toHaveLength(1);
  });

  it('an empty bucket defers without calling', async () => {
    const world = syncWorld();
    await world.limiter.tighten(appBucket('google'), world.clock.ms + 2500, world.clock.ms);
    const outcome = await syncPage(firstMessage('incremental'), world.deps);
    expect(outcome).toEqual({ kind: 'deferred', reason: 'quota', delaySeconds: 3 });
    expect(world.adapter.calls).toHaveLength(0);
  });

  it('retry-later: defers with backoff and counts a breaker failure', async () => {
    const world = syncWorld();
    world.adapter.failures = [{ kind: 'retry-later', reason: '503' }];
    const outcome = await syncPage(firstMessage('incremental', { deferrals: 2 }), world.deps);
    expect(outcome).toEqual({ kind: 'deferred', reason: 'retry-later', delaySeconds: 4 });
    expect(world.queue.sent[0]!.message.deferrals).toBe(3);
    expect((await world.breakers.get('google'))?.state.consecutiveFailures).toBe(1);
  });

  it('auth-expired: refreshes once and retries once', async () => {
    const world = syncWorld();
    world.adapter.reviews = FIVE.slice(0, 1);
    world.tokens.current = 'stale';
    world.tokens.refreshTo = 'token-1';
    const outcome = await syncPage(firstMessage('incremental'), world.deps);
    expect(outcome.kind).toBe('synced');
    expect(world.tokens.refreshes).toBe(1);
    expect(world.adapter.calls.map((c) => c.token)).toEqual(['stale', 'token-1']);
  });

  it('auth-expired again after the refresh: the connection needs re-auth, and sync stops', async () => {
    const world = syncWorld();
    world.tokens.current = 'stale';
    world.tokens.refreshTo = 'still-bad';
    const outcome = await syncPage(firstMessage('incremental'), world.deps);
    expect(outcome.kind === 'stopped' && outcome.failure.kind).toBe('reauth-required');
    expect(world.tokens.refreshes).toBe(1);
    expect(world.adapter.calls).toHaveLength(2);
    expect(world.connections.items.get('conn-1')!.status).toBe('reauth-required');
    expect(world.queue.sent).toHaveLength(0);
  });

  it('a dead refresh token (reauth-required): marks the connection and stops', async () => {
    const world = syncWorld();
    world.tokens.current = 'stale';
    world.tokens.refreshTo = { kind: 'reauth-required', reason: 'invalid_grant' };
    const outcome = await syncPage(firstMessage('incremental'), world.deps);
    expect(outcome.kind === 'stopped' && outcome.failure.kind).toBe('reauth-required');
    expect(world.connections.items.get('conn-1')!.statusReason).toBe('invalid_grant');
  });

  it('unsupported (Facebook error 12): marks the connection unsupported and never retries', async () => {
    const world = syncWorld('facebook');
    world.adapter.failures = [{ kind: 'unsupported', reason: '(#12) deprecated' }];
    const outcome = await syncPage(firstMessage('incremental'), world.deps);
    expect(outcome.kind === 'stopped' && outcome.failure.kind).toBe('unsupported');
    expect(world.connections.items.get('conn-1')!.status).toBe('unsupported');
    expect(world.queue.sent).toHaveLength(0);
  });

  it('permanent: stops without retry and leaves the connection as it is', async () => {
    const world = syncWorld();
    world.adapter.failures = [{ kind: 'permanent', reason: '403 SERVICE_DISABLED', status: 403 }];
    const outcome = await syncPage(firstMessage('incremental'), world.deps);
    expect(outcome.kind === 'stopped' && outcome.failure.kind).toBe('permanent');
    expect(world.connections.items.get('conn-1')!.status).toBe('active');
    expect(world.queue.sent).toHaveLength(0);
  });

  it('a targeted sync interrupted part-way keeps what it fetched and defers only the rest', async () => {
    const world = syncWorld();
    world.adapter.reviews = FIVE;
    world.adapter.failures = [undefined, { kind: 'retry-later', reason: 'timeout' }];
    const outcome = await syncPage(firstMessage('targeted', { externalIds: ['a', 'b', 'c'] }), world.deps);
    expect(outcome.kind).toBe('deferred');
    expect([...world.sink.stored.keys()]).toEqual(['a']);
    expect(world.queue.sent[0]!.message.externalIds).toEqual(['b', 'c']);
  });

  it('a get that needs further calls takes a token for each; with none left the rest is deferred', async () => {
    const world = syncWorld();
    world.adapter.reviews = FIVE;
    world.adapter.furtherCallsPerGet = 1;
    // The location bucket holds 5: 3 for the ids up front, one more for each further call.
    const outcome = await syncPage(firstMessage('targeted', { externalIds: ['a', 'b', 'c'] }), world.deps);
    expect(outcome).toMatchObject({ kind: 'deferred', reason: 'quota' });
    expect(world.adapter.calls).toHaveLength(5);
    expect([...world.sink.stored.keys()].sort()).toEqual(['a', 'b']);
    expect(world.queue.sent[0]!.message.externalIds).toEqual(['c']);
  });

  it('errors that are not platform failures (store down) are thrown, for SQS to retry', async () => {
    const world = syncWorld();
    world.sink.submit = async () => {
      throw new Error('ingest queue down');
    };
    world.adapter.reviews = FIVE;
    await expect(syncPage(firstMessage('incremental'), world.deps)).rejects.toThrow('ingest queue down');
  });
});

describe('syncPage: the platform breaker', () => {
  /** A google breaker that opened after an outage and whose cool-down has just ended. */
  async function pastCoolDown(world: ReturnType<typeof syncWorld>) {
    for (let i = 0; i < PLATFORM_BREAKER_CONFIG.openAfterConsecutiveFailures; i += 1) {
      await report(world.breakers, 'google', 'failure', {
        nowMs: world.clock.ms,
        config: PLATFORM_BREAKER_CONFIG,
      });
    }
    const open = (await world.breakers.get('google'))!.state;
    expect(open.status).toBe('open');
    world.clock.ms = open.openUntilMs!;
  }
  const breakerOf = async (world: ReturnType<typeof syncWorld>) =>
    (await world.breakers.get('google'))!.state;

  it('a probe whose retry after a refresh finds no token is given back: the next message probes at once', async () => {
    const world = syncWorld();
    world.adapter.reviews = FIVE;
    await pastCoolDown(world);
    world.adapter.failures = [{ kind: 'auth-expired', reason: '401' }];
    // Five ids take the location's five tokens up front; the retry after the refresh finds none.
    const targeted = firstMessage('targeted', { externalIds: ['a', 'b', 'c', 'd', 'e'] });
    expect(await syncPage(targeted, world.deps)).toMatchObject({ kind: 'deferred', reason: 'quota' });
    expect(world.tokens.refreshes).toBe(1);
    const released = await breakerOf(world);
    expect(released.status).toBe('half-open');
    expect(released.probe).toBeUndefined();
    // Another location's page is the next probe (no wait for the first one's lease); it closes the breaker.
    await world.connections.put(
      connection('google', { locations: [{ locationId: 'loc-1' }, { locationId: 'loc-2' }] }),
    );
    const elsewhere = firstMessage('incremental', { locationId: 'loc-2' });
    world.clock.advance(1_000); // the app bucket (5 at 5/s) refills; the probe's lease would not end
    expect(await syncPage(elsewhere, world.deps)).toMatchObject({ kind: 'synced' });
    expect((await breakerOf(world)).status).toBe('closed');
  });

  it('a probe that ends on our own failure before its call is given back, and the failure is thrown', async () => {
    const world = syncWorld();
    await pastCoolDown(world);
    world.tokens.credentialsFor = async () => Promise.reject(new Error('token vault unreadable'));
    await expect(syncPage(firstMessage('incremental'), world.deps)).rejects.toThrow('token vault unreadable');
    expect(world.adapter.calls).toEqual([]);
    expect((await breakerOf(world)).probe).toBeUndefined();
  });

  it('a probe that is reported stays reported: a failed one re-opens the breaker', async () => {
    const world = syncWorld();
    await pastCoolDown(world);
    world.adapter.failures = [{ kind: 'retry-later', reason: '503' }];
    expect(await syncPage(firstMessage('incremental'), world.deps)).toMatchObject({ kind: 'deferred' });
    expect((await breakerOf(world)).status).toBe('open');
  });

  /**
   * Twenty locations sync every 250 ms of fake time while the platform goes down for `outageMs`.
   * Returns the delay from "healthy again" to the first successful call, and checks that no call
   * reached the platform while its breaker was open.
   */
  async function outage(outageMs: number) {
    const world = syncWorld();
    const locations = Array.from({ length: 20 }, (_, i) => ({ locationId: `loc-${i}` }));
    await world.connections.put(connection('google', { locations }));
    world.adapter.reviews = FIVE.slice(0, 1);
    world.adapter.pageSize = 5;
    const statuses: string[] = [];
    world.adapter.beforeCall = async () => {
      statuses.push((await world.breakers.get('google'))?.state.status ?? 'closed');
    };
    const start = world.clock.ms;
    const healthyAt = start + outageMs;
    world.adapter.down = { kind: 'retry-later', reason: '503' };
    let firstSuccessAt: number | undefined;
    const probesInFirstMinute: number[] = [];
    const message = (i: number): SyncMessage =>
      firstMessage('incremental', { locationId: `loc-${i}`, correlationId: `c${i}` });
    await world.queue.send(locations.map((_, i) => ({ message: message(i) })));
    while (firstSuccessAt === undefined && world.clock.ms < healthyAt + 120_000) {
      if (world.clock.ms >= healthyAt) world.adapter.down = undefined;
      for (const m of world.queue.takeDue()) {
        const before = world.adapter.calls.length;
        const outcome = await syncPage(m, world.deps);
        if (
          world.adapter.calls.length > before &&
          world.clock.ms - start < 60_000 &&
          world.clock.ms - start > 5_000
        ) {
          probesInFirstMinute.push(world.clock.ms);
        }
        if (outcome.kind === 'synced' && firstSuccessAt === undefined) firstSuccessAt = world.clock.ms;
        // Deferred messages are never failures: nothing throws, every message is answered.
        expect(['synced', 'deferred']).toContain(outcome.kind);
      }
      // The scheduler adds a fresh message now and then, as the EventBridge rule would.
      if ((world.clock.ms - start) % 300_000 === 0) await world.queue.send([{ message: message(0) }]);
      world.clock.advance(250);
    }
    return { world, statuses, recoveryMs: firstSuccessAt! - healthyAt, probesInFirstMinute };
  }

  it('after a 30 s outage the first successful call comes less than 5 s after the platform is back', async () => {
    const { statuses, recoveryMs, probesInFirstMinute } = await outage(30_000);
    expect(recoveryMs).toBeGreaterThanOrEqual(0);
    expect(recoveryMs).toBeLessThan(5_000);
    // No call while open: only closed (before it opened) and the half-open probe.
    expect(statuses).not.toContain('open');
    expect(statuses.filter((s) => s === 'closed').length).toBeLessThanOrEqual(20);
    // Probes every few seconds during the first minute.
    const gaps = probesInFirstMinute.slice(1).map((t, i) => t - probesInFirstMinute[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(4_000);
  });

  it('after a 10 min outage recovery takes at most one cool-down (60 s), and the backlog drains', async () => {
    const { world, statuses, recoveryMs } = await outage(10 * 60_000);
    expect(recoveryMs).toBeLessThanOrEqual(61_000);
    expect(statuses).not.toContain('open');
    // Every location syncs once the platform is back: nothing lost.
    for (let i = 0; i < 30 && world.queue.pending.length > 0; i++) {
      world.clock.advance(1_000);
      for (const m of world.queue.takeDue()) await syncPage(m, world.deps);
    }
    expect(
      world.connections.cursors
        .filter((c) => c.cursor?.watermark)
        .map((c) => c.locationId)
        .sort(),
    ).toEqual(expect.arrayContaining(Array.from({ length: 20 }, (_, i) => `loc-${i}`)));
  });
});
