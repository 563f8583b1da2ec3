/**
 * Deterministic 32-bit string hashing for feature hashing (FNV-1a over UTF-16 code units,
 * followed by the MurmurHash3 finaliser so that short, similar strings spread over all bits).
 */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Bucket in [0, 2^bits) for a feature name. */
export function featureBucket(name: string, bits: number): number {
  return hash32(name) >>> (32 - bits);
}
