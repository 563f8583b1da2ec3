/** The stored review and the domain events it raises. */
import { eventIdFor, reviewIdFor } from './ids';
import type { Platform, ReviewOrigin, ReviewSubmittedMessage } from './review-schemas';

export interface Review {
  readonly reviewId: string;
  readonly supplierId: string;
  readonly platform: Platform;
  readonly externalId?: string;
  readonly requestId?: string;
  readonly rating: number;
  readonly title: string;
  readonly body: string;
  readonly reviewerName: string;
  /** Arrived with a review-request token: the couple really was invited by the supplier. */
  readonly verified: boolean;
  readonly reviewedAt: string;
  readonly receivedAt: string;
  readonly origin: ReviewOrigin;
  readonly actor: ReviewSubmittedMessage['actor'];
}

/** The public view of a review (no storage keys). */
export type ReviewView = Review & { readonly storedAt: string };

export class PermanentMessageError extends Error {
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'PermanentMessageError';
  }
}

export function reviewFromMessage(message: ReviewSubmittedMessage): Review {
  const expectedId = reviewIdFor(message.supplierId, message.origin);
  if (expectedId !== message.reviewId) {
    throw new PermanentMessageError('review-id-mismatch', `reviewId does not match its natural key`);
  }
  const { origin, review } = message;
  return {
    reviewId: message.reviewId,
    supplierId: message.supplierId,
    platform: origin.kind === 'external' ? origin.platform : review.platform,
    ...(origin.kind === 'external' ? { externalId: origin.externalId } : {}),
    ...(origin.kind === 'review-request' ? { requestId: origin.requestId } : {}),
    rating: review.rating,
    title: review.title,
    body: review.body,
    reviewerName: review.reviewerName,
    verified: origin.kind === 'review-request',
    // Normalised to UTC so that index sort keys order correctly whatever offset was sent.
    reviewedAt: new Date(review.submittedAt).toISOString(),
    receivedAt: message.receivedAt,
    origin,
    actor: message.actor,
  };
}

export const NEGATIVE_RATING_AT_MOST = 2;

export interface DomainEvent {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly supplierId: string;
  readonly subject: string;
  readonly data: Record<string, unknown>;
}

/** review.received always; review.negative when the rating is 2 or less. */
export function eventsForStoredReview(review: Review, time: string): DomainEvent[] {
  const data = {
    reviewId: review.reviewId,
    supplierId: review.supplierId,
    platform: review.platform,
    rating: review.rating,
    title: review.title,
    verified: review.verified,
    reviewedAt: review.reviewedAt,
  };
  const types = ['review.received', ...(review.rating <= NEGATIVE_RATING_AT_MOST ? ['review.negative'] : [])];
  return types.map((type) => ({
    id: eventIdFor(review.reviewId, type),
    type,
    time,
    supplierId: review.supplierId,
    subject: review.reviewId,
    data,
  }));
}
