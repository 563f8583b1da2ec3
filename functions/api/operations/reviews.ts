/** Review operations: review requests, submissions and imports, reads, summary. */
import { ID_PATTERN } from '../../../src/shared/ids';
import { ProblemError } from '../../../src/shared/problem';
import type {
  CreateReviewRequestBody,
  ListReviewsQuery,
  SubmitReviewBody,
} from '../../../src/reviews/domain/review-schemas';
import type { IngestQueue, ReviewRepository, ReviewRequestRepository } from '../../../src/reviews/ports';
import type { Clock } from '../../../src/shared/clock';
import type { KeyRingSource } from '../../../src/access';
import { header, jsonResponse } from '../../../src/shared/http';
import { createReviewRequest } from '../../../src/reviews/use-cases/review-requests';
import { submitReview } from '../../../src/reviews/use-cases/submit-review';
import { callerOf, supplierOf, type Operations } from '../operation';

export interface ReviewDeps {
  readonly reviews: ReviewRepository;
  readonly requests: ReviewRequestRepository;
  readonly queue: IngestQueue;
  readonly keys: KeyRingSource;
  readonly clock: Clock;
}

export const reviewOperations: Operations<
  'createReviewRequest' | 'submitReview' | 'getReview' | 'listReviews' | 'getReviewSummary',
  ReviewDeps
> = {
  async createReviewRequest({ body: validated, principal }, deps) {
    const supplierId = supplierOf(principal);
    const body = validated as CreateReviewRequestBody;
    return jsonResponse(201, await createReviewRequest(supplierId, body, deps));
  },
  async submitReview({ event, body: validated, principal }, deps) {
    const body = validated as SubmitReviewBody;
    const accepted = await submitReview(
      callerOf(principal),
      body,
      header(event, 'idempotency-key'),
      deps,
      event.requestContext?.identity?.sourceIp ?? undefined,
    );
    return jsonResponse(202, accepted, { location: `/v1/reviews/${accepted.reviewId}` });
  },
  async getReview({ principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    const id = pathParameters.id ?? '';
    // Unknown, malformed and other suppliers' ids all look the same: 404.
    const review = ID_PATTERN.test(id) ? await deps.reviews.get(supplierId, id) : undefined;
    if (!review) throw new ProblemError('not-found', 'no such review');
    return jsonResponse(200, review);
  },
  async listReviews({ query: validated, principal }, deps) {
    const supplierId = supplierOf(principal);
    const query = validated as ListReviewsQuery;
    const page = await deps.reviews.list(supplierId, { ...query, limit: query.limit ?? 25 });
    return jsonResponse(200, page);
  },
  async getReviewSummary({ principal }, deps) {
    return jsonResponse(200, await deps.reviews.summary(supplierOf(principal)));
  },
};
