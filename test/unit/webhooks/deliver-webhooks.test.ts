/**
 * The delivery worker's use case driven by a fake clock through the real retry schedule (5 s ..
 * 10 h): a fake delay queue stands in for SQS DelaySeconds (never early), in-memory stores for
 * DynamoDB. No real waits.
 */
import type { DeliveryMessage, DeliveryState, WebhookEndpoint } from '../../../src/webhooks/domain/webhook';
import type { ClaimResult, DeliveryStore } from '../../../src/webhooks/ports';
import { webhookConfigFromEnv } from '../../../src/webhooks/config';
import { processDeliveryBatch, type DeliveryDeps } from '../../../src/webhooks/use-cases/deliver-webhooks';
import { InMemoryBreakerStore } from '../../../src/webhooks/domain/circuit-breaker';
import type { DeliveryResult } from '../../../src/webhooks/adapters/http-delivery';
import { RETRY_SCHEDULE_SECONDS, SQS_MAX_DELAY_SECONDS } from '../../../src/webhooks/domain/retry-schedule';
import { generateSecret } from '../../../src/webhooks/domain/signing';

class MemoryDeliveries implements Pick<
  DeliveryStore,
  'claim' | 'finishAttempt' | 'cancel' | 'defer' | 'getDelivery' | 'restart'
> {
  readonly states = new Map<string, DeliveryState>();
  async getDelivery(id: string) {
    return this.states.get(id);
  }
  async claim(initial: DeliveryState, nowMs: number, leaseUntilMs: number): Promise<ClaimResult> {
    const current = this.states.get(initial.deliveryId);
    if (!current && initial.attempt === initial.roundStart) {
      const state = { ...initial, status: 'in-flight' as const, leaseUntilMs, attempts: [] };
      this.states.set(initial.deliveryId, state);
      return { ok: true, state };
    }
    if (
      current &&
      current.attempt === initial.attempt &&
      (current.status === 'pending' ||
        (current.status === 'in-flight' && (current.leaseUntilMs ?? 0) < nowMs))
    ) {
      const state = { ...current, status: 'in-flight' as const, leaseUntilMs };
      this.states.set(initial.deliveryId, state);
      return { ok: true, state };
    }
    return current ? { ok: false, current } : { ok: false };
  }
  async finishAttempt(id: string, attempt: number, next: Partial<DeliveryState>, record: never) {
    const current = this.states.get(id);
    if (!current || current.attempt !== attempt || current.status !== 'in-flight') return false;
    this.states.set(id, { ...current, ...next, attempts: [...(current.attempts ?? []), record] });
    return true;
  }
  async cancel() {}
  async defer() {}
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
  const deps: DeliveryDeps = {
    endpoints: { get: async () => endpoint, disable: async () => true },
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
  return { step, attemptsAt, deadLetters, deliveries, hops, redeliverFirst };
}

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
});
