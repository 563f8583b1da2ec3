import type { DeliveryMessage, LoggedEvent, WebhookEndpoint } from '../../../src/webhooks/domain/webhook';
import {
  fanOutEvents,
  InvalidEventError,
  SEND_BATCH_SIZE,
  type FanOutDeps,
} from '../../../src/webhooks/use-cases/fan-out';

const endpointOf = (n: number): WebhookEndpoint => ({
  endpointId: `whe_${String(n).padStart(26, '0')}`,
  supplierId: 'sup_a',
  url: `https://hooks.example.com/${n}`,
  eventTypes: ['review.received'],
  enabled: true,
  secrets: { current: 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const eventBody = (i: number) =>
  JSON.stringify({
    specversion: '1.0',
    id: `evt_${i}`,
    source: 'x',
    type: 'review.received',
    time: '2026-06-01T10:00:00.000Z',
    supplierid: 'sup_a',
    data: {
      reviewId: `rev_${i}`,
      supplierId: 'sup_a',
      platform: 'google',
      rating: 5,
      title: 'Great',
      verified: false,
      reviewedAt: '2026-06-01T10:00:00.000Z',
    },
  });

/** In-memory ports; `refuse` makes a send call fail when it holds a message of that event. */
function deps(endpoints: number, refuse?: (message: DeliveryMessage) => boolean) {
  const logged = new Map<string, LoggedEvent>();
  const calls: DeliveryMessage[][] = [];
  const accepted: DeliveryMessage[] = [];
  const d: FanOutDeps = {
    endpoints: { list: async () => Array.from({ length: endpoints }, (_, n) => endpointOf(n)) },
    eventLog: {
      logEvent: async (event) => {
        if (logged.has(event.eventId)) return false;
        logged.set(event.eventId, event);
        return true;
      },
      getEvent: async (_supplierId, eventId) => logged.get(eventId),
    },
    queue: {
      send: async (messages) => {
        const batch = messages.map((m) => m.message);
        calls.push(batch);
        if (refuse && batch.some(refuse)) throw new Error('queue refused the call');
        accepted.push(...batch);
      },
    },
    clock: { now: () => new Date('2026-06-01T12:00:00.000Z') },
  };
  return { d, calls, accepted, logged };
}

describe('fanOutEvents', () => {
  it('sends the messages of a whole batch ten per call, one per (event, endpoint)', async () => {
    const { d, calls, accepted } = deps(3);
    const outcomes = await fanOutEvents(
      Array.from({ length: 10 }, (_, i) => eventBody(i)),
      d,
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.map((o) => (o.ok ? o.result.enqueued : -1))).toEqual(Array(10).fill(3));
    // 30 messages in 3 calls, where one call per event took 10.
    expect(calls.map((c) => c.length)).toEqual([SEND_BATCH_SIZE, SEND_BATCH_SIZE, SEND_BATCH_SIZE]);
    const pairs = accepted.map((m) => `${m.eventId}>${m.endpointId}`);
    expect(new Set(pairs).size).toBe(30);
  });

  it('fails exactly the events with a message in a refused call; their retry sends them again', async () => {
    // 4 events x 3 endpoints = 12 messages, in order: the first call holds evt_0..evt_2 and evt_3's
    // first message, the second call evt_3's other two.
    let refusing: ((m: DeliveryMessage) => boolean) | undefined = (m) =>
      m.eventId === 'evt_3' && m.endpointId === endpointOf(2).endpointId;
    const { d, calls, accepted } = deps(3, (m) => refusing?.(m) ?? false);
    const raws = [0, 1, 2, 3].map(eventBody);
    const outcomes = await fanOutEvents(raws, d);
    expect(calls.map((c) => c.length)).toEqual([10, 2]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false]);

    // The redelivered event is a duplicate in the log; all its messages go out again (the worker's
    // claim drops the copy of the one already accepted).
    refusing = undefined;
    const [retried] = await fanOutEvents([raws[3]!], d);
    expect(retried).toMatchObject({ ok: true, result: { duplicate: true, enqueued: 3 } });
    const toEvt3 = accepted.filter((m) => m.eventId === 'evt_3').map((m) => m.endpointId);
    expect(new Set(toEvt3)).toEqual(new Set([0, 1, 2].map((n) => endpointOf(n).endpointId)));
  });

  it('fails every event that shares a refused call', async () => {
    const { d } = deps(3, (m) => m.eventId === 'evt_0');
    const outcomes = await fanOutEvents([0, 1, 2, 3].map(eventBody), d);
    // evt_3 had its first message in the refused first call, so it failed too.
    expect(outcomes.map((o) => o.ok)).toEqual([false, false, false, false]);
  });

  it('reports an invalid event as its own failure and fans out the others', async () => {
    const { d, accepted } = deps(1);
    const outcomes = await fanOutEvents([eventBody(0), 'not json', eventBody(2)], d);
    expect(outcomes[0]).toMatchObject({ ok: true });
    expect(outcomes[1]).toMatchObject({ ok: false });
    expect(!outcomes[1]!.ok && outcomes[1]!.error).toBeInstanceOf(InvalidEventError);
    expect(outcomes[2]).toMatchObject({ ok: true });
    expect(accepted.map((m) => m.eventId)).toEqual(['evt_0', 'evt_2']);
  });
});
