import { randomId } from '../../shared/ids';
import type { CreateReviewRequestBody } from '../domain/review-schemas';
import { signReviewToken } from '../../access';
import type { ReviewRequestRepository } from '../ports';
import type { Clock } from '../../shared/clock';
import type { KeyRingSource } from '../../access';

export const DEFAULT_LINK_DAYS = 30;

/**
 * Create a review request for a couple.
 * 1. Allocate a request id and an expiry.
 * 2. Sign a review-link token bound to supplier + request, with the current key.
 * 3. Store the request (it expires with its link).
 */
export async function createReviewRequest(
  supplierId: string,
  body: CreateReviewRequestBody,
  deps: { requests: ReviewRequestRepository; keys: KeyRingSource; clock: Clock },
) {
  const now = deps.clock.now();
  const requestId = randomId('rrq');
  const expiresAt = new Date(now.getTime() + (body.expiresInDays ?? DEFAULT_LINK_DAYS) * 86_400_000);
  const token = signReviewToken({ supplierId, requestId, expiresAt }, await deps.keys.keyRing());
  await deps.requests.put({
    supplierId,
    requestId,
    coupleName: body.coupleName,
    email: body.email,
    weddingDate: body.weddingDate,
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
  });
  return { requestId, token, expiresAt: expiresAt.toISOString() };
}
