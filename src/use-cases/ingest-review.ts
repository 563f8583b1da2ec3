import { z } from 'zod';
import { eventsForStoredReview, PermanentMessageError, reviewFromMessage } from '../domain/review';
import { reviewSubmittedMessage } from '../domain/review-schemas';
import type { Clock, EventPublisher, ReviewRepository } from '../ports';

export interface IngestDeps {
  readonly reviews: ReviewRepository;
  readonly events: EventPublisher;
  readonly clock: Clock;
}

/**
 * Store one queued review exactly once and announce it.
 * 1. Parse and validate the message; a malformed one is permanent (the caller parks it).
 * 2. Insert review + audit + summary counters, conditional on a new id.
 * 3. Publish its domain events, also for a duplicate: an earlier attempt may have stored the
 *    review and then failed to publish. Event ids are deterministic, so consumers deduplicate.
 */
export async function ingestReview(body: string, deps: IngestDeps): Promise<'created' | 'duplicate'> {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new PermanentMessageError('invalid-json', 'message body is not JSON');
  }
  const parsed = reviewSubmittedMessage.safeParse(raw);
  if (!parsed.success) {
    throw new PermanentMessageError('invalid-message', z.prettifyError(parsed.error).slice(0, 1000));
  }
  const review = reviewFromMessage(parsed.data);
  const now = deps.clock.now().toISOString();
  const outcome = await deps.reviews.insert(review, now);
  await deps.events.publish(eventsForStoredReview(review, now));
  return outcome;
}
