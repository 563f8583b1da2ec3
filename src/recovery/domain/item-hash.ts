/**
 * Canonical form and hash of a DynamoDB item, and an order-independent digest of a table (issue 11:
 * verifying a restore). Items are in DynamoDB's attribute-value form (`{ S: "..." }`, `{ N: "1" }`,
 * ...), as Scan returns them without unmarshalling, so a type change (the number 1 becoming the
 * string "1") changes the hash.
 *
 * Canonical JSON: map keys sorted at every level, the members of sets (SS, NS, BS) sorted (a set
 * has no order; DynamoDB may return its members in any order), binaries as base64. The digest of a
 * table is its item count and the sum of the items' SHA-256 hashes modulo 2^256: the same whatever
 * order the items are read in or the segments are combined in, and, unlike an XOR, two equal
 * hashes do not cancel out (a table cannot hold two equal items: the key differs, but the sum is
 * the safer fold anyway).
 */
import { createHash } from 'node:crypto';

/** A DynamoDB item in attribute-value form (`Record<string, AttributeValue>`). */
export type RawItem = Readonly<Record<string, unknown>>;

const SET_TYPES = new Set(['SS', 'NS', 'BS']);

const isBinary = (value: unknown): value is Uint8Array => value instanceof Uint8Array;

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** A JSON-ready canonical copy of one attribute value (`{ "S": "x" }` ...). */
function canonicalValue(value: unknown): unknown {
  if (isBinary(value)) return { $b64: base64(value) };
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(
      entries.map(([key, v]) => {
        if (SET_TYPES.has(key) && Array.isArray(v)) {
          const members = v.map((m) => (isBinary(m) ? base64(m) : String(m)));
          return [key, members.sort()];
        }
        return [key, canonicalValue(v)];
      }),
    );
  }
  return value;
}

/** The canonical JSON text of an item: equal items give equal text, whatever their key order. */
export const canonicalJson = (item: RawItem): string => JSON.stringify(canonicalValue(item));

/** SHA-256 of the canonical JSON, hex. */
export const itemHash = (item: RawItem): string =>
  createHash('sha256').update(canonicalJson(item)).digest('hex');

/** The identity of an item: the canonical JSON of its key attributes only. */
export function itemKey(item: RawItem, keyNames: readonly string[]): string {
  const key: Record<string, unknown> = {};
  for (const name of keyNames) {
    if (item[name] === undefined) throw new Error(`item has no key attribute ${name}`);
    key[name] = item[name];
  }
  return canonicalJson(key);
}

const MODULUS = 1n << 256n;

/** Count and order-independent checksum of a set of items. */
export interface TableDigest {
  readonly count: number;
  /** Sum of the items' SHA-256 (as 256-bit numbers) mod 2^256, 64 hex digits. */
  readonly checksum: string;
}

export const EMPTY_DIGEST: TableDigest = { count: 0, checksum: '0'.repeat(64) };

/** Folds items (or already-hashed items) into a digest, in any order. */
export class DigestBuilder {
  private count = 0;
  private sum = 0n;

  addHash(hashHex: string): void {
    this.count += 1;
    this.sum = (this.sum + BigInt(`0x${hashHex}`)) % MODULUS;
  }

  add(item: RawItem): string {
    const hash = itemHash(item);
    this.addHash(hash);
    return hash;
  }

  /** Adds another digest (a parallel scan segment's). */
  merge(other: TableDigest): void {
    this.count += other.count;
    this.sum = (this.sum + BigInt(`0x${other.checksum}`)) % MODULUS;
  }

  digest(): TableDigest {
    return { count: this.count, checksum: this.sum.toString(16).padStart(64, '0') };
  }
}

export const digestOf = (items: Iterable<RawItem>): TableDigest => {
  const builder = new DigestBuilder();
  for (const item of items) builder.add(item);
  return builder.digest();
};

export const sameDigest = (a: TableDigest, b: TableDigest): boolean =>
  a.count === b.count && a.checksum === b.checksum;
