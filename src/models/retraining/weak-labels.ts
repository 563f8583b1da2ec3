/**
 * Weak labels from stored reviews: the reviewer's own stars say what the text should read as
 * (1-2 negative, 4-5 positive); 3 stars and reviews without stars are left out (ambivalent or
 * unknown). A deterministic share of the labelled reviews (by a hash of the review id) is held
 * back from training to measure recent agreement, so the candidate is never scored on what it
 * learnt from.
 */
import { createHash } from 'node:crypto';
import { expectedSentiment } from '../ml';

export type WeakLabel = 'positive' | 'negative';

/** A stored review as the retraining job reads it. */
export interface StoredReviewSample {
  readonly reviewId: string;
  readonly text: string;
  /** Stars 1-5, null when the platform gives none. */
  readonly rating: number | null;
}

export interface WeakLabelled {
  readonly reviewId: string;
  readonly text: string;
  readonly label: WeakLabel;
}

export interface WeakLabelSplit {
  /** Used for training, beside the original data. */
  readonly train: WeakLabelled[];
  /** Held back: the candidate's and the current model's recent agreement are measured on these. */
  readonly recent: WeakLabelled[];
  /** Reviews without a usable rating (3 stars, none) or without text. */
  readonly leftOut: number;
}

export function weakLabel(rating: number | null | undefined): WeakLabel | null {
  if (rating === null || rating === undefined || !Number.isInteger(rating)) return null;
  return expectedSentiment(rating);
}

/** In [0, 1): the same review id always lands in the same place, whatever the order read. */
export function holdoutPosition(reviewId: string): number {
  return createHash('sha256').update(`holdout:${reviewId}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Labels the reviews and splits them; the output is sorted by review id, so the same stored
 * reviews give the same training rows whatever order the store returned them in.
 */
export function splitWeakLabels(
  reviews: readonly StoredReviewSample[],
  holdoutShare: number,
): WeakLabelSplit {
  const train: WeakLabelled[] = [];
  const recent: WeakLabelled[] = [];
  let leftOut = 0;
  const sorted = [...reviews].sort((a, b) =>
    a.reviewId < b.reviewId ? -1 : a.reviewId > b.reviewId ? 1 : 0,
  );
  for (const review of sorted) {
    const label = weakLabel(review.rating);
    const text = review.text.trim();
    if (label === null || text.length === 0) {
      leftOut++;
      continue;
    }
    const row = { reviewId: review.reviewId, text, label };
    (holdoutPosition(review.reviewId) < holdoutShare ? recent : train).push(row);
  }
  return { train, recent, leftOut };
}
