/**
 * The request schemas (body, query, raw body) of the `reviews` area's routes, for its function and
 * the route table. Each route's are built the first time they are read (ADR 0022, twelfth round).
 */
import { reviewRoutesSchemas } from '../../reviews/route-schemas';
import { replyBody } from '../../platforms/route-schemas';
import { lazyRecord } from '../../shared/lazy';
import type { AreaRequests } from '../route-table';

export const REVIEWS_REQUESTS = /* @__PURE__ */ lazyRecord({
  createReviewRequest: () => ({
    body: reviewRoutesSchemas.createReviewRequestBody(),
  }),
  submitReview: () => ({
    body: reviewRoutesSchemas.submitReviewBody(),
  }),
  listReviews: () => ({
    query: reviewRoutesSchemas.listReviewsQuery(),
  }),
  replyToReview: () => ({
    body: replyBody(),
  }),
}) satisfies AreaRequests;
