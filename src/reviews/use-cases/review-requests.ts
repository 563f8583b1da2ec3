import { ID_PATTERN, randomId } from '../../shared/ids';
import { ProblemError } from '../../shared/problem';
import type { CreateReviewRequestBody } from '../domain/review-schemas';
import { loadReviewTokenKeys, signReviewToken } from '../../access';
import { RecipientErasedError } from '../ports';
import type {
  DailyQuota,
  ReviewRequestEmailQueue,
  ReviewRequestRecord,
  ReviewRequestRepository,
} from '../ports';
import type { Clock } from '../../shared/clock';
import type { KeyRingSource } from '../../access';
import type { ReviewRequestEmailMessage } from '../domain/review-request-email';

export const DEFAULT_LINK_DAYS = 30;
export const DEFAULT_REVIEW_REQUESTS_PER_DAY = 200;
const DAY_MS = 86_400_000;

export interface CreateReviewRequestDeps {
  readonly requests: ReviewRequestRepository;
  readonly quota: DailyQuota;
  readonly emailQueue: ReviewRequestEmailQueue;
  readonly keys: KeyRingSource;
  readonly clock: Clock;
  /** Review requests a supplier may create per UTC day. */
  readonly reviewRequestsPerDay: number;
}

export type CreatedReviewRequest =
  | {
      readonly requestId: string;
      readonly delivery: 'email';
      readonly status: 'queued';
      readonly expiresAt: string;
    }
  | {
      readonly requestId: string;
      readonly delivery: 'link';
      readonly status: 'issued';
      readonly expiresAt: string;
      /** The shareable link's token: reviews made with it are not verified. */
      readonly token: string;
    };

/** Seconds from `now` until the next 00:00 UTC, when the daily allowance resets (at least 1). */
export function secondsUntilUtcMidnight(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS;
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/**
 * Create a review request.
 * 1. Take one unit of the supplier's daily allowance (atomic in DynamoDB); past the limit, 429
 *    with Retry-After until 00:00 UTC, and nothing is stored or sent.
 * 2. Allocate a request id and an expiry; store the request (it expires with its link).
 * 3. `email` delivery (the default): queue the request id for the mailer, which signs the link
 *    and e-mails it to the couple. The supplier's answer never holds that token.
 *    `link` delivery: sign a shareable link token (claim delivery=link: never verified) and
 *    return it to the supplier.
 */
export async function createReviewRequest(
  supplierId: string,
  body: CreateReviewRequestBody,
  deps: CreateReviewRequestDeps,
): Promise<CreatedReviewRequest> {
  const now = deps.clock.now();
  const limit = deps.reviewRequestsPerDay;
  if (!(await deps.quota.take(supplierId, now, limit))) {
    const retryAfter = secondsUntilUtcMidnight(now);
    throw new ProblemError(
      'rate-limited',
      `at most ${limit} review requests per supplier per day; the allowance resets at 00:00 UTC, in ${retryAfter} s`,
      undefined,
      { 'retry-after': String(retryAfter) },
    );
  }
  const delivery = body.delivery ?? 'email';
  const requestId = randomId('rrq');
  const expiresAt = new Date(now.getTime() + (body.expiresInDays ?? DEFAULT_LINK_DAYS) * DAY_MS);
  const record: ReviewRequestRecord = {
    supplierId,
    requestId,
    coupleName: body.coupleName,
    ...(body.email !== undefined ? { email: body.email } : {}),
    weddingDate: body.weddingDate,
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    delivery,
    status: delivery === 'email' ? 'queued' : 'issued',
  };

  if (delivery === 'link') {
    const token = signReviewToken(
      { supplierId, requestId, expiresAt, delivery: 'link' },
      await loadReviewTokenKeys(deps.keys),
    );
    await putRequest(deps.requests, record);
    return { requestId, delivery, status: 'issued', expiresAt: record.expiresAt, token };
  }

  await putRequest(deps.requests, record);
  const message: ReviewRequestEmailMessage = {
    type: 'review-request.email',
    version: 1,
    supplierId,
    requestId,
  };
  try {
    await deps.emailQueue.send(JSON.stringify(message), { type: message.type, supplierId });
  } catch (error) {
    // Not queued: say so on the request (best effort), and let the caller retry (503).
    await deps.requests
      .markFailed(supplierId, requestId, 'not-queued', deps.clock.now().toISOString())
      .catch(() => undefined);
    throw error;
  }
  return { requestId, delivery, status: 'queued', expiresAt: record.expiresAt };
}

/** Stores the request; an address erased at its owner's request is a 409 (src/privacy). */
async function putRequest(requests: ReviewRequestRepository, record: ReviewRequestRecord): Promise<void> {
  try {
    await requests.put(record);
  } catch (error) {
    if (error instanceof RecipientErasedError) {
      throw new ProblemError(
        'conflict',
        'the recipient asked for their data to be erased: no review request can be sent to this address',
      );
    }
    throw error;
  }
}

/** What the supplier may read about one of its review requests (never a token). */
export async function getReviewRequest(
  supplierId: string,
  requestId: string,
  deps: { readonly requests: ReviewRequestRepository },
): Promise<ReviewRequestRecord> {
  const record =
    ID_PATTERN.test(requestId) && requestId.startsWith('rrq_')
      ? await deps.requests.get(supplierId, requestId)
      : undefined;
  if (!record) throw new ProblemError('not-found', 'no such review request');
  return record;
}
