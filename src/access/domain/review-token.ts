/**
 * Review-link tokens: `wrt_<payload>.<signature>`, HMAC-SHA256 over the payload, bound to a
 * supplier and a review request, with an expiry and the way the link reached the reviewer.
 * Verification accepts any key of the key ring (the current and the previous secret version), so a
 * rotation never breaks links in flight.
 *
 * With a signing key set (issue 9, `signing-key-set.ts`) a token is version 3 and names the key
 * that signed it (`k`, the key's kid): verification uses that key alone, and a kid the set does not
 * hold is `unknown-key` (the caller may refresh its cached set once). Tokens of versions 1 and 2
 * (no kid) verify against the set's legacy key (`LEGACY_KID`, the plain key the secret held before
 * its first rotation) until that key ages out of the set: 180 days (the longest link) + 7 days after
 * the first rotation, by which time every such token has expired anyway.
 *
 * `delivery` is a signed claim (ADR 0010): `email` tokens exist only inside the e-mail we send to
 * the couple and make a review `verified`; `link` tokens are handed to the supplier to share and
 * never do. Version 1 tokens (before this claim existed) were returned to suppliers by the API,
 * so they read as `link`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { LEGACY_KID, type SigningKeySet } from './signing-key-set';

export const REVIEW_TOKEN_PREFIX = 'wrt_';

/** Built on the first verification (ADR 0022, eighth round): a function that only signs never builds it. */
const payloadSchema = /* @__PURE__ */ lazy(() =>
  z.discriminatedUnion('v', [
    z.strictObject({
      v: z.literal(1),
      sid: z.string().check(z.minLength(1)),
      rid: z.string().check(z.minLength(1)),
      exp: z.number().check(z.int()),
    }),
    z.strictObject({
      v: z.literal(2),
      sid: z.string().check(z.minLength(1)),
      rid: z.string().check(z.minLength(1)),
      exp: z.number().check(z.int()),
      /** e: e-mailed to the couple by us; l: a shareable link handed to the supplier. */
      d: z.enum(['e', 'l']),
    }),
    z.strictObject({
      v: z.literal(3),
      /** The kid of the key that signed the token (issue 9). */
      k: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
      sid: z.string().check(z.minLength(1)),
      rid: z.string().check(z.minLength(1)),
      exp: z.number().check(z.int()),
      d: z.enum(['e', 'l']),
    }),
  ]),
);

/** How the link reached its reviewer: only `email` proves the couple was invited (verified). */
export type ReviewLinkDelivery = 'email' | 'link';

export type ReviewTokenClaims = {
  supplierId: string;
  requestId: string;
  expiresAt: Date;
  delivery: ReviewLinkDelivery;
};

/** `unknown-key`: the token names a key the set does not hold (a newer set may: refresh once). */
export type TokenFailure = 'malformed' | 'bad-signature' | 'expired' | 'unknown-key';

export class ReviewTokenError extends Error {
  constructor(readonly reason: TokenFailure) {
    super(`review token ${reason}`);
    this.name = 'ReviewTokenError';
  }
}

/** The signing keys: the first signs; all verify. */
export type KeyRing = readonly string[];

/** A plain ring (tokens without a kid) or a key set (tokens naming their key). */
export type ReviewTokenKeys = KeyRing | SigningKeySet;

const isKeySet = (keys: ReviewTokenKeys): keys is SigningKeySet => !Array.isArray(keys);

const mac = (key: string, payload: string): Buffer => createHmac('sha256', key).update(payload).digest();

export function signReviewToken(claims: ReviewTokenClaims, keys: ReviewTokenKeys): string {
  const newest = isKeySet(keys) ? keys.keys[0] : undefined;
  const current = isKeySet(keys) ? newest?.key : keys[0];
  if (!current) throw new Error('no signing key');
  const payload = Buffer.from(
    JSON.stringify({
      ...(newest ? { v: 3, k: newest.kid } : { v: 2 }),
      sid: claims.supplierId,
      rid: claims.requestId,
      exp: Math.floor(claims.expiresAt.getTime() / 1000),
      d: claims.delivery === 'email' ? 'e' : 'l',
    }),
  ).toString('base64url');
  return `${REVIEW_TOKEN_PREFIX}${payload}.${mac(current, payload).toString('base64url')}`;
}

export function verifyReviewToken(token: string, keys: ReviewTokenKeys, now: Date): ReviewTokenClaims {
  const match = /^wrt_([A-Za-z0-9_-]{1,1024})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw new ReviewTokenError('malformed');
  const [, payload, signature] = match as unknown as [string, string, string];
  const given = Buffer.from(signature, 'base64url');
  const valid = candidateKeys(payload, keys).some((key) => {
    const expected = mac(key, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) throw new ReviewTokenError('bad-signature');
  let claims: z.infer<ReturnType<typeof payloadSchema>>;
  try {
    claims = payloadSchema().parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw new ReviewTokenError('malformed');
  }
  if (claims.exp * 1000 <= now.getTime()) throw new ReviewTokenError('expired');
  return {
    supplierId: claims.sid,
    requestId: claims.rid,
    expiresAt: new Date(claims.exp * 1000),
    delivery: claims.v !== 1 && claims.d === 'e' ? 'email' : 'link',
  };
}

/**
 * The keys that may have signed `payload`: every key of a plain ring; from a set, the key the token
 * names, or the legacy key for a token naming none. The kid is read before the signature is
 * checked (as a JWT's header is) and only selects a key: the claims are parsed after the check.
 */
function candidateKeys(payload: string, keys: ReviewTokenKeys): readonly string[] {
  if (!isKeySet(keys)) return keys;
  const kid = kidOf(payload);
  const wanted = kid ?? LEGACY_KID;
  const found = keys.keys.find((k) => k.kid === wanted);
  if (!found) throw new ReviewTokenError(kid === undefined ? 'bad-signature' : 'unknown-key');
  return [found.key];
}

function kidOf(payload: string): string | undefined {
  try {
    const json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const kid = typeof json === 'object' && json !== null ? (json as { k?: unknown }).k : undefined;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}
