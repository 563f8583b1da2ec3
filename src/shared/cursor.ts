/**
 * Opaque, authenticated list cursors: `<base64url JSON of DynamoDB's LastEvaluatedKey>.<base64url
 * HMAC-SHA256>`. The MAC covers the key and the cursor's scope (which list, whose, with which
 * filters), under a key derived from the API's signing secret (the review-token key ring: the
 * current version signs, every version verifies, so a rotation never breaks a listing in flight).
 * A forged, tampered, truncated or foreign cursor (another supplier's, another endpoint's, another
 * filter's) is a 400 on the `cursor` field and never reaches DynamoDB.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ProblemError } from './problem';

export type StoreKey = Record<string, string>;

/** Where the signing secrets come from (the review-token key ring has this shape). */
export interface CursorKeySource {
  keyRing(): Promise<readonly string[]>;
}

/** Domain separation: a cursor MAC can never stand in for a review-token signature. */
const CURSOR_KEY_LABEL = 'wedsync-cursor-v1';

/** Derived keys of the ring's secrets, kept per container (a ring holds a few versions). */
const derivedKeys = new Map<string, Buffer>();
const MAX_DERIVED_KEYS = 8;

const cursorKey = (secret: string): Buffer => {
  let key = derivedKeys.get(secret);
  if (key === undefined) {
    key = createHmac('sha256', secret).update(CURSOR_KEY_LABEL).digest();
    // Rotations add versions over a container's life: keep the newest few.
    if (derivedKeys.size >= MAX_DERIVED_KEYS) derivedKeys.delete(derivedKeys.keys().next().value!);
    derivedKeys.set(secret, key);
  }
  return key;
};

const mac = (secret: string, scope: string, payload: string): Buffer =>
  createHmac('sha256', cursorKey(secret)).update(scope).update('\n').update(payload).digest();

export const invalidCursor = (): ProblemError =>
  new ProblemError('invalid-query', 'cursor is not valid for this query', [
    { path: 'cursor', message: 'not a cursor from this list' },
  ]);

/** The scope of a cursor: what must be the same for the cursor to be valid (list, owner, filters). */
export const cursorScope = (parts: Record<string, string | number | undefined>): string =>
  JSON.stringify(Object.entries(parts).filter(([, value]) => value !== undefined));

export function encodeCursor(key: StoreKey, scope: string, ring: readonly string[]): string {
  const [current] = ring;
  if (!current) throw new Error('no cursor signing key');
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${payload}.${mac(current, scope, payload).toString('base64url')}`;
}

/** The store key in a cursor issued for `scope`; 400 for anything else. */
export function decodeCursor(
  cursor: string,
  scope: string,
  ring: readonly string[],
  mustMatch: StoreKey = {},
): StoreKey {
  const match = /^([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(cursor);
  if (!match) throw invalidCursor();
  const [, payload = '', signature = ''] = match;
  const given = Buffer.from(signature, 'base64url');
  const genuine = ring.some((secret) => {
    const expected = mac(secret, scope, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!genuine) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidCursor();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0 || entries.length > 6 || entries.some(([, v]) => typeof v !== 'string')) {
    throw invalidCursor();
  }
  const key = Object.fromEntries(entries) as StoreKey;
  assertKeyIn(key, mustMatch);
  return key;
}

/** A start key must lie in the partition being read (belt and braces behind the MAC). */
export function assertKeyIn(key: StoreKey, mustMatch: StoreKey): void {
  for (const [name, value] of Object.entries(mustMatch)) {
    if (!Object.hasOwn(key, name) || key[name] !== value) throw invalidCursor();
  }
}
