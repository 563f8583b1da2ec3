import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import {
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  InvalidSecretError,
  activeSigningSecrets,
  buildWebhookHeaders,
  decodeSecret,
  generateSecret,
  isValidSecret,
  newMessageId,
  rotateSecret,
  sign,
  signDelivery,
} from '#src/webhooks/domain/signing';

const NOW = Date.parse('2025-06-14T18:30:00Z');
const bytes = (fill: number) => (size: number) => new Uint8Array(size).fill(fill);
const OLD = generateSecret(bytes(1));
const NEW = generateSecret(bytes(2));
const OTHER = generateSecret(bytes(3));
const BODY = JSON.stringify({ type: 'review.received', data: { reviewId: 'rev_1', title: 'Très bien 💐' } });

/** A receiver as a consumer would write it, with the standardwebhooks library. */
function receiverAccepts(secret: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('secrets', () => {
  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(decodeSecret(secret)).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
    expect(generateSecret(bytes(7))).toBe(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
  });

  it.each([
    ['missing prefix', Buffer.alloc(32, 1).toString('base64')],
    ['not base64', 'whsec_not*base64!'],
    ['too short (16 bytes)', `whsec_${Buffer.alloc(16, 1).toString('base64')}`],
    ['too long (65 bytes)', `whsec_${Buffer.alloc(65, 1).toString('base64')}`],
    ['empty', 'whsec_'],
  ])('rejects a secret that is %s', (_label, secret) => {
    expect(() => decodeSecret(secret)).toThrow(InvalidSecretError);
    expect(isValidSecret(secret)).toBe(false);
  });

  it('accepts the spec bounds of 24 and 64 bytes', () => {
    expect(isValidSecret(`whsec_${Buffer.alloc(24, 1).toString('base64')}`)).toBe(true);
    expect(isValidSecret(`whsec_${Buffer.alloc(64, 1).toString('base64')}`)).toBe(true);
  });

  it('makes message ids without full stops', () => {
    expect(newMessageId(bytes(255))).toBe(`msg_${Buffer.alloc(16, 255).toString('base64url')}`);
    expect(newMessageId()).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
  });
});

describe('signing', () => {
  it('produces the same v1 signature as the standardwebhooks library for any id, time and body', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 24, maxLength: 64 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        (key, id, seconds, body) => {
          const secret = `whsec_${Buffer.from(key).toString('base64')}`;
          const theirs = new Webhook(secret).sign(id, new Date(seconds * 1000), body);
          expect(sign(secret, id, seconds, body)).toBe(theirs);
        },
      ),
    );
  });

  it('signs the body bytes the same whether given as a string or a Buffer', () => {
    const seconds = Math.floor(NOW / 1000);
    expect(sign(NEW, 'evt_1', seconds, Buffer.from(BODY))).toBe(sign(NEW, 'evt_1', seconds, BODY));
  });

  it('builds the three headers, with the timestamp in whole seconds', () => {
    const headers = buildWebhookHeaders({
      webhookId: 'evt_abc',
      nowMs: NOW + 999,
      body: BODY,
      secrets: [NEW],
    });
    expect(headers['webhook-id']).toBe('evt_abc');
    expect(headers['webhook-timestamp']).toBe(String(NOW / 1000));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('refuses ids that could break the id.timestamp.body framing', () => {
    for (const id of ['evt.1', 'evt 1', '', 'a\nb', 'x'.repeat(257)]) {
      expect(() => sign(NEW, id, 1, BODY)).toThrow(/webhook id/);
    }
    expect(() => sign(NEW, 'evt_1', 1.5, BODY)).toThrow(/timestamp/);
    expect(() => buildWebhookHeaders({ webhookId: 'evt_1', nowMs: NOW, body: BODY, secrets: [] })).toThrow(
      InvalidSecretError,
    );
  });

  it('is accepted by a standardwebhooks receiver', () => {
    const headers = signDelivery({
      webhookId: 'evt_abc',
      body: BODY,
      secrets: { current: NEW },
      nowMs: Date.now(),
    });
    expect(receiverAccepts(NEW, BODY, { ...headers })).toBe(true);
    expect(new Webhook(NEW).verify(BODY, { ...headers })).toEqual(JSON.parse(BODY));
  });

  it('fails verification when the body, timestamp, id or secret differ', () => {
    const headers = {
      ...signDelivery({ webhookId: 'evt_abc', body: BODY, secrets: { current: NEW }, nowMs: NOW }),
    };
    expect(receiverAccepts(NEW, BODY.replace('rev_1', 'rev_2'), headers)).toBe(false);
    expect(receiverAccepts(NEW, `${BODY} `, headers)).toBe(false);
    const later = String(Number(headers['webhook-timestamp']) + 1);
    expect(receiverAccepts(NEW, BODY, { ...headers, 'webhook-timestamp': later })).toBe(false);
    expect(receiverAccepts(NEW, BODY, { ...headers, 'webhook-id': 'evt_abd' })).toBe(false);
    expect(receiverAccepts(OTHER, BODY, headers)).toBe(false);
  });

  it('re-signs a retry with a fresh timestamp and the same webhook-id', () => {
    const first = signDelivery({ webhookId: 'evt_abc', body: BODY, secrets: { current: NEW }, nowMs: NOW });
    jest.setSystemTime(NOW + 2 * 60 * 60 * 1000);
    // The first attempt's headers are now too old for the receiver's replay window...
    expect(receiverAccepts(NEW, BODY, { ...first })).toBe(false);
    // ...while the retry, signed at its own time, verifies and keeps the id.
    const retry = signDelivery({
      webhookId: 'evt_abc',
      body: BODY,
      secrets: { current: NEW },
      nowMs: Date.now(),
    });
    expect(retry['webhook-id']).toBe(first['webhook-id']);
    expect(retry['webhook-timestamp']).not.toBe(first['webhook-timestamp']);
    expect(receiverAccepts(NEW, BODY, { ...retry })).toBe(true);
  });
});

describe('secret rotation', () => {
  it('signs with both secrets, space-separated, for 24 hours by default', () => {
    const rotated = rotateSecret({ current: OLD }, NEW, NOW);
    expect(rotated).toEqual({
      current: NEW,
      previous: { secret: OLD, expiresAtMs: NOW + DEFAULT_ROTATION_OVERLAP_SECONDS * 1000 },
    });
    expect(activeSigningSecrets(rotated, NOW)).toEqual([NEW, OLD]);

    const headers = {
      ...signDelivery({ webhookId: 'evt_rot', body: BODY, secrets: rotated, nowMs: Date.now() }),
    };
    const signatures = headers['webhook-signature'].split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((s) => s.startsWith('v1,'))).toBe(true);
    expect(receiverAccepts(OLD, BODY, headers)).toBe(true);
    expect(receiverAccepts(NEW, BODY, headers)).toBe(true);
    expect(receiverAccepts(OTHER, BODY, headers)).toBe(false);
    expect(receiverAccepts(OLD, `${BODY}x`, headers)).toBe(false);
  });

  it('stops signing with the old secret when the overlap ends', () => {
    const rotated = rotateSecret({ current: OLD }, NEW, NOW);
    const end = NOW + DEFAULT_ROTATION_OVERLAP_SECONDS * 1000;
    expect(activeSigningSecrets(rotated, end - 1)).toEqual([NEW, OLD]);
    expect(activeSigningSecrets(rotated, end)).toEqual([NEW]);

    jest.setSystemTime(end);
    const headers = {
      ...signDelivery({ webhookId: 'evt_rot', body: BODY, secrets: rotated, nowMs: Date.now() }),
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(receiverAccepts(NEW, BODY, headers)).toBe(true);
    expect(receiverAccepts(OLD, BODY, headers)).toBe(false);
  });

  it('takes a configurable overlap, and 0 drops the old secret at once', () => {
    const oneHour = rotateSecret({ current: OLD }, NEW, NOW, 3600);
    expect(activeSigningSecrets(oneHour, NOW + 3_599_999)).toEqual([NEW, OLD]);
    expect(activeSigningSecrets(oneHour, NOW + 3_600_000)).toEqual([NEW]);
    expect(rotateSecret({ current: OLD }, NEW, NOW, 0)).toEqual({ current: NEW });
    expect(() => rotateSecret({ current: OLD }, 'whsec_short', NOW)).toThrow(InvalidSecretError);
  });

  it('keeps only the latest previous secret when rotating twice', () => {
    const OTHER2 = generateSecret(bytes(4));
    const twice = rotateSecret(rotateSecret({ current: OLD }, NEW, NOW), OTHER2, NOW + 1000);
    expect(activeSigningSecrets(twice, NOW + 2000)).toEqual([OTHER2, NEW]);
  });
});
