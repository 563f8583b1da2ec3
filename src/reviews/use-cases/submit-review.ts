import { createHash } from 'node:crypto';
import { ProblemError } from '../../shared/problem';
import { reviewIdFor } from '../domain/review-ids';
import { loadReviewTokenKeys, ReviewTokenError, verifyReviewToken } from '../../access';
import type { SubmitReviewBody } from '../domain/review-schemas';
import { LIMITS, type ReviewOrigin, type ReviewSubmittedMessage } from '../domain/review-message-schemas';
import type { IngestQueue } from '../ports';
import type { Clock } from '../../shared/clock';
import { correlationAttributes, withCorrelationId } from '../../shared/correlation';
import type { KeyRingSource } from '../../access';
import type { Principal } from '../../access';
import { verifyWithOneRefetch } from '../../shared/refetch-once';

export interface SubmitReviewDeps {
  readonly queue: IngestQueue;
  readonly keys: KeyRingSource;
  readonly clock: Clock;
}

/**
 * Accept a review for asynchronous storage.
 * 1. Work out the tenant and the natural key: a couple's token names supplier and request;
 *    a supplier import is keyed by platform + externalId, or else by its Idempotency-Key.
 * 2. Derive the review id from that key (retries converge on one review).
 * 3. Put the message on the ingest queue; only then answer (the caller gets 202 + id).
 * No database is touched on this path.
 */
export async function submitReview(
  principal: Principal,
  body: SubmitReviewBody,
  idempotencyKey: string | undefined,
  deps: SubmitReviewDeps,
  sourceIp?: string,
  correlationId?: string,
): Promise<{ reviewId: string; status: 'accepted' }> {
  const now = deps.clock.now();
  const { supplierId, origin, actor } = await resolveOrigin(principal, body, idempotencyKey, now, deps.keys);
  const reviewId = reviewIdFor(supplierId, origin);
  const message: ReviewSubmittedMessage = {
    type: 'review.submitted',
    version: 1,
    supplierId,
    reviewId,
    origin,
    actor,
    // An opaque hash of the sender's address: enough to see a burst from one source, no raw IPs stored.
    ...(sourceIp
      ? { sourceHash: createHash('sha256').update(`wedsync-source:${sourceIp}`).digest('hex').slice(0, 32) }
      : {}),
    ...withCorrelationId(correlationId),
    receivedAt: now.toISOString(),
    review: {
      rating: body.rating,
      title: body.title,
      body: body.body,
      reviewerName: body.reviewerName,
      platform: origin.kind === 'external' ? origin.platform : 'wedsync',
      submittedAt: body.submittedAt ?? now.toISOString(),
      // A resend without submittedAt must not look like an edit of the date (review-versions.ts).
      ...(body.submittedAt === undefined ? { submittedAtDefaulted: true as const } : {}),
    },
  };
  await deps.queue.send(JSON.stringify(message), {
    type: message.type,
    supplierId,
    ...correlationAttributes(correlationId),
  });
  return { reviewId, status: 'accepted' };
}

async function resolveOrigin(
  principal: Principal,
  body: SubmitReviewBody,
  idempotencyKey: string | undefined,
  now: Date,
  keys: KeyRingSource,
): Promise<{ supplierId: string; origin: ReviewOrigin; actor: ReviewSubmittedMessage['actor'] }> {
  if (principal.kind === 'review-token') {
    if (body.platform !== undefined || body.externalId !== undefined) {
      throw new ProblemError('validation-error', 'platform and externalId are for supplier imports', [
        { path: 'platform', message: 'not allowed with a review token' },
      ]);
    }
    const claims = await verifyWithRefresh(principal.token, keys, now);
    return {
      supplierId: claims.supplierId,
      // Only the e-mailed link verifies a review; the delivery is a signed claim (ADR 0010).
      origin: {
        kind: claims.delivery === 'email' ? 'review-request' : 'review-link',
        requestId: claims.requestId,
      },
      actor: { kind: 'couple', id: claims.requestId },
    };
  }
  if (principal.kind !== 'supplier')
    throw new ProblemError('forbidden', 'only suppliers and couples submit reviews');
  const actor = { kind: 'supplier' as const, id: principal.keyId };
  if (body.platform !== undefined && body.externalId !== undefined) {
    return {
      supplierId: principal.supplierId,
      origin: { kind: 'external', platform: body.platform, externalId: body.externalId },
      actor,
    };
  }
  if (idempotencyKey === undefined) {
    throw new ProblemError(
      'validation-error',
      'an imported review needs platform + externalId, or an Idempotency-Key header',
      [{ path: 'externalId', message: 'required unless an Idempotency-Key header is sent' }],
    );
  }
  if (idempotencyKey.length > LIMITS.idempotencyKey || !/^[\x21-\x7e]+$/.test(idempotencyKey)) {
    throw new ProblemError(
      'bad-request',
      `Idempotency-Key must be 1-${LIMITS.idempotencyKey} visible ASCII characters`,
    );
  }
  return {
    supplierId: principal.supplierId,
    origin: { kind: 'idempotency-key', key: idempotencyKey },
    actor,
  };
}

/**
 * A bad signature or an unknown key may only mean our cached keys predate a rotation: refetch
 * once (never more), then fail cleanly.
 */
async function verifyWithRefresh(token: string, keys: KeyRingSource, now: Date) {
  try {
    return await verifyWithOneRefetch(
      (options) => loadReviewTokenKeys(keys, options),
      (ring) => verifyReviewToken(token, ring, now),
      (outcome) =>
        !outcome.ok &&
        outcome.error instanceof ReviewTokenError &&
        (outcome.error.reason === 'bad-signature' || outcome.error.reason === 'unknown-key'),
    );
  } catch (error) {
    throw tokenProblem(error);
  }
}

function tokenProblem(error: unknown): unknown {
  if (!(error instanceof ReviewTokenError)) return error;
  const detail = error.reason === 'expired' ? 'the review link has expired' : 'the review link is not valid';
  return new ProblemError('unauthorized', detail);
}
