/**
 * Versions of one review (docs/decisions/0009-idempotency-and-edits.md). A review arriving again
 * under the same natural key (platform + externalId, review request, Idempotency-Key, producer
 * event) is compared with the stored one by its content:
 * - the same content is a duplicate (nothing changes, no new event);
 * - other content is an edit if it is the later version, and stale otherwise (the stored one is
 *   kept, and the outcome is counted and logged: nothing is dropped silently).
 * "Later" is a total order, so replays and out-of-order deliveries converge on the same version
 * in every order: the reviewer's time (`reviewedAt`, from the platform's `submittedAt`) first,
 * then the time the source asserted this version (`versionAt`: when our API accepted it, or the
 * producer event's `time`), then the content hash.
 */
import { createHash } from 'node:crypto';
import type { Platform, Recommendation } from './review-message-schemas';

/** What a reviewer (or their platform) can change; anything else is bookkeeping. */
export interface ReviewContent {
  /** Stars 1-5; null when the platform gives none (a Facebook recommendation replaces them). */
  readonly rating: number | null;
  readonly recommendation?: Recommendation;
  /** The text is a truncated excerpt (Yelp), not the whole review. */
  readonly excerpt?: true;
  readonly title: string;
  readonly body: string;
  readonly reviewerName: string;
  readonly platform: Platform;
  readonly reviewedAt: string;
}

export const CONTENT_FIELDS = ['rating', 'title', 'body', 'reviewerName', 'platform', 'reviewedAt'] as const;
/**
 * Content that only platform reviews have. Hashed only when present, so the hash of every review
 * stored before they existed (and of every review without them) stays what it was.
 */
export const OPTIONAL_CONTENT_FIELDS = ['recommendation', 'excerpt'] as const;
export type ContentField = (typeof CONTENT_FIELDS)[number] | (typeof OPTIONAL_CONTENT_FIELDS)[number];
export const ALL_CONTENT_FIELDS: readonly ContentField[] = [...CONTENT_FIELDS, ...OPTIONAL_CONTENT_FIELDS];

export interface VersionStamp {
  readonly reviewedAt: string;
  readonly versionAt: string;
  readonly contentHash: string;
}

/** The last applied edit of a review, kept on the review item (the audit trail has them all). */
export interface ReviewEdit {
  /** The version the edit produced (the first stored version is 1). */
  readonly version: number;
  readonly changedFields: readonly ContentField[];
  readonly previousRating: number | null;
  readonly previousRecommendation?: Recommendation;
  readonly previousPlatform: Platform;
  readonly editedAt: string;
}

/** What storing one review did. */
export type StoreOutcome =
  | { readonly kind: 'created' }
  | { readonly kind: 'duplicate'; readonly version: number; readonly lastEdit?: ReviewEdit }
  | { readonly kind: 'updated'; readonly version: number; readonly lastEdit: ReviewEdit }
  | { readonly kind: 'stale'; readonly version: number }
  /** The review was removed on its platform: nothing that arrives for it afterwards changes it. */
  | { readonly kind: 'removed'; readonly version: number };

export function contentOf(review: ReviewContent): ReviewContent {
  return {
    rating: review.rating,
    ...(review.recommendation !== undefined ? { recommendation: review.recommendation } : {}),
    ...(review.excerpt ? { excerpt: true as const } : {}),
    title: review.title,
    body: review.body,
    reviewerName: review.reviewerName,
    platform: review.platform,
    reviewedAt: review.reviewedAt,
  };
}

/** SHA-256 (hex) of the content fields in a fixed order. */
export function contentHash(review: ReviewContent): string {
  const content = contentOf(review);
  const values: unknown[] = CONTENT_FIELDS.map((field) => content[field]);
  for (const field of OPTIONAL_CONTENT_FIELDS) {
    if (content[field] !== undefined) values.push([field, content[field]]);
  }
  return createHash('sha256').update(JSON.stringify(values)).digest('hex');
}

export function changedFields(before: ReviewContent, after: ReviewContent): ContentField[] {
  return ALL_CONTENT_FIELDS.filter((field) => before[field] !== after[field]);
}

/** ISO-8601 UTC, so that string order is time order whatever offset a source used. */
export const normaliseTime = (time: string): string => new Date(time).toISOString();

/** True when `candidate` is a later version than `stored` (strictly; equal stamps are the same version). */
export function isLaterVersion(candidate: VersionStamp, stored: VersionStamp): boolean {
  const keys = (s: VersionStamp) => [normaliseTime(s.reviewedAt), normaliseTime(s.versionAt), s.contentHash];
  const [a, b] = [keys(candidate), keys(stored)];
  for (let i = 0; i < a.length; i += 1) {
    if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  }
  return false;
}

/**
 * A version sent without a date (`reviewedAtDefaulted`: its reviewedAt is merely when it arrived)
 * takes the date of the version it is compared with, so resending the same review without
 * `submittedAt` is a duplicate, not an edit of the date.
 */
export function withInheritedDate<
  T extends { readonly reviewedAt: string; readonly reviewedAtDefaulted?: true },
>(candidate: T, compared: { readonly reviewedAt: string }): T {
  return candidate.reviewedAtDefaulted ? { ...candidate, reviewedAt: compared.reviewedAt } : candidate;
}

/**
 * Several versions of one review arriving together: the ones without a date take the date of
 * the first to arrive (earliest versionAt), as they would have if they had come one by one.
 */
export function alignDates<
  T extends { readonly reviewedAt: string; readonly versionAt: string; readonly reviewedAtDefaulted?: true },
>(versions: readonly T[]): T[] {
  const first = versions.reduce<T | undefined>(
    (earliest, v) =>
      earliest === undefined || normaliseTime(v.versionAt) < normaliseTime(earliest.versionAt) ? v : earliest,
    undefined,
  );
  return first ? versions.map((v) => withInheritedDate(v, first)) : [];
}

/** Of several versions of one review, the latest (the order above; ties are the same content). */
export function latestVersion<T extends ReviewContent & { readonly versionAt: string }>(
  versions: readonly T[],
): T {
  if (versions.length === 0) throw new Error('no versions');
  return versions.reduce((latest, next) => (isLaterVersion(stampOf(next), stampOf(latest)) ? next : latest));
}

export function stampOf(review: ReviewContent & { readonly versionAt: string }): VersionStamp {
  return { reviewedAt: review.reviewedAt, versionAt: review.versionAt, contentHash: contentHash(review) };
}
