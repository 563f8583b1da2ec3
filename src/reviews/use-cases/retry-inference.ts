import * as z from '../../shared/zod';
import { flaggedEvent, PermanentMessageError, type Review } from '../domain/review';
import { analyseReviews, type ModelsForSupplier, type Observation } from '../domain/review-inference';
import type { ReviewRepository } from '../ports';
import type { Clock } from '../../shared/clock';
import type { EventPublisher } from '../../events';
import type { ModelStatsStore } from '../../models';
import { recordObservations } from '../../models';

const retryMessage = z.strictObject({
  supplierId: z.string().check(z.minLength(1)),
  reviewId: z.string().check(z.minLength(1)),
  /** Carried for the logs (the review item has it too). */
  correlationId: z.optional(z.string().check(z.maxLength(128))),
});

export interface RetryInferenceDeps {
  readonly reviews: ReviewRepository;
  readonly events: EventPublisher;
  readonly models: ModelsForSupplier;
  readonly modelStats: ModelStatsStore;
  readonly clock: Clock;
  readonly recentWindow: number;
  readonly inferenceBudgetMs: number;
  readonly onObservations?: (observations: readonly Observation[]) => void;
}

/**
 * Finish the inference of one review stored with inference pending.
 * 1. Load the review; a review that is gone or already done needs nothing.
 * 2. Run the models as at ingestion (against the supplier's recent reviews).
 * 3. Still failing: throw, so SQS retries it (and after maxReceiveCount it is in the DLQ).
 * 4. Store the insights (conditional on still pending), count the prediction, and announce
 *    review.flagged when the models found reasons.
 */
export async function retryInference(
  body: string,
  deps: RetryInferenceDeps,
): Promise<'completed' | 'not-needed'> {
  const parsed = retryMessage.safeParse(
    (() => {
      try {
        return JSON.parse(body) as unknown;
      } catch {
        return undefined;
      }
    })(),
  );
  if (!parsed.success) throw new PermanentMessageError('invalid-message', 'not an inference retry message');
  const { supplierId, reviewId } = parsed.data;
  const stored = await deps.reviews.get(supplierId, reviewId);
  if (!stored || stored.insights?.status !== 'pending') return 'not-needed';
  const recent = (await deps.reviews.recent(supplierId, deps.recentWindow)).filter((r) => r.id !== reviewId);
  const { reviews, observations } = analyseReviews([stored as Review], recent, deps.models, {
    timeBudgetMs: deps.inferenceBudgetMs,
  });
  const review = reviews[0]!;
  if (review.insights?.status !== 'done')
    throw new Error(`inference still failing: ${review.insights?.pendingReason}`);
  // Conditional on the version read: insights of replaced text never land on an edit.
  if (!(await deps.reviews.completeInference(supplierId, reviewId, review.insights, stored.version ?? 1))) {
    return 'not-needed';
  }
  deps.onObservations?.(observations);
  await recordObservations(observations, deps.modelStats, deps.clock.now());
  const flagged = flaggedEvent(review, deps.clock.now().toISOString());
  if (flagged) await deps.events.publish([flagged]);
  return 'completed';
}
