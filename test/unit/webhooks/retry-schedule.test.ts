import fc from 'fast-check';
import {
  MAX_RETRY_DELAY_SECONDS,
  RETRY_SCHEDULE_SECONDS,
  SQS_MAX_DELAY_SECONDS,
  jitteredDelaySeconds,
  nextAttempt,
  planWait,
  splitDelay,
  type RandomSource,
} from '#src/webhooks/domain/retry-schedule';
import { createRng } from '#src/models/training/rng';

/** Deterministic PRNG (mulberry32, the training code's) so jittered schedules are reproducible. */
const seeded = (seed: number): RandomSource => createRng(seed);

const T0 = Date.parse('2025-06-14T00:00:00Z');
const noJitter: RandomSource = () => 0.5;

describe('retry schedule', () => {
  it('is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first attempt, then exhausted', () => {
    const delays: number[] = [];
    let attemptsMade = 1;
    for (;;) {
      const next = nextAttempt({ attemptsMade, nowMs: T0, random: noJitter });
      if (next.kind === 'exhausted') {
        expect(next.attemptsMade).toBe(8);
        break;
      }
      expect(next.attempt).toBe(attemptsMade + 1);
      expect(next.dueAtMs).toBe(T0 + next.delaySeconds * 1000);
      delays.push(next.delaySeconds);
      attemptsMade = next.attempt;
    }
    expect(delays).toEqual([5, 300, 1800, 7200, 18_000, 36_000, 36_000]);
    expect(RETRY_SCHEDULE_SECONDS).toEqual(delays);
  });

  it('keeps every jittered delay within ±10 % of its step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const step = RETRY_SCHEDULE_SECONDS[n - 1]!;
          const next = nextAttempt({ attemptsMade: n, nowMs: T0, random: () => r });
          if (next.kind !== 'retry') throw new Error('expected a retry');
          expect(next.delaySeconds).toBeGreaterThanOrEqual(Math.round(step * 0.9));
          expect(next.delaySeconds).toBeLessThanOrEqual(Math.round(step * 1.1));
        },
      ),
    );
  });

  it('spreads retries with the injected random source, reproducibly', () => {
    const run = (seed: number) => {
      const random = seeded(seed);
      return RETRY_SCHEDULE_SECONDS.map((_, i) => {
        const next = nextAttempt({ attemptsMade: i + 1, nowMs: T0, random });
        return next.kind === 'retry' ? next.delaySeconds : -1;
      });
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
    expect(new Set(Array.from({ length: 20 }, (_, seed) => run(seed)[3])).size).toBeGreaterThan(10);
    expect(jitteredDelaySeconds(7200, 0.1, () => 0)).toBe(6480);
    expect(jitteredDelaySeconds(7200, 0.1, () => 0.999999)).toBe(7920);
    expect(jitteredDelaySeconds(1, 0.5, () => 0)).toBe(1);
  });

  it('uses Retry-After when it is longer than the schedule step', () => {
    const next = nextAttempt({ attemptsMade: 1, nowMs: T0, random: noJitter, retryAfterSeconds: 120 });
    expect(next).toEqual({
      kind: 'retry',
      attempt: 2,
      delaySeconds: 120,
      dueAtMs: T0 + 120_000,
      retryAfterApplied: true,
    });
  });

  it('never retries earlier than the schedule step, whatever Retry-After says', () => {
    const next = nextAttempt({ attemptsMade: 3, nowMs: T0, random: noJitter, retryAfterSeconds: 1 });
    expect(next).toMatchObject({ delaySeconds: 1800, retryAfterApplied: false });
  });

  it('caps Retry-After at 24 hours', () => {
    const next = nextAttempt({ attemptsMade: 2, nowMs: T0, random: noJitter, retryAfterSeconds: 7 * 86_400 });
    expect(next).toMatchObject({ delaySeconds: MAX_RETRY_DELAY_SECONDS, retryAfterApplied: true });
  });

  it('does not add attempts for Retry-After', () => {
    expect(nextAttempt({ attemptsMade: 8, nowMs: T0, random: noJitter, retryAfterSeconds: 60 })).toEqual({
      kind: 'exhausted',
      attemptsMade: 8,
    });
  });

  it('rejects a nonsensical attempt count', () => {
    expect(() => nextAttempt({ attemptsMade: 0, nowMs: T0, random: noJitter })).toThrow();
    expect(() => nextAttempt({ attemptsMade: 1.5, nowMs: T0, random: noJitter })).toThrow();
  });
});

describe('splitDelay', () => {
  it.each([
    [0, { delaySeconds: 0, remainingSeconds: 0, hops: 1 }],
    [4.2, { delaySeconds: 5, remainingSeconds: 0, hops: 1 }],
    [900, { delaySeconds: 900, remainingSeconds: 0, hops: 1 }],
    [901, { delaySeconds: 900, remainingSeconds: 1, hops: 2 }],
    [36_000, { delaySeconds: 900, remainingSeconds: 35_100, hops: 40 }],
  ])('splits %s s', (seconds, expected) => {
    expect(splitDelay(seconds)).toEqual(expected);
  });

  it('never exceeds the SQS limit and always adds up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400 }), (seconds) => {
        const split = splitDelay(seconds);
        expect(split.delaySeconds).toBeLessThanOrEqual(SQS_MAX_DELAY_SECONDS);
        expect(split.delaySeconds + split.remainingSeconds).toBe(seconds);
      }),
    );
    expect(() => splitDelay(-1)).toThrow();
  });
});

/**
 * A fake SQS queue on a fake clock: a message becomes visible `DelaySeconds` after it was sent
 * (never earlier), plus a random receive lag; the clock jumps to the next visible message.
 */
class FakeDelayQueue<T> {
  now: number;
  private messages: { visibleAt: number; body: T }[] = [];
  sends = 0;
  constructor(
    start: number,
    private readonly lagMs: () => number,
  ) {
    this.now = start;
  }
  send(body: T, delaySeconds: number): void {
    expect(Number.isInteger(delaySeconds)).toBe(true);
    expect(delaySeconds).toBeGreaterThanOrEqual(0);
    expect(delaySeconds).toBeLessThanOrEqual(900);
    this.sends += 1;
    this.messages.push({ visibleAt: this.now + delaySeconds * 1000, body });
  }
  receive(): T | undefined {
    this.messages.sort((a, b) => a.visibleAt - b.visibleAt);
    const next = this.messages.shift();
    if (!next) return undefined;
    this.now = Math.max(this.now, next.visibleAt) + this.lagMs();
    return next.body;
  }
}

interface DeliveryMessage {
  readonly webhookId: string;
  readonly attempt: number;
  readonly dueAtMs: number;
}

describe('durable waits by re-enqueueing in hops of at most 15 minutes (decision 0003)', () => {
  it('delivers a 10-hour retry at or just after its due time, after 40 hops', () => {
    const random = seeded(7);
    const queue = new FakeDelayQueue<DeliveryMessage>(T0, () => Math.floor(random() * 2000));
    const dueAtMs = T0 + 36_000 * 1000;
    queue.send({ webhookId: 'evt_x', attempt: 7, dueAtMs }, 0);
    let delivered: number | undefined;
    for (let message = queue.receive(); message; message = queue.receive()) {
      const plan = planWait(message.dueAtMs, queue.now);
      if (plan.action === 'deliver') {
        delivered = queue.now;
        break;
      }
      queue.send(message, plan.delaySeconds);
    }
    expect(delivered).toBeDefined();
    expect(delivered!).toBeGreaterThanOrEqual(dueAtMs);
    expect(delivered! - dueAtMs).toBeLessThan(2000);
    expect(queue.sends).toBe(1 + 40);
  });

  it('runs a permanently failing delivery through the whole schedule, never early, same webhook-id', () => {
    const random = seeded(2025);
    const queue = new FakeDelayQueue<DeliveryMessage>(T0, () => Math.floor(random() * 1500));
    queue.send({ webhookId: 'evt_fail', attempt: 1, dueAtMs: T0 }, 0);
    const attempts: { attempt: number; at: number; due: number; webhookId: string }[] = [];
    let exhausted = false;
    for (let message = queue.receive(); message; message = queue.receive()) {
      const plan = planWait(message.dueAtMs, queue.now);
      if (plan.action === 'wait') {
        queue.send(message, plan.delaySeconds);
        continue;
      }
      attempts.push({
        attempt: message.attempt,
        at: queue.now,
        due: message.dueAtMs,
        webhookId: message.webhookId,
      });
      // The endpoint fails every time.
      const next = nextAttempt({ attemptsMade: message.attempt, nowMs: queue.now, random });
      if (next.kind === 'exhausted') {
        exhausted = true;
        break;
      }
      const first = splitDelay(next.delaySeconds);
      queue.send({ ...message, attempt: next.attempt, dueAtMs: next.dueAtMs }, first.delaySeconds);
    }
    expect(exhausted).toBe(true);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(attempts.map((a) => a.webhookId))).toEqual(new Set(['evt_fail']));
    for (const a of attempts) expect(a.at).toBeGreaterThanOrEqual(a.due);
    const gaps = attempts.slice(1).map((a, i) => (a.at - attempts[i]!.at) / 1000);
    gaps.forEach((gap, i) => {
      const step = RETRY_SCHEDULE_SECONDS[i]!;
      expect(gap).toBeGreaterThanOrEqual(step * 0.9 - 1);
      expect(gap).toBeLessThanOrEqual(step * 1.1 + 1 + 2 * Math.ceil(step / 900));
    });
    // 99 305 s = about 27.6 hours from the first attempt to the last.
    const scheduleHours = RETRY_SCHEDULE_SECONDS.reduce((a, b) => a + b, 0) / 3600;
    const totalHours = (attempts[7]!.at - attempts[0]!.at) / 3_600_000;
    expect(totalHours).toBeGreaterThan(scheduleHours * 0.9);
    expect(totalHours).toBeLessThan(scheduleHours * 1.1 + 0.1);
  });

  it('plans a hop when not due and delivery when due', () => {
    expect(planWait(T0, T0)).toEqual({ action: 'deliver' });
    expect(planWait(T0 - 1, T0)).toEqual({ action: 'deliver' });
    expect(planWait(T0 + 1, T0)).toEqual({ action: 'wait', delaySeconds: 1, remainingAfterHopSeconds: 0 });
    expect(planWait(T0 + 3_600_000, T0)).toEqual({
      action: 'wait',
      delaySeconds: 900,
      remainingAfterHopSeconds: 2700,
    });
  });
});
