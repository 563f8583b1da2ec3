import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { core } from '#src/shared/zod';
import { OUTBOUND_EXAMPLES } from '#src/events/examples';
import { OUTBOUND_EVENT_TYPES, buildOutboundEvent, serializeOutboundEvent } from '#src/events/outbound';
import { generateSecret, signDelivery } from '#src/webhooks/domain/signing';
import { Webhook } from 'standardwebhooks';

describe('outbound events', () => {
  it.each(OUTBOUND_EVENT_TYPES)('builds a %s envelope equal to its example', (type) => {
    const example = OUTBOUND_EXAMPLES[type];
    const built = buildOutboundEvent({
      id: example.id,
      type,
      time: example.time,
      ...(example.subject !== undefined ? { subject: example.subject } : {}),
      data: example.data,
    });
    expect(built).toEqual(example);
  });

  it('refuses data that does not match the type', () => {
    const data = { ...OUTBOUND_EXAMPLES['review.received'].data, rating: 9 };
    expect(() =>
      buildOutboundEvent({ id: 'evt_1', type: 'review.received', time: '2025-06-14T18:30:00Z', data }),
    ).toThrow(core.$ZodError);
  });

  it('serialises once, and those exact bytes are what gets signed and verified', () => {
    jest.useFakeTimers({ now: Date.parse(OUTBOUND_EXAMPLES['review.received'].time) });
    try {
      const secret = generateSecret();
      const event = OUTBOUND_EXAMPLES['review.received'];
      const body = serializeOutboundEvent(event);
      const headers = signDelivery({
        webhookId: event.id,
        body,
        secrets: { current: secret },
        nowMs: Date.now(),
      });
      expect(headers['webhook-id']).toBe(event.id);
      expect(new Webhook(secret).verify(body, { ...headers })).toEqual(event);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('the test vector in docs/webhooks.md', () => {
  it('verifies with the standardwebhooks library', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/webhooks.md'), 'utf8');
    const secret = `whsec_${Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64')}`;
    const signature = 'v1,TZ8AOmf37C/GU0PBeYsZjWXVwZWOaX1p3U4HQh37RoI=';
    expect(doc).toContain(secret);
    expect(doc).toContain(signature);
    const event = OUTBOUND_EXAMPLES['review.received'];
    const body = serializeOutboundEvent(event);
    expect(Buffer.byteLength(body)).toBe(446);
    const headers = {
      'webhook-id': event.id,
      'webhook-timestamp': '1749925803',
      'webhook-signature': signature,
    };
    expect(doc).toContain(`webhook-timestamp: ${headers['webhook-timestamp']}`);
    jest.useFakeTimers({ now: 1749925803 * 1000 });
    try {
      expect(new Webhook(secret).verify(body, headers)).toEqual(event);
    } finally {
      jest.useRealTimers();
    }
  });
});
