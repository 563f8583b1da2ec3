/** What inference needs (a model per supplier and task) and what it reports (one observation). */
import type { Model, Task } from '../ml';

export interface ModelsForSupplier {
  forSupplier(task: Task, supplierId: string): { variant: string; model: Model };
  /**
   * The variant for one review, assigned by its id (a canary then sees a random sample of the
   * traffic, and a retried review gets the same variant again). Engines without it assign per supplier.
   */
  forReview?(task: Task, reviewId: string): { variant: string; model: Model };
}

/** One prediction, for the drift and agreement statistics. */
export interface Observation {
  readonly reviewId: string;
  readonly task: Task;
  readonly variant: string;
  readonly model: Model;
  readonly label: string;
  readonly confidence: number;
  /** The review's star rating, for sentiment (agreement with the rating). */
  readonly rating?: number;
  /** Per-sentence labels and confidences (sentence-aggregated models): the unit of drift. */
  readonly units?: readonly { readonly label: string; readonly confidence: number }[];
  /** What the bias slices group by (reviews only; src/models/inference/bias-slices.ts). */
  readonly slice?: {
    readonly platform: string;
    readonly supplierCategory: string;
    readonly words: number;
  };
}
