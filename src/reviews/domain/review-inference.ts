/**
 * Inference for incoming reviews, in process: sentiment from the supplier's A/B variant, then
 * the authenticity signals (verified or not, links/phones/e-mails, near-duplicates among the
 * supplier's recent reviews, bursts from one source, rating-sentiment mismatch). A review whose
 * inference fails or would run past the batch's time budget is marked pending, never dropped.
 */
import {
  assessAuthenticity,
  FLAG_REASON_CODES,
  wordCount,
  type ModelsForSupplier,
  type Observation,
} from '../../models';
import type { Review, ReviewInsights } from './review';

export type { ModelsForSupplier, Observation };

export interface RecentReview {
  readonly id: string;
  readonly text: string;
  /** Epoch milliseconds. */
  readonly submittedAt: number;
  readonly source?: string;
}

export interface InferenceOptions {
  /** Milliseconds the whole call may spend before the remaining reviews are left pending. */
  readonly timeBudgetMs: number;
  readonly clock?: () => number;
}

export const reviewText = (review: Pick<Review, 'title' | 'body'>): string =>
  `${review.title}. ${review.body}`;

const FLAG_REASONS = new Set<string>(FLAG_REASON_CODES);

export function analyseReviews(
  reviews: readonly Review[],
  recent: readonly RecentReview[],
  models: ModelsForSupplier,
  options: InferenceOptions,
): { reviews: Review[]; observations: Observation[] } {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const seen: RecentReview[] = [...recent];
  const observations: Observation[] = [];
  const analysed = reviews.map((review): Review => {
    if (clock() - started > options.timeBudgetMs) return withInsights(review, pending('time-budget'));
    try {
      const { variant, model } =
        models.forReview?.('sentiment', review.reviewId) ??
        models.forSupplier('sentiment', review.supplierId);
      const text = reviewText(review);
      const [prediction] = model.predict([text]);
      if (!prediction) throw new Error('the model returned no prediction');
      const submittedAt = Date.parse(review.reviewedAt);
      const authenticity = assessAuthenticity(
        {
          id: review.reviewId,
          text,
          rating: ratingForModels(review),
          verified: review.verified,
          submittedAt,
          source: review.sourceHash,
        },
        seen,
        prediction,
      );
      seen.push({ id: review.reviewId, text, submittedAt, source: review.sourceHash });
      observations.push({
        reviewId: review.reviewId,
        task: 'sentiment',
        variant,
        model,
        label: prediction.label,
        confidence: prediction.confidence,
        rating: ratingForModels(review),
        ...(prediction.units ? { units: prediction.units } : {}),
        // Bias slices (ADR 0026). No supplier category is recorded anywhere yet: one slice for all.
        slice: { platform: review.platform, supplierCategory: 'unspecified', words: wordCount(text) },
      });
      return withInsights(review, {
        status: 'done',
        sentiment: {
          label: prediction.label,
          confidence: Math.round(prediction.confidence * 10_000) / 10_000,
          modelVersion: prediction.modelVersion,
          variant,
        },
        authenticity: {
          reasons: authenticity.reasons,
          score: authenticity.score,
          duplicateOf: authenticity.duplicateOf,
        },
        flags: authenticity.reasons.filter((reason) => FLAG_REASONS.has(reason)),
      });
    } catch (error) {
      return withInsights(review, pending(`model-error: ${(error as Error).message}`.slice(0, 200)));
    }
  });
  return { reviews: analysed, observations };
}

/**
 * The models compare a rating with the text (mismatch flag, drift by rating). A review without
 * stars is compared by its recommendation: positive as 5, negative as 1 (none at all: neutral 3).
 */
const ratingForModels = (review: Review): number =>
  review.rating ?? (review.recommendation === 'positive' ? 5 : review.recommendation === 'negative' ? 1 : 3);

const pending = (reason: string): ReviewInsights => ({ status: 'pending', pendingReason: reason });
const withInsights = (review: Review, insights: ReviewInsights): Review => ({ ...review, insights });
