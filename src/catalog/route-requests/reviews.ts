/** The request schemas (body, query, raw body) of the `reviews` area's routes, for its function and the route table. */
import { reviewRoutesSchemas } from '../../reviews/route-schemas';
import { replyBody } from '../../platforms/route-schemas';
import type { AreaRequests } from '../route-table';

export const REVIEWS_REQUESTS = {
  createReviewRequest: {
    body: reviewRoutesSchemas.createReviewRequestBody,
  },
  submitReview: {
    body: reviewRoutesSchemas.submitReviewBody,
  },
  listReviews: {
    query: reviewRoutesSchemas.listReviewsQuery,
  },
  replyToReview: {
    body: replyBody,
  },
} as const satisfies AreaRequests;
