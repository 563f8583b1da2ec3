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
  /**
   * Sentence-aggregated models (`sentence-mean`): the label and confidence of each sentence, the
   * unit drift is measured on (it does not change with review length). Never part of an API answer.
   */
  readonly units?: readonly Candidate[];
}
