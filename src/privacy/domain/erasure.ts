/**
 * Erasure of a data subject: what is changed where, and the tombstone that outlives the data so
 * nothing brings it back (docs/privacy.md).
 */

/** A review named by its supplier and id (a platform review the person says is theirs, say). */
export interface ReviewRef {
  readonly supplierId: string;
  readonly reviewId: string;
}

/** A review request named by its supplier and id. */
export interface RequestRef {
  readonly supplierId: string;
  readonly requestId: string;
}

export type ErasureStatus = 'in-progress' | 'done';

/** What an erasure changed, summed over its runs (a run that finds nothing left adds nothing). */
export interface ErasureCounts {
  readonly reviewRequestsDeleted: number;
  readonly reviewsAnonymised: number;
  readonly reviewAuditEntriesAnonymised: number;
  readonly eventsPurged: number;
  readonly deliveriesScrubbed: number;
}

export const NO_COUNTS: ErasureCounts = {
  reviewRequestsDeleted: 0,
  reviewsAnonymised: 0,
  reviewAuditEntriesAnonymised: 0,
  eventsPurged: 0,
  deliveriesScrubbed: 0,
};

export const addCounts = (a: ErasureCounts, b: ErasureCounts): ErasureCounts => ({
  reviewRequestsDeleted: a.reviewRequestsDeleted + b.reviewRequestsDeleted,
  reviewsAnonymised: a.reviewsAnonymised + b.reviewsAnonymised,
  reviewAuditEntriesAnonymised: a.reviewAuditEntriesAnonymised + b.reviewAuditEntriesAnonymised,
  eventsPurged: a.eventsPurged + b.eventsPurged,
  deliveriesScrubbed: a.deliveriesScrubbed + b.deliveriesScrubbed,
});

/**
 * The tombstone: kept for good (no TTL) under the subject hash. It holds no personal data: the
 * hash, what was asked and what was done, and the ids of what was erased. Review requests for the
 * address are refused while it exists, and the reviews it lists stay anonymised whatever arrives
 * for them later (a replay, a re-sync, a re-import).
 */
export interface Tombstone {
  readonly subjectHash: string;
  readonly erasureId: string;
  readonly status: ErasureStatus;
  readonly requestedAt: string;
  readonly completedAt?: string;
  /** Whether the reviews' title and text are erased too (a name alone otherwise). */
  readonly eraseText: boolean;
  /** Reviews named in the request, beside those found through the address's review requests. */
  readonly extraReviews: readonly ReviewRef[];
  /** Reviews erased (found and named), and the suppliers told. */
  readonly erasedReviews: readonly ReviewRef[];
  /** Review requests deleted, by supplier (ids only). */
  readonly erasedRequests: readonly RequestRef[];
  readonly suppliersNotified: readonly string[];
  readonly counts: ErasureCounts;
}

/** What the privacy routes answer about an erasure (the tombstone, without the hash itself). */
export function erasureView(tombstone: Tombstone) {
  return {
    erasureId: tombstone.erasureId,
    status: tombstone.status,
    requestedAt: tombstone.requestedAt,
    ...(tombstone.completedAt ? { completedAt: tombstone.completedAt } : {}),
    eraseText: tombstone.eraseText,
    reviews: tombstone.erasedReviews,
    reviewRequests: tombstone.erasedRequests.length,
    suppliersNotified: tombstone.suppliersNotified,
    counts: tombstone.counts,
  };
}
export type ErasureView = ReturnType<typeof erasureView>;

/**
 * The request to erase (again): a new request widens a finished erasure when it names reviews the
 * tombstone does not list or asks for the text where the first did not; otherwise it changes nothing.
 */
export function widens(
  tombstone: Tombstone,
  request: { eraseText: boolean; reviews: readonly ReviewRef[] },
): boolean {
  const known = new Set([...tombstone.extraReviews, ...tombstone.erasedReviews].map(refKey));
  return (request.eraseText && !tombstone.eraseText) || request.reviews.some((r) => !known.has(refKey(r)));
}

export const refKey = (ref: ReviewRef): string => `${ref.supplierId}#${ref.reviewId}`;

/** Unique by supplier and review, first occurrence kept. */
export function uniqueRefs(refs: readonly ReviewRef[]): ReviewRef[] {
  const seen = new Map<string, ReviewRef>();
  for (const ref of refs) if (!seen.has(refKey(ref))) seen.set(refKey(ref), ref);
  return [...seen.values()];
}

/** What an anonymised reviewer is called, and what erased text becomes. */
export const ANONYMISED_NAME = 'Anonymised reviewer';
export const ERASED_TEXT = '[erased at the reviewer’s request]';

export interface ReviewPersonalFields {
  readonly reviewerName: string;
  readonly title: string;
  readonly body: string;
}

/**
 * The anonymised fields of a review: the name always, the title and text only when the request
 * asks (the text is the review itself; without it the rating alone stays meaningful). Applying
 * it twice gives the same result.
 */
export function anonymisedFields(fields: ReviewPersonalFields, eraseText: boolean): ReviewPersonalFields {
  return {
    reviewerName: ANONYMISED_NAME,
    title: eraseText ? ERASED_TEXT : fields.title,
    body: eraseText ? ERASED_TEXT : fields.body,
  };
}

/** Event types whose payload may carry a review's title or text (event-log purge). */
export const REVIEW_EVENT_TYPES = [
  'review.received',
  'review.negative',
  'review.flagged',
  'review.updated',
  'review.removed',
  'review.published',
] as const;

/**
 * The subjects whose deterministic event ids a review's events have: the review for version 1,
 * `<reviewId>#v<n>` for each later version (src/reviews/domain/review.ts).
 */
export function reviewEventSubjects(reviewId: string, version: number): string[] {
  const subjects = [reviewId];
  for (let v = 2; v <= version; v += 1) subjects.push(`${reviewId}#v${v}`);
  return subjects;
}

/**
 * Where the tombstone lives: the ReviewRequests table (replicated to every region with it), under
 * a key computable from the address, so the review-request write can check it in its transaction.
 */
export const tombstoneKey = (erasureId: string) => ({ pk: `ERASURE#${erasureId}`, sk: 'TOMBSTONE' });

/** The bySubject index key of a review request made out to an address. */
export const subjectIndexKey = (hash: string) => `SUBJECT#${hash}`;
