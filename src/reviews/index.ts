/** The reviews capability's public face: the review model, its schemas, ports and use cases. */
import { lazyRecord } from '../shared/lazy';
import {
  reviewAcceptedResponse,
  reviewPageResponse,
  reviewRequestCreatedResponse,
  reviewRequestQueuedResponse,
  reviewRequestResponse,
  reviewResponse,
  reviewSummaryResponse,
} from './domain/review-responses';

export * from './domain/review';
export * from './domain/review-schemas';
export * from './domain/review-responses';
export * from './domain/review-ids';
export * from './domain/review-replies';
export * from './domain/summary';
export * from './domain/review-inference';
export * from './domain/review-kpis';
export * from './domain/review-listing-keys';
export type * from './ports';
export * from './use-cases/ingest-batch';
export * from './use-cases/retry-inference';
export * from './use-cases/review-requests';
export * from './use-cases/route-queued-message';
export * from './use-cases/submit-review';
// Two regions (issue 11)
export * from './use-cases/reconcile-replicated-reviews';

/** The request schemas of the review routes, for the route table. */
export { reviewRoutesSchemas } from './route-schemas';

/** The response schemas of the review routes (each with an id and an example), for the route table. */
export const reviewRoutesResponses = /* @__PURE__ */ lazyRecord({
  reviewRequestQueued: reviewRequestQueuedResponse,
  reviewRequestCreated: reviewRequestCreatedResponse,
  reviewRequest: reviewRequestResponse,
  reviewAccepted: reviewAcceptedResponse,
  review: reviewResponse,
  reviewPage: reviewPageResponse,
  reviewSummary: reviewSummaryResponse,
});
