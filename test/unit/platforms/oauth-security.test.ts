/**
 * The connect flow's protections: PKCE S256 (RFC 7636 Appendix B vector), and the signed state
 * (bound to supplier and connection, expiring, verified with the current or previous key, refused
 * when tampered with, forged, expired or malformed).
 */
import { createPkce, pkceChallenge, signState, verifyState } from '#src/platforms/domain/oauth-security';

const NOW = 1_780_000_000;
const state = { supplierId: 'sup_a', connectionId: 'con_b', nonce: 'n0nce', expiresAt: NOW + 600 };

describe('PKCE S256', () => {
  it('computes the RFC 7636 example challenge', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes a fresh 43-character verifier per flow whose challenge matches', () => {
    const a = createPkce();
    const b = createPkce();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.challenge).toBe(pkceChallenge(a.verifier));
    expect(a.method).toBe('S256');
  });
});

describe('OAuth state', () => {
  it('round-trips with the current key and still verifies with the previous one after rotation', () => {
    const token = signState(state, 'old-secret');
    expect(verifyState(token, ['old-secret'], NOW)).toEqual({ ok: true, state });
    expect(verifyState(token, ['new-secret', 'old-secret'], NOW)).toEqual({ ok: true, state });
  });

  it('refuses a state signed with another key (or a key ring without it)', () => {
    const token = signState(state, 'attacker');
    expect(verifyState(token, ['real-secret'], NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a payload changed after signing (another supplier or connection)', () => {
    const token = signState(state, 'k');
    const [, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ s: 'sup_other', c: 'con_b', n: 'n0nce', e: NOW + 600 }),
    ).toString('base64url');
    expect(verifyState(`${forged}.${signature}`, ['k'], NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses an expired state, at the second it expires', () => {
    const token = signState(state, 'k');
    expect(verifyState(token, ['k'], NOW + 599).ok).toBe(true);
    expect(verifyState(token, ['k'], NOW + 600)).toEqual({ ok: false, reason: 'expired' });
  });

  it.each(['', 'abc', 'a.b.c', 'a b.c', `${'x'.repeat(1100)}.y`, '.sig', 'payload.'])(
    'refuses the malformed state %p without throwing',
    (token) => {
      expect(verifyState(token, ['k'], NOW).ok).toBe(false);
    },
  );

  it('does not verify as a review-link key would sign: the key is domain-separated', () => {
    // A state signed with the raw secret (not the derived key) is refused.
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const payload = Buffer.from(JSON.stringify({ s: 'sup_a', c: 'con_b', n: 'n', e: NOW + 60 })).toString(
      'base64url',
    );
    const raw = createHmac('sha256', 'k').update(payload).digest('base64url');
    expect(verifyState(`${payload}.${raw}`, ['k'], NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });
});
