/**
 * The correlation id from the API's message to the last delivery message, through the pure steps
 * that build each message (the adapters and the queues are covered by the integration test
 * test/integration/correlation-trace.test.ts), and the trace's ordering of stored records.
 */
import { reviewSubmittedMessage } from '../../../src/reviews/domain/review-schemas';
import { eventsForStoredReview, reviewFromMessage } from '../../../src/reviews/domain/review';
import { submitReview } from '../../../src/reviews/use-cases/submit-review';
import { fanOutEvent } from '../../../src/webhooks/use-cases/fan-out';
import {
  initialState,
  messageFor,
  type DeliveryMessage,
  type LoggedEvent,
} from '../../../src/webhooks/domain/webhook';
import type { WebhookEndpoint } from '../../../src/webhooks/domain/webhook';
import { journeyOf } from '../../../scripts/trace-review';

const now = new Date('2026-06-01T10:00:00Z');
const body = {
  rating: 5,
  title: 'Great',
  body: 'Lovely',
  reviewerName: 'Sam',
  platform: 'google' as const,
  externalId: 'g1',
};
const supplier = { kind: 'supplier' as const, supplierId: 'sup_a', keyId: 'key_1' };

async function submitted(correlationId?: string) {
  const sent: { body: string; attributes?: Record<string, string> }[] = [];
  const deps = {
    queue: {
      send: async (b: string, attributes?: Record<string, string>) => void sent.push({ body: b, attributes }),
    },
    keys: { keyRing: async () => ['k1'] },
    clock: { now: () => now },
  };
  await submitReview(supplier, body, undefined, deps, undefined, correlationId);
  return sent[0]!;
}

describe('correlation id propagation', () => {
  it('puts the id in the ingest message body and attributes, and leaves both out without one', async () => {
    const withId = await submitted('corr-1');
    expect(reviewSubmittedMessage().parse(JSON.parse(withId.body)).correlationId).toBe('corr-1');
    expect(withId.attributes).toEqual({
      type: 'review.submitted',
      supplierId: 'sup_a',
      correlationId: 'corr-1',
    });
    const without = await submitted();
    expect(JSON.parse(without.body)).not.toHaveProperty('correlationId');
    expect(without.attributes).toEqual({ type: 'review.submitted', supplierId: 'sup_a' });
  });

  it('refuses an ingest message whose correlation id is not one (producers cannot inject text)', async () => {
    const parse = async (correlationId: string) => {
      const message = JSON.parse((await submitted()).body) as Record<string, unknown>;
      return reviewSubmittedMessage().safeParse({ ...message, correlationId }).success;
    };
    expect(await parse('ok-id_1')).toBe(true);
    expect(await parse('has spaces')).toBe(false);
    expect(await parse('x'.repeat(129))).toBe(false);
  });

  it('carries the id from the message to the review and its events', async () => {
    const message = reviewSubmittedMessage().parse(JSON.parse((await submitted('corr-2')).body));
    const review = reviewFromMessage(message);
    expect(review.correlationId).toBe('corr-2');
    const events = eventsForStoredReview({ ...review, rating: 1 }, now.toISOString());
    expect(events.map((e) => [e.type, e.correlationId])).toEqual([
      ['review.received', 'corr-2'],
      ['review.negative', 'corr-2'],
    ]);
  });

  it('carries the CloudEvents extension to the logged event, every delivery message and its retries', async () => {
    const logged: LoggedEvent[] = [];
    const queued: DeliveryMessage[] = [];
    const endpoint = {
      supplierId: 'sup_a',
      endpointId: 'end_1',
      enabled: true,
      eventTypes: ['review.received'],
    };
    await fanOutEvent(
      JSON.stringify({
        specversion: '1.0',
        id: 'evt_1',
        source: 'urn:test',
        type: 'review.received',
        time: now.toISOString(),
        supplierid: 'sup_a',
        correlationid: 'corr-3',
        data: { reviewId: 'rev_1' },
      }),
      {
        endpoints: { list: async () => [endpoint as unknown as WebhookEndpoint] },
        eventLog: { logEvent: async (e) => (logged.push(e), true), getEvent: async () => undefined },
        queue: { send: async (messages) => void queued.push(...messages.map((m) => m.message)) },
        clock: { now: () => now },
      },
    );
    expect(logged.map((e) => e.correlationId)).toEqual(['corr-3']);
    expect(queued.map((m) => m.correlationId)).toEqual(['corr-3']);
    const state = initialState(queued[0]!);
    expect(state.correlationId).toBe('corr-3');
    expect(messageFor({ ...state, attempt: 2 }, queued[0]!.body).correlationId).toBe('corr-3');
  });
});

describe('journeyOf', () => {
  it('orders the stored records in time, each with its correlation id', () => {
    const steps = journeyOf({
      review: {
        receivedAt: '2026-06-01T10:00:00.000Z',
        storedAt: '2026-06-01T10:00:01.000Z',
        platform: 'google',
        rating: 5,
        actor: { kind: 'supplier' },
        insights: { status: 'done', sentiment: { label: 'positive', modelVersion: 'v1' } },
        correlationId: 'c',
      },
      audit: [{ action: 'review.created', at: '2026-06-01T10:00:01.000Z', correlationId: 'c' }],
      events: [
        {
          eventType: 'review.received',
          eventId: 'evt_1',
          loggedAtMs: Date.parse('2026-06-01T10:00:02Z'),
          correlationId: 'c',
        },
      ],
      deliveries: [
        {
          eventType: 'review.received',
          endpointId: 'end_1',
          correlationId: 'c',
          attempts: [
            {
              attempt: 2,
              at: '2026-06-01T10:00:09.000Z',
              outcome: 'success',
              statusCode: 200,
              next: 'delivered',
            },
            {
              attempt: 1,
              at: '2026-06-01T10:00:03.000Z',
              outcome: 'failure',
              statusCode: 500,
              next: 'retry',
            },
          ],
        },
      ],
    });
    expect(steps.map((s) => [s.step, s.correlationId])).toEqual([
      ['submitted', 'c'],
      ['stored', 'c'],
      ['inferred', 'c'],
      ['event', 'c'],
      ['delivery failure', 'c'],
      ['delivered', 'c'],
    ]);
  });
});
