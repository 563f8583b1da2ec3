/**
 * Features for expense notes: hashed words, word bigrams and character n-grams of each word
 * (robust to vendor-name variants and typos). Amounts, currencies and other tokens containing
 * digits are dropped: they carry no category information and would only add noise.
 * Names are hashed in parts (prefix, word, n-gram range) without building strings, and duplicate
 * buckets are merged in a small reusable hash table: this runs once per note at inference.
 */
import { bucketOf, fnvAdd, fnvAddCode, fnvAddRange, FNV_OFFSET } from './hash';
import { l2Normalise, type SparseVector } from './sparse';
import { isPunctuation, wordTokens } from './tokenize';

export interface ExpenseFeatureConfig {
  readonly bits: number;
  readonly charMin: number;
  readonly charMax: number;
  /** Weight of each character n-gram relative to a whole word. */
  readonly charWeight: number;
  readonly bigrams: boolean;
}

/** Words of an expense note without amounts, currencies or punctuation. */
export function expenseWords(text: string): string[] {
  return wordTokens(text.replace(/[£$€¥]/g, ' ')).filter((t) => !isPunctuation(t) && !/[0-9]/.test(t));
}

const PREFIX = { w: fnvAdd(FNV_OFFSET, 'w:'), b: fnvAdd(FNV_OFFSET, 'b:'), c: fnvAdd(FNV_OFFSET, 'c:') };
const UNDERSCORE = '_'.charCodeAt(0);

/** Sums values per bucket in insertion order (open addressing; grows when half full). */
class BucketSums {
  private keys = new Int32Array(256).fill(-1);
  private slots: number[] = [];
  private readonly indices: number[] = [];
  private readonly values: number[] = [];

  add(bucket: number, value: number): void {
    const mask = this.keys.length - 1;
    let h = Math.imul(bucket, 0x9e3779b1) >>> 0;
    for (;;) {
      const slot = h & mask;
      const k = this.keys[slot];
      if (k === -1) {
        this.keys[slot] = bucket;
        this.slots[slot] = this.indices.length;
        this.indices.push(bucket);
        this.values.push(value);
        if (this.indices.length * 2 > this.keys.length) this.grow();
        return;
      }
      if (k === bucket) {
        this.values[this.slots[slot]] += value;
        return;
      }
      h++;
    }
  }

  private grow(): void {
    const old = this.indices.slice();
    this.keys = new Int32Array(this.keys.length * 2).fill(-1);
    this.slots = [];
    const mask = this.keys.length - 1;
    old.forEach((bucket, i) => {
      let h = Math.imul(bucket, 0x9e3779b1) >>> 0;
      while (this.keys[h & mask] !== -1) h++;
      this.keys[h & mask] = bucket;
      this.slots[h & mask] = i;
    });
  }

  vector(): SparseVector {
    return { indices: this.indices, values: this.values };
  }
}

export function expenseFeatures(text: string, cfg: ExpenseFeatureConfig): SparseVector {
  const words = expenseWords(text);
  const bits = cfg.bits;
  const sums = new BucketSums();
  for (const w of words) sums.add(bucketOf(fnvAdd(PREFIX.w, w), bits), 1);
  if (cfg.bigrams) {
    for (let i = 1; i < words.length; i++) {
      const h = fnvAdd(fnvAddCode(fnvAdd(PREFIX.b, words[i - 1]), UNDERSCORE), words[i]);
      sums.add(bucketOf(h, bits), 1);
    }
  }
  if (cfg.charWeight > 0) {
    // Character n-grams of " word " (see `charNgrams`), hashed as `c:<n-gram>`.
    for (const w of words) {
      const padded = ` ${w} `;
      if (padded.length <= cfg.charMin) {
        sums.add(bucketOf(fnvAdd(PREFIX.c, padded), bits), cfg.charWeight);
        continue;
      }
      for (let n = cfg.charMin; n <= cfg.charMax; n++) {
        for (let i = 0; i + n <= padded.length; i++) {
          sums.add(bucketOf(fnvAddRange(PREFIX.c, padded, i, i + n), bits), cfg.charWeight);
        }
      }
    }
  }
  return l2Normalise(sums.vector());
}
