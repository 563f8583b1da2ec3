/**
 * Connection tokens: `wrc_<payload>.<signature>`, HMAC-SHA256 over the payload, bound to one grant
 * (a supplier, or a wedding) with a short expiry (5 minutes by default). Browsers cannot set
 * headers on a WebSocket, so the token travels in the `$connect` query string; it is only good to
 * open a connection (never to call the HTTP API), so its short life bounds what a leaked URL gives.
 *
 * The key is derived from a key of the review-token ring with a label (domain separation, as the
 * list cursors do): one secret to rotate, and a review token can never pass for a connection
 * token or the reverse. Verification accepts every key of the ring (current and previous).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRef, type RealtimeGrant } from './channels';

export const CONNECTION_TOKEN_PREFIX = 'wrc_';
export const CONNECTION_TOKEN_TTL_SECONDS = 300;
const LABEL = 'wedsync/realtime-connection-token/v1';

export type ConnectionTokenFailure = 'malformed' | 'bad-signature' | 'expired';

export class ConnectionTokenError extends Error {
  constructor(readonly reason: ConnectionTokenFailure) {
    super(`connection token ${reason}`);
    this.name = 'ConnectionTokenError';
  }
}

export interface ConnectionTokenClaims {
  readonly grant: RealtimeGrant;
  readonly expiresAt: Date;
}

const derived = (ringKey: string): Buffer => createHmac('sha256', ringKey).update(LABEL).digest();
const mac = (ringKey: string, payload: string): Buffer =>
  createHmac('sha256', derived(ringKey)).update(payload).digest();

export function signConnectionToken(claims: ConnectionTokenClaims, keys: readonly string[]): string {
  const [current] = keys;
  if (!current) throw new Error('no signing key');
  const body =
    claims.grant.kind === 'supplier'
      ? { v: 1, k: 's', id: claims.grant.supplierId }
      : { v: 1, k: 'w', id: claims.grant.weddingId };
  const payload = Buffer.from(
    JSON.stringify({ ...body, exp: Math.floor(claims.expiresAt.getTime() / 1000) }),
  ).toString('base64url');
  return `${CONNECTION_TOKEN_PREFIX}${payload}.${mac(current, payload).toString('base64url')}`;
}

export function verifyConnectionToken(
  token: string,
  keys: readonly string[],
  now: Date,
): ConnectionTokenClaims {
  const match = /^wrc_([A-Za-z0-9_-]{1,1024})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2]) throw new ConnectionTokenError('malformed');
  const payload = match[1];
  const given = Buffer.from(match[2], 'base64url');
  const valid = keys.some((key) => {
    const expected = mac(key, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) throw new ConnectionTokenError('bad-signature');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new ConnectionTokenError('malformed');
  }
  const c = claims as { v?: unknown; k?: unknown; id?: unknown; exp?: unknown } | null;
  if (
    typeof c !== 'object' ||
    c === null ||
    c.v !== 1 ||
    (c.k !== 's' && c.k !== 'w') ||
    !isRef(c.id) ||
    typeof c.exp !== 'number' ||
    !Number.isInteger(c.exp)
  ) {
    throw new ConnectionTokenError('malformed');
  }
  const expiresAt = new Date(c.exp * 1000);
  if (expiresAt.getTime() <= now.getTime()) throw new ConnectionTokenError('expired');
  const grant: RealtimeGrant =
    c.k === 's' ? { kind: 'supplier', supplierId: c.id } : { kind: 'wedding', weddingId: c.id };
  return { grant, expiresAt };
}
