/**
 * What the reviews area's operations (review requests, reviews in and out, the summary, replies)
 * are wired to in the `ApiReviews` function (functions/api/reviews-handler.ts).
 */
import { systemClock } from '../../src/shared/clock';
import {
  queueSender,
  replyCapability,
  replyQueue,
  reviewRepository,
  reviewRequestQuota,
  reviewRequestRepository,
  reviewRequestsPerDay,
  reviewTokenKeys,
} from '../../src/wiring';
import type { ReplyDeps } from './operations/replies';
import type { ReviewDeps } from './operations/reviews';

export const reviewsAreaDeps = (): ReviewDeps & ReplyDeps => ({
  reviews: reviewRepository(),
  requests: reviewRequestRepository(),
  quota: reviewRequestQuota(),
  emailQueue: queueSender('ReviewRequestEmails'),
  reviewRequestsPerDay: reviewRequestsPerDay(),
  queue: queueSender('Ingest'),
  keys: reviewTokenKeys(),
  // Cursors are signed with a key derived from the same secret (domain-separated).
  cursorKeys: reviewTokenKeys(),
  clock: systemClock,
  replyQueue: replyQueue(),
  replyCapability,
});
