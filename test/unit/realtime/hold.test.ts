import { functionDefinition } from '../../../src/catalog/functions';
import { isHeld, SUBSCRIBE_HOLD_MS } from '../../../src/realtime/domain/hold';
import type { ChannelEvent, Subscription } from '../../../src/realtime/ports';
import { followingRun } from '../../../src/realtime/use-cases/deliver';
import { planChannel } from '../../../src/realtime/use-cases/fan-out';

const NOW = 1_800_000_000_000;
const CHANNEL = 'supplier:s1:reviews';

const event = (seq: number): ChannelEvent => ({
  channel: CHANNEL,
  seq,
  eventId: `evt_${seq}`,
  type: 'review.received',
  body: '{}',
  recordedAtMs: NOW,
});
const sub = (connectionId: string, lastSeq: number, heldUntilMs?: number): Subscription => ({
  connectionId,
  channel: CHANNEL,
  lastSeq,
  ...(heldUntilMs === undefined ? {} : { heldUntilMs }),
});

describe('a subscribe’s hold', () => {
  it('holds until its expiry and not a millisecond after', () => {
    expect(isHeld(sub('a', 0), NOW)).toBe(false);
    expect(isHeld(sub('a', 0, NOW + 1), NOW)).toBe(true);
    expect(isHeld(sub('a', 0, NOW), NOW)).toBe(false);
    expect(isHeld(sub('a', 0, NOW - 5_000), NOW)).toBe(false);
  });

  it('outlasts the subscribe handler’s timeout, so a running subscribe never loses it, and stays short', () => {
    const timeoutMs = functionDefinition('RealtimeSocket').timeoutSeconds * 1000;
    expect(SUBSCRIBE_HOLD_MS).toBeGreaterThan(timeoutMs);
    expect(SUBSCRIBE_HOLD_MS).toBeLessThanOrEqual(60_000);
  });
});

describe('a fan-out batch’s plan for one channel', () => {
  const batch = [event(4), event(5), event(6)];

  it('claims the batch for the free subscriptions right before it, from where each one is', () => {
    const plan = planChannel(batch, [sub('at3', 3), sub('at5', 5)], NOW);
    expect(plan.ready.map((r) => [r.subscription.connectionId, r.events.map((e) => e.seq)])).toEqual([
      ['at3', [4, 5, 6]],
      ['at5', [6]],
    ]);
    expect(plan.held).toEqual([]);
    expect(plan.others).toEqual([]);
  });

  it('leaves a held subscription to its holder (the batch is noted on it), whatever its cursor', () => {
    const plan = planChannel(batch, [sub('held3', 3, NOW + 1_000), sub('held0', 0, NOW + 1_000)], NOW);
    expect(plan.ready).toEqual([]);
    expect(plan.held.map((s) => s.connectionId)).toEqual(['held3', 'held0']);
    expect(plan.others).toEqual([]);
  });

  it('notes nothing on a held subscription already past the batch', () => {
    const plan = planChannel(batch, [sub('held6', 6, NOW + 1_000), sub('held9', 9, NOW + 1_000)], NOW);
    expect(plan).toEqual({ ready: [], held: [], others: [] });
  });

  it('treats a subscription whose hold expired as free (a crashed subscribe blocks nothing)', () => {
    const plan = planChannel(batch, [sub('expired', 3, NOW - 1), sub('expiredBehind', 1, NOW)], NOW);
    expect(plan.ready.map((r) => r.subscription.connectionId)).toEqual(['expired']);
    expect(plan.others.map((s) => s.connectionId)).toEqual(['expiredBehind']);
  });

  it('sends the behind and the ahead to the one-by-one path', () => {
    const plan = planChannel(batch, [sub('behind', 1), sub('ahead', 6), sub('far', 10)], NOW);
    expect(plan.ready).toEqual([]);
    expect(plan.others.map((s) => s.connectionId)).toEqual(['behind', 'ahead', 'far']);
  });

  it('serves a run only without gaps after the cursor', () => {
    expect(followingRun([event(4), event(5), event(7)], 3).map((e) => e.seq)).toEqual([4, 5]);
    expect(followingRun([event(4), event(5)], 5)).toEqual([]);
    expect(followingRun([event(4), event(5)], 1)).toEqual([]);
  });
});
