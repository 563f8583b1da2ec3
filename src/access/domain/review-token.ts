/**
 * Review-link tokens: `wrt_<payload>.<signature>`, HMAC-SHA256 over the payload, bound to a
 * supplier and a review request, with an expiry and the way the link reached the reviewer.
 * Verification accepts any key of the key ring (the current and the previous secret version), so a
 * rotation never breaks links in flight.
 *
 * `delivery` is a signed claim (ADR 0010): `email` tokens exist only inside the e-mail we send to
 * the couple and make a review `verified`; `link` tokens are handed to the supplier to share and
 * never do. Version 1 tokens (before this claim existed) were returned to suppliers by the API,
 * so they read as `link`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

export const REVIEW_TOKEN_PREFIX = 'wrt_';

const payloadSchema = z.discriminatedUnion('v', [
  z.strictObject({ v: z.literal(1), sid: z.string().min(1), rid: z.string().min(1), exp: z.number().int() }),
  z.strictObject({
    v: z.literal(2),
    sid: z.string().min(1),
    rid: z.string().min(1),
    exp: z.number().int(),
    /** e: e-mailed to the couple by us; l: a shareable link handed to the supplier. */
    d: z.enum(['e', 'l']),
  }),
]);

/** How the link reached its reviewer: only `email` proves the couple was invited (verified). */
export type ReviewLinkDelivery = 'email' | 'link';

export type ReviewTokenClaims = {
  supplierId: string;
  requestId: string;
  expiresAt: Date;
  delivery: ReviewLinkDelivery;
};

export type TokenFailure = 'malformed' | 'bad-signature' | 'expired';

export class ReviewTokenError extends Error {
  constructor(readonly reason: TokenFailure) {
    super(`review token ${reason}`);
    this.name = 'ReviewTokenError';
  }
}

/** The signing keys: the first signs; all verify. */
export type KeyRing = readonly string[];

const mac = (key: string, payload: string): Buffer => createHmac('sha256', key).update(payload).digest();

export function signReviewToken(claims: ReviewTokenClaims, keys: KeyRing): string {
  const [current] = keys;
  if (!current) throw new Error('no signing key');
  const payload = Buffer.from(
    JSON.stringify({
      v: 2,
      sid: claims.supplierId,
      rid: claims.requestId,
      exp: Math.floor(claims.expiresAt.getTime() / 1000),
      d: claims.delivery === 'email' ? 'e' : 'l',
    }),
  ).toString('base64url');
  return `${REVIEW_TOKEN_PREFIX}${payload}.${mac(current, payload).toString('base64url')}`;
}

export function verifyReviewToken(token: string, keys: KeyRing, now: Date): ReviewTokenClaims {
  const match = /^wrt_([A-Za-z0-9_-]{1,1024})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw new ReviewTokenError('malformed');
  const [, payload, signature] = match as unknown as [string, string, string];
  const given = Buffer.from(signature, 'base64url');
  const valid = keys.some((key) => {
    const expected = mac(key, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) throw new ReviewTokenError('bad-signature');
  let claims: z.infer<typeof payloadSchema>;
  try {
    claims = payloadSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw new ReviewTokenError('malformed');
  }
  if (claims.exp * 1000 <= now.getTime()) throw new ReviewTokenError('expired');
  return {
    supplierId: claims.sid,
    requestId: claims.rid,
    expiresAt: new Date(claims.exp * 1000),
    delivery: claims.v === 2 && claims.d === 'e' ? 'email' : 'link',
  };
}
