import { readEnvelope, webhookBody } from '../../../src/webhooks/use-cases/fan-out';

const envelope = (type: string, data: Record<string, unknown>) =>
  readEnvelope(
    JSON.stringify({
      specversion: '1.0',
      id: 'evt_1',
      source: 'x',
      type,
      time: '2026-06-01T10:00:00.000Z',
      supplierid: 'sup_a',
      data,
    }),
  );

const received = {
  reviewId: 'rev_1',
  supplierId: 'sup_a',
  platform: 'google',
  rating: 5,
  title: 'Great',
  verified: false,
  reviewedAt: '2026-06-01T10:00:00.000Z',
};

describe('webhookBody', () => {
  it('delivers a valid event through its schema, without the owner attribute', () => {
    const { body, matchedSchema } = webhookBody(envelope('review.received', received));
    expect(matchedSchema).toBe(true);
    expect(JSON.parse(body)).toMatchObject({ type: 'review.received', data: received });
    expect(JSON.parse(body)).not.toHaveProperty('supplierid');
  });

  it('says so when an event does not match its schema, and still delivers it', () => {
    const { body, matchedSchema } = webhookBody(envelope('review.received', { ...received, rating: 9 }));
    expect(matchedSchema).toBe(false);
    expect(JSON.parse(body)).toMatchObject({ type: 'review.received', data: { rating: 9 } });
    expect(JSON.parse(body)).not.toHaveProperty('supplierid');
  });
});
