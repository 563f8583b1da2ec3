/**
 * Finds what is held about a subject: the review requests made out to the address (index
 * bySubject), the reviews those requests produced (their ids are derived from the request) and
 * any reviews the request names, the event-log items about those reviews (deterministic event ids)
 * and the deliveries of those events (deterministic delivery ids). Every read is keyed: no Scan.
 */
import { reviewIdFor } from '../../reviews';
import { deliveryIdFor } from '../../webhooks';
import { eventIdFor } from '../../shared/ids';
import { REVIEW_EVENT_TYPES, reviewEventSubjects, uniqueRefs, type ReviewRef } from '../domain/erasure';
import type { StoredItem, SubjectDataReader } from '../ports';

export interface FoundReview {
  readonly ref: ReviewRef;
  readonly item: StoredItem;
}

/** Every review request of the subject, page by page. */
export async function requestsOf(reader: SubjectDataReader, subjectHash: string): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await reader.requestsOf(subjectHash, cursor);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}

/** The review a request's link produced, if it was used: one request is one review id. */
export const reviewOfRequest = (request: StoredItem): ReviewRef => {
  const supplierId = String(request.supplierId);
  const requestId = String(request.requestId);
  return { supplierId, reviewId: reviewIdFor(supplierId, { kind: 'review-request', requestId }) };
};

/** The reviews of the requests and those named, as stored (the ones that exist). */
export async function reviewsOf(
  reader: SubjectDataReader,
  requests: readonly StoredItem[],
  named: readonly ReviewRef[],
): Promise<FoundReview[]> {
  const refs = uniqueRefs([...requests.map(reviewOfRequest), ...named]);
  const found = await Promise.all(refs.map(async (ref) => ({ ref, item: await reader.getReview(ref) })));
  return found.filter((f): f is FoundReview => f.item !== undefined);
}

/** The event ids a review's events can have, over all its versions. */
export function candidateEventIds(reviewId: string, version: number): string[] {
  return reviewEventSubjects(reviewId, version).flatMap((subject) =>
    REVIEW_EVENT_TYPES.map((type) => eventIdFor(subject, type)),
  );
}

export const versionOf = (item: StoredItem): number => (typeof item.version === 'number' ? item.version : 1);

/** Event-log items about a review (still kept: the log expires after 14 days). */
export const eventsOfReview = (reader: SubjectDataReader, review: FoundReview): Promise<StoredItem[]> =>
  reader.loggedEvents(review.ref.supplierId, candidateEventIds(review.ref.reviewId, versionOf(review.item)));

/** The deliveries of one event to each of the supplier's endpoints (those that exist). */
export async function deliveriesOfEvent(
  reader: SubjectDataReader,
  endpointIds: readonly string[],
  eventId: string,
): Promise<StoredItem[]> {
  if (endpointIds.length === 0) return [];
  return reader.deliveries(endpointIds.map((endpointId) => deliveryIdFor(eventId, endpointId)));
}
