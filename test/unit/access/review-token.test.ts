import { createHmac } from 'node:crypto';
import {
  ReviewTokenError,
  signReviewToken,
  verifyReviewToken,
} from '../../../src/access/domain/review-token';

const now = new Date('2026-06-01T12:00:00Z');
const claims = {
  supplierId: 'sup_a',
  requestId: 'rrq_1',
  expiresAt: new Date('2026-07-01T00:00:00Z'),
  delivery: 'email' as const,
};

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ReviewTokenError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('review-link tokens', () => {
  it('round-trip supplier, request and expiry', () => {
    const token = signReviewToken(claims, ['k1']);
    expect(token).toMatch(/^wrt_/);
    expect(verifyReviewToken(token, ['k1'], now)).toEqual(claims);
  });

  it('verify with the previous key after a rotation, and not with an unrelated key', () => {
    const signedBefore = signReviewToken(claims, ['old']);
    expect(verifyReviewToken(signedBefore, ['new', 'old'], now).requestId).toBe('rrq_1');
    expect(reasonOf(() => verifyReviewToken(signedBefore, ['new'], now))).toBe('bad-signature');
  });

  it('sign with the first key of the ring', () => {
    const token = signReviewToken(claims, ['new', 'old']);
    expect(reasonOf(() => verifyReviewToken(token, ['old'], now))).toBe('bad-signature');
    expect(reasonOf(() => verifyReviewToken(token, ['new'], now))).toBe('accepted');
  });

  it('reject expired tokens at the expiry instant', () => {
    const token = signReviewToken(claims, ['k1']);
    expect(reasonOf(() => verifyReviewToken(token, ['k1'], claims.expiresAt))).toBe('expired');
  });

  it('reject tampered payloads and malformed strings', () => {
    const token = signReviewToken(claims, ['k1']);
    const [payload, signature] = token.slice(4).split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ v: 2, sid: 'sup_b', rid: 'rrq_1', exp: 1_900_000_000, d: 'e' }),
    ).toString('base64url');
    expect(reasonOf(() => verifyReviewToken(`wrt_${forged}.${signature}`, ['k1'], now))).toBe(
      'bad-signature',
    );
    expect(reasonOf(() => verifyReviewToken(`wrt_${payload}`, ['k1'], now))).toBe('malformed');
    expect(reasonOf(() => verifyReviewToken('', ['k1'], now))).toBe('malformed');
    expect(reasonOf(() => verifyReviewToken(`wsk_${payload}.${signature}`, ['k1'], now))).toBe('malformed');
  });

  it('refuse to sign without a key', () => {
    expect(() => signReviewToken(claims, [])).toThrow('no signing key');
  });

  it('carry the delivery as a signed claim: a link token cannot be turned into an e-mail one', () => {
    const link = signReviewToken({ ...claims, delivery: 'link' }, ['k1']);
    expect(verifyReviewToken(link, ['k1'], now).delivery).toBe('link');
    expect(verifyReviewToken(signReviewToken(claims, ['k1']), ['k1'], now).delivery).toBe('email');
    const [payload, signature] = link.slice(4).split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(decoded).toMatchObject({ v: 2, d: 'l' });
    const upgraded = Buffer.from(JSON.stringify({ ...decoded, d: 'e' })).toString('base64url');
    expect(reasonOf(() => verifyReviewToken(`wrt_${upgraded}.${signature}`, ['k1'], now))).toBe(
      'bad-signature',
    );
  });

  it('read version 1 tokens (returned to suppliers before ADR 0010) as shareable links', () => {
    const payload = Buffer.from(
      JSON.stringify({ v: 1, sid: 'sup_a', rid: 'rrq_1', exp: 1_900_000_000 }),
    ).toString('base64url');
    const signature = createHmac('sha256', 'k1').update(payload).digest('base64url');
    expect(verifyReviewToken(`wrt_${payload}.${signature}`, ['k1'], now)).toMatchObject({
      supplierId: 'sup_a',
      delivery: 'link',
    });
  });

  it('reject an unknown delivery or version even when correctly signed', () => {
    for (const claimsObject of [
      { v: 2, sid: 'sup_a', rid: 'rrq_1', exp: 1_900_000_000, d: 'x' },
      { v: 2, sid: 'sup_a', rid: 'rrq_1', exp: 1_900_000_000 },
      { v: 3, sid: 'sup_a', rid: 'rrq_1', exp: 1_900_000_000, d: 'e' },
    ]) {
      const payload = Buffer.from(JSON.stringify(claimsObject)).toString('base64url');
      const signature = createHmac('sha256', 'k1').update(payload).digest('base64url');
      expect(reasonOf(() => verifyReviewToken(`wrt_${payload}.${signature}`, ['k1'], now))).toBe('malformed');
    }
  });
});
