/** Shapes returned by every model. */

export interface Candidate {
  readonly label: string;
  readonly confidence: number;
}

export interface Prediction {
  readonly label: string;
  /** Probability of `label` (for an abstention: the top candidate's probability, below the threshold). */
  readonly confidence: number;
  /** `<task>@<version>`, e.g. `sentiment@1.0.0`. */
  readonly modelVersion: string;
  /** Present when the model abstained (`label` is the fallback): the three most likely labels. */
  readonly candidates?: readonly Candidate[];
}
