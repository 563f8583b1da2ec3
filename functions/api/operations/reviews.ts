/** Review operations: review requests, submissions and imports, reads, summary. */
import { cursorScope, decodeCursor, encodeCursor, type CursorKeySource } from '../../../src/shared/cursor';
import { ID_PATTERN } from '../../../src/shared/ids';
import { ProblemError } from '../../../src/shared/problem';
import type {
  CreateReviewRequestBody,
  ListReviewsQuery,
  SubmitReviewBody,
} from '../../../src/reviews/domain/review-schemas';
import type {
  DailyQuota,
  IngestQueue,
  ReviewRepository,
  ReviewRequestEmailQueue,
  ReviewRequestRepository,
} from '../../../src/reviews/ports';
import type { Clock } from '../../../src/shared/clock';
import type { KeyRingSource } from '../../../src/access';
import { header, jsonResponse } from '../../../src/shared/http';
import { correlationIdOfRequest } from '../../../src/shared/correlation';
import { createReviewRequest, getReviewRequest } from '../../../src/reviews/use-cases/review-requests';
import { submitReview } from '../../../src/reviews/use-cases/submit-review';
import { callerOf, supplierOf, type Operations } from '../operation';

export interface ReviewDeps {
  readonly reviews: ReviewRepository;
  readonly requests: ReviewRequestRepository;
  readonly quota: DailyQuota;
  readonly emailQueue: ReviewRequestEmailQueue;
  /** Review requests a supplier may create per UTC day. */
  readonly reviewRequestsPerDay: number;
  readonly queue: IngestQueue;
  readonly keys: KeyRingSource;
  readonly clock: Clock;
  /** Signs and checks list cursors (the review-token key ring; see src/shared/cursor.ts). */
  readonly cursorKeys: CursorKeySource;
}

export const reviewOperations: Operations<
  | 'createReviewRequest'
  | 'getReviewRequest'
  | 'submitReview'
  | 'getReview'
  | 'listReviews'
  | 'getReviewSummary',
  ReviewDeps
> = {
  async createReviewRequest({ body: validated, principal }, deps) {
    const supplierId = supplierOf(principal);
    const body = validated as CreateReviewRequestBody;
    const created = await createReviewRequest(supplierId, body, deps);
    // E-mail: accepted, the mailer sends it (202); shareable link: created and returned (201).
    return jsonResponse(created.delivery === 'email' ? 202 : 201, created, {
      location: `/v1/review-requests/${created.requestId}`,
    });
  },
  async getReviewRequest({ principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    return jsonResponse(200, await getReviewRequest(supplierId, pathParameters.id ?? '', deps));
  },
  async submitReview({ event, body: validated, principal }, deps) {
    const body = validated as SubmitReviewBody;
    const accepted = await submitReview(
      callerOf(principal),
      body,
      header(event, 'idempotency-key'),
      deps,
      event.requestContext?.identity?.sourceIp ?? undefined,
      correlationIdOfRequest(event),
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
    const { cursor, limit, ...filters } = validated as ListReviewsQuery;
    // A cursor is valid only for the supplier and the filters it was issued for.
    const scope = cursorScope({ list: 'reviews', supplierId, ...filters });
    const ring = await deps.cursorKeys.keyRing();
    const startKey = cursor === undefined ? undefined : decodeCursor(cursor, scope, ring);
    const page = await deps.reviews.list(supplierId, {
      ...filters,
      limit: limit ?? 25,
      ...(startKey ? { startKey } : {}),
    });
    return jsonResponse(200, {
      items: page.items,
      ...(page.next ? { nextCursor: encodeCursor(page.next, scope, ring) } : {}),
    });
  },
  async getReviewSummary({ principal }, deps) {
    return jsonResponse(200, await deps.reviews.summary(supplierOf(principal)));
  },
};
