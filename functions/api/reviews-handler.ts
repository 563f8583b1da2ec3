/**
 * Lambda entry of the API's `reviews` area (the `ApiReviews` function): review requests, reviews
 * in and out, the summary, replies. It bundles its own operations, request schemas and adapters
 * only; every other route is another function's (src/catalog/functions.ts `apiAreas`).
 */
import { systemClock } from '../../src/shared/clock';
import { REVIEWS_REQUESTS } from '../../src/catalog/route-requests/reviews';
import {
  idempotencyStore,
  once,
  queueSender,
  replyCapability,
  replyQueue,
  reviewRepository,
  reviewRequestQuota,
  reviewRequestRepository,
  reviewRequestsPerDay,
  reviewTokenKeys,
} from '../../src/wiring';
import { areaApp, type AreaAppDeps } from './area-app';
import { apiHandlers, onUnexpectedError } from './lambda';
import { replyOperations, type ReplyDeps } from './operations/replies';
import { reviewOperations, type ReviewDeps } from './operations/reviews';

type ReviewsAreaDeps = ReviewDeps & ReplyDeps & AreaAppDeps;

const deps = once((): ReviewsAreaDeps => ({
  idempotency: idempotencyStore(),
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
  onUnexpectedError,
}));

const app = areaApp<ReviewsAreaDeps>({ ...reviewOperations, ...replyOperations }, REVIEWS_REQUESTS);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
