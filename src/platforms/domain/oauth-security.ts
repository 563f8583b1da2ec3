/**
 * The two protections of the OAuth connect flow (RFC 9700 §2.1): PKCE S256 (RFC 7636), whose
 * verifier never leaves our side, and a signed, expiring `state` bound to the supplier and the
 * pending connection (CSRF; single use is enforced by the store, which keeps the nonce).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Pkce {
  /** 43 characters of base64url (32 random bytes): kept server-side with the pending connection. */
  readonly verifier: string;
  /** BASE64URL(SHA256(verifier)), sent on the authorization request with method S256. */
  readonly challenge: string;
  readonly method: 'S256';
}

export const pkceChallenge = (verifier: string): string =>
  createHash('sha256').update(verifier, 'ascii').digest('base64url');

export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

/** What a state token carries: who started the flow, for which connection, until when. */
export interface OAuthState {
  readonly supplierId: string;
  readonly connectionId: string;
  /** Random, stored with the pending connection: the callback consumes it once. */
  readonly nonce: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** How long a supplier has to finish the consent screen. */
export const STATE_TTL_SECONDS = 600;

// The state key is derived from the review-token secret, domain-separated, as list cursors are:
// one secret to rotate, and a state can never verify as a review token or a cursor.
const deriveKey = (secret: string): Buffer =>
  createHmac('sha256', secret).update('wedsync/oauth-state/v1').digest();

const mac = (secret: string, payload: string): Buffer =>
  createHmac('sha256', deriveKey(secret)).update(payload).digest();

/** `<base64url JSON>.<base64url HMAC>`, signed with the current key of the ring. */
export function signState(state: OAuthState, currentSecret: string): string {
  const payload = Buffer.from(
    JSON.stringify({ s: state.supplierId, c: state.connectionId, n: state.nonce, e: state.expiresAt }),
  ).toString('base64url');
  return `${payload}.${mac(currentSecret, payload).toString('base64url')}`;
}

export type StateVerdict =
  | { readonly ok: true; readonly state: OAuthState }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' | 'expired' };

/** Checks the signature against every key of the ring (rotation), then the expiry. */
export function verifyState(token: string, ring: readonly string[], nowSeconds: number): StateVerdict {
  if (token.length > 1024) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) {
    return { ok: false, reason: 'malformed' };
  }
  const [payload, signature] = parts as [string, string];
  const given = Buffer.from(signature, 'base64url');
  const signed = ring.some((secret) => {
    const expected = mac(secret, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!signed) return { ok: false, reason: 'bad-signature' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const fields = decoded as Record<string, unknown>;
  if (
    typeof fields.s !== 'string' ||
    typeof fields.c !== 'string' ||
    typeof fields.n !== 'string' ||
    typeof fields.e !== 'number'
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (fields.e <= nowSeconds) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    state: { supplierId: fields.s, connectionId: fields.c, nonce: fields.n, expiresAt: fields.e },
  };
}

export const newNonce = (): string => randomBytes(16).toString('base64url');
