/**
 * Deterministic 32-bit string hashing for feature hashing (FNV-1a over UTF-16 code units,
 * followed by the MurmurHash3 finaliser so that short, similar strings spread over all bits).
 * The incremental helpers hash a feature name given in parts (prefix, word, ...) exactly as
 * `hash32` hashes the concatenation, without building the string (inference speed).
 */
export const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a state after `text`, continuing from `h`. */
export function fnvAdd(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** FNV-1a state after the code units `text[start..end)`, continuing from `h`. */
export function fnvAddRange(h: number, text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** FNV-1a state after one code unit. */
export function fnvAddCode(h: number, code: number): number {
  return Math.imul(h ^ code, 0x01000193);
}

/** MurmurHash3 finaliser of an FNV state: the final 32-bit hash. */
export function fnvFinish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hash32(text: string, seed = FNV_OFFSET): number {
  return fnvFinish(fnvAdd(seed >>> 0, text));
}

/** Bucket in [0, 2^bits) for a feature name. */
export function featureBucket(name: string, bits: number): number {
  return hash32(name) >>> (32 - bits);
}

/** Bucket of a finished FNV state (same as `featureBucket` of the string it hashed). */
export function bucketOf(state: number, bits: number): number {
  return fnvFinish(state) >>> (32 - bits);
}
