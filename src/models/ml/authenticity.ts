/**
 * Review authenticity signals that need no trained model (the deception model is evaluation-only
 * because of its training data's licence). Every function is pure: the caller passes the review,
 * the supplier's recent reviews and, optionally, the sentiment prediction.
 *
 * Output: reason codes in a fixed order and a suspicion score in [0, 1] combining the reasons'
 * weights as a noisy-OR (1 - prod(1 - w)).
 */
import { hash32 } from './hash';

/** The reasons worth a review.flagged: all but being unverified (normal for imports). */
export const FLAG_REASON_CODES = [
  'contains-link',
  'contains-phone',
  'contains-email',
  'near-duplicate',
  'burst-from-source',
  'rating-sentiment-mismatch',
] as const;
export const REASON_CODES = ['unverified', ...FLAG_REASON_CODES] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const DEFAULT_REASON_WEIGHTS: Readonly<Record<ReasonCode, number>> = {
  unverified: 0.2,
  'contains-link': 0.3,
  'contains-phone': 0.25,
  'contains-email': 0.25,
  'near-duplicate': 0.45,
  'burst-from-source': 0.35,
  'rating-sentiment-mismatch': 0.3,
};

// ---------------------------------------------------------------- contact details in the text

const URL =
  /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|co\.uk|uk|net|org|io|info|biz|me|shop|store|wedding|xyz|ly)\b(?:\/\S*)?/i;
const EMAIL = /\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b/i;
/** A run of digits with optional spaces, dots, dashes, brackets and a leading +. */
const PHONE_CANDIDATE = /\+?\(?\d[\d\s().-]{6,}\d/g;

export function containsEmail(text: string): boolean {
  return EMAIL.test(text);
}

/** Web addresses (scheme, `www.` or a bare domain with a common TLD); e-mail addresses do not count. */
export function containsLink(text: string): boolean {
  return URL.test(text.replace(new RegExp(EMAIL.source, 'gi'), ' '));
}

/** Phone numbers: 9 to 15 digits in one run of digits and separators (prices, dates and years do not qualify). */
export function containsPhoneNumber(text: string): boolean {
  for (const m of text.match(PHONE_CANDIDATE) ?? []) {
    const digits = m.replace(/\D/g, '').length;
    if (digits >= 9 && digits <= 15) return true;
  }
  return false;
}

// ---------------------------------------------------------------- near-duplicate text

/** Character 5-gram shingles of the text with case, punctuation and spacing normalised. */
export function shingles(text: string, k = 5): Set<string> {
  const norm = text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const out = new Set<string>();
  if (norm.length === 0) return out;
  if (norm.length <= k) {
    out.add(norm);
    return out;
  }
  for (let i = 0; i + k <= norm.length; i++) out.add(norm.slice(i, i + k));
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** MinHash signature (one minimum per seeded hash) for comparing many texts cheaply. */
export function minHashSignature(set: ReadonlySet<string>, size = 64): Uint32Array {
  const sig = new Uint32Array(size).fill(0xffffffff);
  for (const s of set) {
    for (let i = 0; i < size; i++) {
      const h = hash32(s, (0x9e3779b9 * (i + 1)) >>> 0);
      if (h < sig[i]) sig[i] = h;
    }
  }
  return sig;
}

/** Share of equal MinHash slots: an unbiased estimate of the Jaccard similarity. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) throw new Error('signatures differ in size');
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

export interface TextRef {
  readonly id: string;
  readonly text: string;
}

/**
 * Ids of the `others` whose text is a near duplicate of `text` (shingle Jaccard >= threshold).
 * Very short texts ("Amazing!") are never flagged: identical short praise is normal.
 */
export function nearDuplicates(
  text: string,
  others: readonly TextRef[],
  options: { threshold?: number; minChars?: number } = {},
): string[] {
  const threshold = options.threshold ?? 0.6;
  const minChars = options.minChars ?? 40;
  if (text.trim().length < minChars) return [];
  // Before any ids are taken: a reset renumbers the shingles, so it never falls inside a call.
  if (shingleIds.size > SHINGLE_ID_LIMIT) resetShingleIds();
  const mine = cachedShingleIds(text);
  return others
    .filter((o) => {
      if (o.text.trim().length < minChars) return false;
      const theirs = cachedShingleIds(o.text);
      // Jaccard is at most min/max of the two sizes: sets too different in size cannot reach the
      // threshold, and are not intersected (most pairs of a batch; exact, not an estimate).
      if (Math.min(mine.length, theirs.length) < threshold * Math.max(mine.length, theirs.length))
        return false;
      return sortedJaccard(mine, theirs) >= threshold;
    })
    .map((o) => o.id);
}

/**
 * `jaccard` of two shingle sets given as ascending arrays of distinct ids: one merge walk instead of
 * a string hash lookup per shingle (the comparisons of a worker batch, about 75 per review, were
 * the ingest worker's largest CPU cost per review; ADR 0022, "The pipeline's CPU per review").
 */
export function sortedJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let inter = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}

/**
 * Each distinct shingle's number (exact: no hashing, so no collisions). Bounded: past the limit
 * the numbering starts again, with the arrays numbered by it.
 */
const SHINGLE_ID_LIMIT = 200_000;
const shingleIds = new Map<string, number>();
const shingleIdCache = new Map<string, Uint32Array>();

function resetShingleIds(): void {
  shingleIds.clear();
  shingleIdCache.clear();
}

/** `cachedShingles(text)` as ascending shingle numbers, kept as the shingle sets are. */
export function cachedShingleIds(text: string): Uint32Array {
  const hit = shingleIdCache.get(text);
  if (hit) return hit;
  const set = cachedShingles(text);
  const ids = new Uint32Array(set.size);
  let k = 0;
  for (const shingle of set) {
    let id = shingleIds.get(shingle);
    if (id === undefined) shingleIds.set(shingle, (id = shingleIds.size));
    ids[k++] = id;
  }
  ids.sort();
  if (shingleIdCache.size >= SHINGLE_CACHE_SIZE) shingleIdCache.delete(shingleIdCache.keys().next().value!);
  shingleIdCache.set(text, ids);
  return ids;
}

/** Texts whose shingles are kept (a worker batch: up to 40 reviews against the 50 latest). */
export const SHINGLE_CACHE_SIZE = 256;
const shingleCache = new Map<string, ReadonlySet<string>>();

/**
 * `shingles(text)`, kept for the texts seen last: each review of a batch is compared with the
 * same recent reviews and with the others of the batch, which rebuilt every text's shingles once
 * per comparison (about a fifth of the ingest worker's CPU per review: ADR 0022). Bounded; the
 * oldest entry leaves first. The sets are never modified.
 */
export function cachedShingles(text: string): ReadonlySet<string> {
  const hit = shingleCache.get(text);
  if (hit) return hit;
  const built = shingles(text);
  if (shingleCache.size >= SHINGLE_CACHE_SIZE) shingleCache.delete(shingleCache.keys().next().value!);
  shingleCache.set(text, built);
  return built;
}

/** How many texts the shingle cache holds (for its test). */
export const shingleCacheSize = (): number => shingleCache.size;

// ---------------------------------------------------------------- bursts from one source

export interface TimedRef {
  readonly id: string;
  /** Milliseconds since the epoch. */
  readonly submittedAt: number;
  /** Whatever identifies the sender (hashed IP, device, account). */
  readonly source?: string;
}

/**
 * Number of reviews from the same source as `review` (itself included) submitted within
 * `windowMs` either side of it. A review without a source never forms a burst.
 */
export function sameSourceCount(review: TimedRef, recent: readonly TimedRef[], windowMs: number): number {
  if (review.source === undefined) return 0;
  let n = 1;
  for (const r of recent) {
    if (r.id === review.id || r.source !== review.source) continue;
    if (Math.abs(r.submittedAt - review.submittedAt) <= windowMs) n++;
  }
  return n;
}

// ---------------------------------------------------------------- rating vs sentiment

export interface SentimentSignal {
  readonly label: string;
  readonly confidence: number;
}

/** Rating <= 2 with confidently positive text, or >= 4 with confidently negative text. */
export function ratingSentimentMismatch(
  rating: number,
  sentiment: SentimentSignal,
  minConfidence = 0.8,
): boolean {
  if (sentiment.confidence < minConfidence) return false;
  return (rating <= 2 && sentiment.label === 'positive') || (rating >= 4 && sentiment.label === 'negative');
}

// ---------------------------------------------------------------- combined assessment

export interface ReviewUnderCheck extends TimedRef {
  readonly text: string;
  /** Star rating 1-5. */
  readonly rating: number;
  /** True when the review arrived with a valid review-request token. */
  readonly verified: boolean;
}

export interface AuthenticityOptions {
  readonly duplicateThreshold?: number;
  readonly burstWindowMs?: number;
  /** Reviews from one source within the window (the review included) that make a burst. */
  readonly burstSize?: number;
  readonly mismatchConfidence?: number;
  readonly weights?: Partial<Record<ReasonCode, number>>;
}

export interface AuthenticityResult {
  readonly reasons: readonly ReasonCode[];
  /** Suspicion in [0, 1]; 0 when there is no reason. */
  readonly score: number;
  /** Ids of the recent reviews this one nearly duplicates. */
  readonly duplicateOf: readonly string[];
}

/** Noisy-OR of the weights of the given reasons. */
export function combineReasons(
  reasons: readonly ReasonCode[],
  weights: Partial<Record<ReasonCode, number>> = {},
): number {
  let keep = 1;
  for (const r of reasons) keep *= 1 - Math.min(1, Math.max(0, weights[r] ?? DEFAULT_REASON_WEIGHTS[r]));
  return Math.round((1 - keep) * 10000) / 10000;
}

export function assessAuthenticity(
  review: ReviewUnderCheck,
  recent: readonly (TextRef & TimedRef)[],
  sentiment?: SentimentSignal,
  options: AuthenticityOptions = {},
): AuthenticityResult {
  const found = new Set<ReasonCode>();
  if (!review.verified) found.add('unverified');
  if (containsLink(review.text)) found.add('contains-link');
  if (containsPhoneNumber(review.text)) found.add('contains-phone');
  if (containsEmail(review.text)) found.add('contains-email');
  const others = recent.filter((r) => r.id !== review.id);
  const duplicateOf = nearDuplicates(review.text, others, { threshold: options.duplicateThreshold });
  if (duplicateOf.length > 0) found.add('near-duplicate');
  if (sameSourceCount(review, others, options.burstWindowMs ?? 3_600_000) >= (options.burstSize ?? 3)) {
    found.add('burst-from-source');
  }
  if (sentiment && ratingSentimentMismatch(review.rating, sentiment, options.mismatchConfidence)) {
    found.add('rating-sentiment-mismatch');
  }
  const reasons = REASON_CODES.filter((r) => found.has(r));
  return { reasons, score: combineReasons(reasons, options.weights), duplicateOf };
}
