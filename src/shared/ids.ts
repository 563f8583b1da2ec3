/**
 * Identifiers. A review id is derived from its natural key, so a client retry, a duplicate
 * message or the same review handled in two regions all converge on one item (conditional
 * writes on global tables only see the local region; equal keys make the replicas agree).
 */
import { createHash, randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** Lower-case Crockford base32 of the first `chars * 5` bits of `bytes`. */
function base32(bytes: Buffer, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === chars) break;
  }
  return out;
}

function digest(parts: readonly string[]): Buffer {
  // Length-prefix every part so ("ab","c") and ("a","bc") cannot collide.
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:${part}|`);
  return hash.digest();
}

/** A deterministic id: `prefix_` + 26 base32 characters of a hash of the parts. */
export function deterministicId(prefix: string, parts: readonly string[]): string {
  return `${prefix}_${base32(digest(parts), 26)}`;
}

/** Deterministic id of a domain event: the same review always yields the same event ids. */
export function eventIdFor(subjectId: string, eventType: string): string {
  return `evt_${base32(digest(['event', subjectId, eventType]), 26)}`;
}

export function randomId(prefix: string): string {
  return `${prefix}_${base32(randomBytes(20), 26)}`;
}

export const ID_PATTERN = /^[a-z]{2,4}_[0-9a-z]{26}$/;
