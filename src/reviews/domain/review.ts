/** The stored review and the domain events it raises. */
import { eventIdFor } from '../../shared/ids';
import { reviewIdFor } from './review-ids';
import { normaliseTime, type ReviewEdit } from './review-versions';
import type {
  Platform,
  Recommendation,
  ReviewConnection,
  ReviewOrigin,
  ReviewRemovedMessage,
  ReviewSubmittedMessage,
} from './review-message-schemas';
import type { DomainEvent } from '../../events';

export interface Review {
  readonly reviewId: string;
  readonly supplierId: string;
  readonly platform: Platform;
  readonly externalId?: string;
  readonly requestId?: string;
  /** Stars 1-5; null when the platform gives none (a Facebook recommendation replaces them). */
  readonly rating: number | null;
  /** Facebook: the reviewer recommends the supplier or not (then `rating` is null). */
  readonly recommendation?: Recommendation;
  /** The text is a truncated excerpt (Yelp returns at most 3 per business), not the whole review. */
  readonly excerpt?: true;
  /** The platform connection and location a synced review came from (replies go back there). */
  readonly connection?: ReviewConnection;
  readonly title: string;
  readonly body: string;
  readonly reviewerName: string;
  /** Arrived through the link we e-mailed to the couple: they proved they received it (ADR 0010). */
  readonly verified: boolean;
  readonly reviewedAt: string;
  /** No date was sent (reviewedAt is the receipt time): a later resend inherits the stored date. */
  readonly reviewedAtDefaulted?: true;
  readonly receivedAt: string;
  /**
   * When the source asserted this version (our API's receipt time, or a producer event's `time`):
   * the second key of the version order (review-versions.ts).
   */
  readonly versionAt: string;
  readonly origin: ReviewOrigin;
  readonly actor: ReviewSubmittedMessage['actor'];
  /** Who sent it, as an opaque hash (client address for couples), for burst detection. */
  readonly sourceHash?: string;
  /** The request this version came with (stored on the review, its audit entry and its events). */
  readonly correlationId?: string;
  /** What the models said, or that inference is pending (retried from a queue). */
  readonly insights?: ReviewInsights;
}

export interface ReviewInsights {
  readonly status: 'done' | 'pending';
  /** Why inference is pending (model failed to load, threw, or ran over its time budget). */
  readonly pendingReason?: string;
  readonly sentiment?: {
    readonly label: string;
    readonly confidence: number;
    readonly modelVersion: string;
    readonly variant: string;
  };
  readonly authenticity?: {
    readonly reasons: readonly string[];
    readonly score: number;
    readonly duplicateOf: readonly string[];
  };
  /** Reasons for review.flagged (authenticity reasons other than merely being unverified). */
  readonly flags?: readonly string[];
}

/**
 * The supplier's reply on the review's platform: recorded by the reply worker for a request made
 * through our API, or taken from what the platform itself (a sync) or an import shows
 * (domain/review-replies.ts decides when the latter replaces the former).
 */
export interface ReviewReply {
  /** Publish (or replace) the reply, or delete it. */
  readonly action: 'reply' | 'delete-reply';
  /**
   * pending: queued or waiting for the platform (also while the platform moderates it);
   * published: the platform has it (for delete-reply: the reply is gone); failed: see `reason`.
   */
  readonly state: 'pending' | 'published' | 'failed';
  /**
   * api: a request through our API (absent on replies recorded before sources existed);
   * platform: seen on the platform by a sync (written there, or ours edited or deleted there);
   * import: a reply column of an import file.
   */
  readonly source?: ReplySource;
  readonly comment?: string;
  /**
   * When the latest request through our API was made (orders requests); a reply seen on the
   * platform or imported keeps the time of the request it replaced, and has none otherwise.
   */
  readonly requestedAt?: string;
  readonly updatedAt: string;
  /** The platform's own time of the reply (Google `updateTime`, an import's `reply_date`). */
  readonly repliedAt?: string;
  readonly reason?: string;
}

export type ReplySource = 'api' | 'platform' | 'import';

/** The public view of a review (no storage keys). */
export type ReviewView = Review & {
  /** `removed`: the platform no longer has it; kept and marked, left out of summaries and default lists. */
  readonly state: 'active' | 'removed';
  readonly removedAt?: string;
  readonly reply?: ReviewReply;
  readonly storedAt: string;
  /** 1 when first stored, +1 for every applied edit (absent on reviews stored before edits existed). */
  readonly version?: number;
  /** When the latest edit was stored, and what it changed. */
  readonly updatedAt?: string;
  readonly lastEdit?: ReviewEdit;
};

export class PermanentMessageError extends Error {
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'PermanentMessageError';
  }
}

/** `versionAt` defaults to the message's `receivedAt` (set once, by the API). */
export function reviewFromMessage(
  message: ReviewSubmittedMessage,
  options: { versionAt?: string } = {},
): Review {
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
    ...(origin.kind === 'review-request' || origin.kind === 'review-link'
      ? { requestId: origin.requestId }
      : {}),
    rating: review.rating ?? null,
    ...(review.recommendation !== undefined ? { recommendation: review.recommendation } : {}),
    ...(review.excerpt ? { excerpt: true as const } : {}),
    ...(message.connection ? { connection: message.connection } : {}),
    title: review.title,
    body: review.body,
    reviewerName: review.reviewerName,
    verified: origin.kind === 'review-request',
    // Normalised to UTC so that index sort keys order correctly whatever offset was sent.
    reviewedAt: new Date(review.submittedAt).toISOString(),
    ...(review.submittedAtDefaulted ? { reviewedAtDefaulted: true as const } : {}),
    receivedAt: message.receivedAt,
    versionAt: normaliseTime(options.versionAt ?? message.versionAt ?? message.receivedAt),
    origin,
    actor: message.actor,
    ...(message.sourceHash ? { sourceHash: message.sourceHash } : {}),
    ...(message.correlationId ? { correlationId: message.correlationId } : {}),
  };
}

export const NEGATIVE_RATING_AT_MOST = 2;

/** Negative: 2 stars or less, or a negative recommendation (a review without stars). */
export const isNegative = (review: {
  readonly rating: number | null;
  readonly recommendation?: Recommendation;
}): boolean =>
  review.rating !== null ? review.rating <= NEGATIVE_RATING_AT_MOST : review.recommendation === 'negative';

/**
 * review.flagged, when the models found reasons to doubt the review. `version` > 1 (an edit)
 * gives the event its own id, so the edited text's flags are announced too.
 */
export function flaggedEvent(review: Review, time: string, version = 1): DomainEvent | undefined {
  const flags = review.insights?.flags ?? [];
  if (flags.length === 0) return undefined;
  return {
    id: eventIdFor(versionSubject(review.reviewId, version), 'review.flagged'),
    type: 'review.flagged',
    time,
    supplierId: review.supplierId,
    subject: review.reviewId,
    data: {
      reviewId: review.reviewId,
      supplierId: review.supplierId,
      platform: review.platform,
      rating: review.rating,
      reasons: flags,
      authenticityScore: review.insights?.authenticity?.score ?? 0,
      sentiment: review.insights?.sentiment ?? null,
      flaggedAt: time,
    },
  };
}

/** What review.received, review.negative, review.updated and review.removed say about the review. */
const reviewEventData = (review: Review): Record<string, unknown> => ({
  reviewId: review.reviewId,
  supplierId: review.supplierId,
  platform: review.platform,
  rating: review.rating,
  ...(review.recommendation !== undefined ? { recommendation: review.recommendation } : {}),
  ...(review.excerpt ? { excerpt: true } : {}),
  title: review.title,
  verified: review.verified,
  reviewedAt: review.reviewedAt,
});

/** One event about a review; its id is derived from `idSubject` (the review, or one version of it). */
const reviewEvent = (
  review: Review,
  type: string,
  idSubject: string,
  time: string,
  data: Record<string, unknown>,
): DomainEvent => ({
  id: eventIdFor(idSubject, type),
  type,
  time,
  supplierId: review.supplierId,
  subject: review.reviewId,
  ...(review.correlationId ? { correlationId: review.correlationId } : {}),
  data,
});

/** review.received always; review.negative when the rating is 2 or less; review.flagged when flagged. */
export function eventsForStoredReview(review: Review, time: string): DomainEvent[] {
  const types = ['review.received', ...(isNegative(review) ? ['review.negative'] : [])];
  const events = types.map((type) =>
    reviewEvent(review, type, review.reviewId, time, reviewEventData(review)),
  );
  const flagged = flaggedEvent(review, time);
  return flagged ? [...events, flagged] : events;
}

/** Version 1 keeps the ids events always had; later versions get their own. */
const versionSubject = (reviewId: string, version: number) =>
  version <= 1 ? reviewId : `${reviewId}#v${version}`;

/**
 * The events of an applied edit: review.updated always; review.negative when the edit made the
 * review negative; review.flagged when the models doubt the new text. Ids are derived from the
 * review and its version, so a redelivered edit announces nothing new.
 */
export function eventsForEditedReview(review: Review, edit: ReviewEdit, time: string): DomainEvent[] {
  const subject = versionSubject(review.reviewId, edit.version);
  const events: DomainEvent[] = [
    reviewEvent(review, 'review.updated', subject, time, {
      ...reviewEventData(review),
      version: edit.version,
      changedFields: [...edit.changedFields],
      previousRating: edit.previousRating,
      ...(edit.previousRecommendation !== undefined
        ? { previousRecommendation: edit.previousRecommendation }
        : {}),
      updatedAt: edit.editedAt,
    }),
  ];
  const wasNegative = isNegative({
    rating: edit.previousRating,
    ...(edit.previousRecommendation !== undefined ? { recommendation: edit.previousRecommendation } : {}),
  });
  if (isNegative(review) && !wasNegative) {
    events.push(reviewEvent(review, 'review.negative', subject, time, reviewEventData(review)));
  }
  const flagged = flaggedEvent(review, time, edit.version);
  return flagged ? [...events, flagged] : events;
}

/**
 * review.removed: the platform no longer has the review. One per review (a removal is final), so
 * its id is derived from the review alone and a redelivered removal announces the same event.
 */
export function removedEvent(review: Review, removedAt: string, version: number, time: string): DomainEvent {
  return reviewEvent(review, 'review.removed', review.reviewId, time, {
    ...reviewEventData(review),
    version,
    removedAt,
  });
}

/** A review the platform no longer has (review-schemas.ts `reviewRemovedMessage`). */
export interface ReviewRemoval {
  readonly supplierId: string;
  readonly reviewId: string;
  readonly origin: ReviewRemovedMessage['origin'];
  readonly actor: ReviewRemovedMessage['actor'];
  /** When the platform was seen without the review (UTC). */
  readonly removedAt: string;
  readonly receivedAt: string;
}

export function removalFromMessage(message: ReviewRemovedMessage): ReviewRemoval {
  if (reviewIdFor(message.supplierId, message.origin) !== message.reviewId) {
    throw new PermanentMessageError('review-id-mismatch', `reviewId does not match its natural key`);
  }
  return {
    supplierId: message.supplierId,
    reviewId: message.reviewId,
    origin: message.origin,
    actor: message.actor,
    removedAt: normaliseTime(message.removedAt),
    receivedAt: message.receivedAt,
  };
}
