/**
 * Lambda entry of the API's `reviews` area (the `ApiReviews` function): review requests, reviews
 * in and out, the summary, replies. It bundles its own operations, request schemas and adapters
 * only; every other route is another function's (src/catalog/functions.ts `apiAreas`).
 */
import { REVIEWS_REQUESTS } from '../../src/catalog/route-requests/reviews';
import { idempotencyStore, once } from '../../src/wiring';
import { areaApp, type AreaAppDeps } from './area-app';
import { apiHandlers, onUnexpectedError } from './lambda';
import { replyOperations, type ReplyDeps } from './operations/replies';
import { reviewOperations, type ReviewDeps } from './operations/reviews';
import { reviewsAreaDeps } from './reviews-deps';

type ReviewsAreaDeps = ReviewDeps & ReplyDeps & AreaAppDeps;

const deps = once((): ReviewsAreaDeps => ({
  ...reviewsAreaDeps(),
  idempotency: idempotencyStore(),
  onUnexpectedError,
}));

const app = areaApp<ReviewsAreaDeps>({ ...reviewOperations, ...replyOperations }, REVIEWS_REQUESTS);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
