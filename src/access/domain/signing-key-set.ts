/**
 * A signing secret that rotates without breaking what it signed (issue 9): the secret's value is a
 * JSON key set `{"keys":[{"kid","key","createdAt"}]}`, newest first. Signers use the newest key and
 * name it (`kid`) in what they sign; verifiers look the kid up. A rotation appends a key and drops
 * only keys older than the longest lifetime of anything signed with them (plus a margin), so a
 * review link stays valid for its whole life however many rotations happen meanwhile.
 *
 * Before the first rotation the secret holds one plain string (CDK generated it). It reads as a
 * set of one key with the kid `LEGACY_KID`; the first rotation keeps it under that kid, so tokens
 * signed before the key set existed (with or without that kid) keep verifying until it ages out.
 */
import { randomBytes } from 'node:crypto';
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';

/** The kid of the plain-string key the secret held before its first rotation. */
export const LEGACY_KID = 'v0';

export interface SigningKey {
  readonly kid: string;
  readonly key: string;
  /** When the key was added (ISO 8601); the legacy key gets the time of the first rotation. */
  readonly createdAt: string;
}

/** Newest first: `keys[0]` signs, every key verifies what names it. */
export interface SigningKeySet {
  readonly keys: readonly SigningKey[];
}

const KID = /^[A-Za-z0-9_-]{1,64}$/;

/** Built on first use (ADR 0022, eighth round): a function that never reads a key set never builds it. */
const keySetSchema = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    keys: z
      .array(
        z.strictObject({
          kid: z.string().check(z.regex(KID)),
          key: z.string().check(z.minLength(32)),
          createdAt: z.iso.datetime(),
        }),
      )
      .check(z.minLength(1)),
  }),
);

/** A key set stored in a secret as JSON, or undefined when the value is not one (a plain key). */
export function parseKeySet(value: string): SigningKeySet | undefined {
  if (!value.trimStart().startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = keySetSchema().safeParse(json);
  if (!parsed.success) throw new Error('the secret is JSON but not a signing key set');
  const kids = new Set(parsed.data.keys.map((k) => k.kid));
  if (kids.size !== parsed.data.keys.length) throw new Error('the signing key set repeats a kid');
  return { keys: sortNewestFirst(parsed.data.keys) };
}

/**
 * What a signer or verifier makes of a secret's value: the key set, or the plain key of a secret
 * never rotated as a set of one (`LEGACY_KID`). `createdAt` of such a key is unknown: `since`.
 */
export function keySetOf(value: string, since: Date): SigningKeySet {
  const set = parseKeySet(value);
  if (set) return set;
  if (value.length === 0) throw new Error('the signing secret is empty');
  return { keys: [{ kid: LEGACY_KID, key: value, createdAt: since.toISOString() }] };
}

export const serializeKeySet = (set: SigningKeySet): string => JSON.stringify({ keys: set.keys });

/** A fresh key: 256 bits from the CSPRNG, base64url (43 characters). */
export const newSigningKeyMaterial = (): string => randomBytes(32).toString('base64url');

/**
 * The next key set of a rotation: `added` first, then the current keys younger than `keepFor`
 * (the longest lifetime of a signed token plus a margin). The current newest key is always kept,
 * whatever its age: until the new set is current, it is the one signing.
 */
export function rotateKeySet(
  current: SigningKeySet,
  added: { kid: string; key: string },
  now: Date,
  keepForMs: number,
): SigningKeySet {
  if (!KID.test(added.kid)) throw new Error('a kid is 1-64 characters of [A-Za-z0-9_-]');
  if (current.keys.some((k) => k.kid === added.kid))
    throw new Error(`kid ${added.kid} is already in the set`);
  const [newest, ...older] = current.keys;
  const kept = older.filter((k) => now.getTime() - Date.parse(k.createdAt) < keepForMs);
  return {
    keys: [
      { kid: added.kid, key: added.key, createdAt: now.toISOString() },
      ...(newest ? [newest] : []),
      ...kept,
    ],
  };
}

function sortNewestFirst(keys: readonly SigningKey[]): SigningKey[] {
  return [...keys].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
