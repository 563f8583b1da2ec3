import { signReviewToken, verifyReviewToken } from '../../../src/access/domain/review-token';
import {
  ConnectionTokenError,
  signConnectionToken,
  verifyConnectionToken,
} from '../../../src/realtime/domain/connection-token';

const NOW = new Date('2026-12-03T17:00:00Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const KEYS = ['current-key-0123456789', 'previous-key-0123456789'];

function reasonOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof ConnectionTokenError ? error.reason : `other: ${String(error)}`;
  }
  return undefined;
}

describe('connection tokens', () => {
  it('round-trips a supplier and a wedding grant', () => {
    const supplier = signConnectionToken(
      { grant: { kind: 'supplier', supplierId: 'sup_1' }, expiresAt: later(300) },
      KEYS,
    );
    expect(supplier.startsWith('wrc_')).toBe(true);
    expect(verifyConnectionToken(supplier, KEYS, NOW).grant).toEqual({
      kind: 'supplier',
      supplierId: 'sup_1',
    });
    const wedding = signConnectionToken(
      { grant: { kind: 'wedding', weddingId: 'wed:1' }, expiresAt: later(300) },
      KEYS,
    );
    expect(verifyConnectionToken(wedding, KEYS, NOW).grant).toEqual({ kind: 'wedding', weddingId: 'wed:1' });
  });

  it('accepts a token signed with the previous key during a rotation', () => {
    const token = signConnectionToken(
      { grant: { kind: 'supplier', supplierId: 'sup_1' }, expiresAt: later(60) },
      [KEYS[1]!],
    );
    expect(verifyConnectionToken(token, KEYS, NOW).grant.kind).toBe('supplier');
    expect(reasonOf(() => verifyConnectionToken(token, [KEYS[0]!], NOW))).toBe('bad-signature');
  });

  it('refuses expired, tampered and malformed tokens', () => {
    const token = signConnectionToken(
      { grant: { kind: 'supplier', supplierId: 'sup_1' }, expiresAt: later(300) },
      KEYS,
    );
    expect(reasonOf(() => verifyConnectionToken(token, KEYS, later(300)))).toBe('expired');
    const [payload, signature] = token.slice(4).split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ v: 1, k: 's', id: 'sup_2', exp: 9_999_999_999 })).toString(
      'base64url',
    );
    expect(reasonOf(() => verifyConnectionToken(`wrc_${forged}.${signature}`, KEYS, NOW))).toBe(
      'bad-signature',
    );
    expect(reasonOf(() => verifyConnectionToken(`wrc_${payload}.`, KEYS, NOW))).toBe('malformed');
    expect(reasonOf(() => verifyConnectionToken('', KEYS, NOW))).toBe('malformed');
    expect(reasonOf(() => verifyConnectionToken('x'.repeat(5000), KEYS, NOW))).toBe('malformed');
  });

  it('is no review token and no review token is one (domain-separated keys)', () => {
    const review = signReviewToken(
      { supplierId: 'sup_1', requestId: 'req_1', expiresAt: later(300), delivery: 'link' },
      KEYS,
    );
    const swapped = `wrc_${review.slice(4)}`;
    expect(reasonOf(() => verifyConnectionToken(swapped, KEYS, NOW))).toBe('bad-signature');
    const connection = signConnectionToken(
      { grant: { kind: 'supplier', supplierId: 'sup_1' }, expiresAt: later(300) },
      KEYS,
    );
    expect(() => verifyReviewToken(`wrt_${connection.slice(4)}`, KEYS, NOW)).toThrow();
  });
});
