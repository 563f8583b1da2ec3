import { loadReviewTokenKeys, signReviewToken, type KeyRingSource } from '../../access';
import type { Clock } from '../../shared/clock';
import { PermanentMessageError } from '../domain/review';
import {
  composeReviewRequestEmail,
  EmailRejectedError,
  reviewLink,
  reviewRequestEmailMessage,
  type ReviewRequestEmailMessage,
} from '../domain/review-request-email';
import type { EmailSender, ReviewRequestRepository, SupplierDirectory } from '../ports';

export interface SendReviewRequestEmailDeps {
  readonly requests: ReviewRequestRepository;
  readonly suppliers: SupplierDirectory;
  readonly keys: KeyRingSource;
  readonly sender: EmailSender;
  readonly clock: Clock;
  /** The web app's review page; the link is `<base>#token=wrt_...`. */
  readonly linkBaseUrl: string;
}

export type SendOutcome = 'sent' | 'already-sent' | 'gone' | 'expired' | 'rejected' | 'not-email';

/**
 * E-mail one review request's private link to the couple (the mailer's queue consumer).
 * 1. Parse the queued message (ids only); a malformed one is a PermanentMessageError.
 * 2. Read the request: gone (expired by TTL), not an e-mail request, already sent, or expired:
 *    nothing to send. (SQS delivers at least once: a redelivery after a send finds `sent`.)
 * 3. Sign the link token with claim delivery=email (the only kind that verifies a review).
 * 4. Send it through SES; a permanent rejection marks the request failed, with the reason,
 *    and is not retried; any other failure throws (retried, then the DLQ).
 * 5. Mark the request sent. The token is never stored, queued or logged.
 */
export async function sendReviewRequestEmail(
  body: string,
  deps: SendReviewRequestEmailDeps,
): Promise<SendOutcome> {
  const message = parseMessage(body);
  const { supplierId, requestId } = message;
  const request = await deps.requests.get(supplierId, requestId);
  if (!request) return 'gone';
  if (request.delivery !== 'email' || request.email === undefined) return 'not-email';
  if (request.status === 'sent') return 'already-sent';
  const now = deps.clock.now();
  const expiresAt = new Date(request.expiresAt);
  if (expiresAt.getTime() <= now.getTime()) {
    await deps.requests.markFailed(supplierId, requestId, 'expired-before-sending', now.toISOString());
    return 'expired';
  }

  const token = signReviewToken(
    { supplierId, requestId, expiresAt, delivery: 'email' },
    await loadReviewTokenKeys(deps.keys),
  );
  const supplierName = (await deps.suppliers.supplierName(supplierId)) ?? 'Your wedding supplier';
  const content = composeReviewRequestEmail({
    coupleName: request.coupleName,
    supplierName,
    weddingDate: request.weddingDate,
    link: reviewLink(deps.linkBaseUrl, token),
    expiresAt: request.expiresAt,
  });
  try {
    await deps.sender.send({ to: request.email, ...content, tags: { kind: 'review-request' } });
  } catch (error) {
    if (!(error instanceof EmailRejectedError)) throw error;
    await deps.requests.markFailed(supplierId, requestId, error.reason, deps.clock.now().toISOString());
    return 'rejected';
  }
  await deps.requests.markSent(supplierId, requestId, deps.clock.now().toISOString());
  return 'sent';
}

function parseMessage(body: string): ReviewRequestEmailMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new PermanentMessageError('invalid-json', 'the message is not JSON');
  }
  const parsed = reviewRequestEmailMessage().safeParse(raw);
  if (!parsed.success) throw new PermanentMessageError('invalid-message', parsed.error.message.slice(0, 500));
  return parsed.data;
}
