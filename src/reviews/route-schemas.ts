/**
 * The request schemas of the review routes: a second public face of the capability, beside
 * index.ts, for the route table's `reviews` area (src/catalog/route-requests/reviews.ts). It imports
 * only the schema module, so the area's function does not bundle everything index.ts re-exports.
 */
import { createReviewRequestBody, listReviewsQuery, submitReviewBody } from './domain/review-schemas';

export const reviewRoutesSchemas = { createReviewRequestBody, submitReviewBody, listReviewsQuery } as const;
