/**
 * When a retrained model may serve, defined once (ADR 0026). Pure: the retraining job asks
 * `candidateVerdict` whether a candidate starts as a canary, the rollout job asks `canaryDecision`
 * whether a running canary is promoted, rolled back or left to gather traffic. Rollback uses the
 * very rules the CloudWatch alarms are built from (model-alarms.ts), so a canary is taken out of
 * service exactly when its alarms would fire.
 */
import { agreementAlarmState, MODEL_ALARMS, psiAlarmState } from '../inference/model-alarms';

/** How often the rollout job runs (the EventBridge rule in the primary region). */
export const MODEL_ROLLOUT_PERIOD_MINUTES = 15;

export const ROLLOUT_POLICY = {
  /** A candidate's score (mean of gold-set accuracy and recent agreement, in points) must beat the current model's by this much. */
  promotionMarginPoints: 1,
  /** ... and it may never be worse than the current model on the frozen gold set by more than this. */
  maxGoldDropPoints: 1,
  /** Fewest held-back rated reviews before recent agreement counts in the score (gold set only below). */
  minRecentReviews: 30,
  /** Share of reviews a canary serves (assigned per review id). */
  canaryShare: 0.1,
  /** Predictions the canary must have made before it can be promoted. */
  minCanaryPredictions: 500,
  /** Rated predictions the canary must have made before it can be promoted (the agreement alarm's minimum). */
  minCanaryRated: MODEL_ALARMS.minRated,
  /** A canary whose agreement trails the control's by more than this (with enough traffic) is rolled back. */
  maxAgreementLagPoints: 2,
} as const;

export type RolloutPolicy = { readonly [K in keyof typeof ROLLOUT_POLICY]: number };

export interface ModelEvaluation {
  /** The frozen gold set (committed, never trained on). */
  readonly gold: { readonly n: number; readonly accuracy: number; readonly macroF1: number };
  /** Held-back weak-labelled recent reviews: agreement with their star ratings. */
  readonly recent: { readonly n: number; readonly agreement: number | null };
}

/** Points in [0, 100]: gold accuracy alone, or its mean with recent agreement when there is enough of it. */
export function evaluationScore(e: ModelEvaluation, policy: RolloutPolicy = ROLLOUT_POLICY): number {
  const gold = e.gold.accuracy * 100;
  if (e.recent.agreement === null || e.recent.n < policy.minRecentReviews) return gold;
  return (gold + e.recent.agreement * 100) / 2;
}

export interface CandidateVerdict {
  readonly startCanary: boolean;
  readonly candidateScore: number;
  readonly currentScore: number;
  readonly reason: string;
}

export function candidateVerdict(
  candidate: ModelEvaluation,
  current: ModelEvaluation,
  policy: RolloutPolicy = ROLLOUT_POLICY,
): CandidateVerdict {
  const candidateScore = round(evaluationScore(candidate, policy));
  const currentScore = round(evaluationScore(current, policy));
  const goldDrop = (current.gold.accuracy - candidate.gold.accuracy) * 100;
  const verdict = (startCanary: boolean, reason: string) => ({
    startCanary,
    candidateScore,
    currentScore,
    reason,
  });
  if (goldDrop > policy.maxGoldDropPoints) {
    return verdict(
      false,
      `worse on the gold set by ${round(goldDrop)} points (at most ${policy.maxGoldDropPoints})`,
    );
  }
  const gain = candidateScore - currentScore;
  if (gain < policy.promotionMarginPoints) {
    return verdict(
      false,
      `score gain ${round(gain)} points is below the margin of ${policy.promotionMarginPoints}`,
    );
  }
  return verdict(true, `score ${candidateScore} beats ${currentScore} by ${round(gain)} points`);
}

/** What the shared statistics say about one variant since the canary started. */
export interface VariantWindow {
  readonly predictions: number;
  /** The worse PSI reading (per sentence for sentiment), as the drift alarm sees it. */
  readonly driftScore: number;
  readonly rated: number;
  /** Agreement with star ratings in [0, 1], null without rated predictions. */
  readonly agreement: number | null;
}

export type CanaryAction = 'promote' | 'rollback' | 'wait';

export interface CanaryDecision {
  readonly action: CanaryAction;
  readonly reason: string;
}

/**
 * 1. Roll back when the canary's drift or agreement alarm would be in ALARM (same rules and
 *    thresholds as CloudWatch; agreement against the reference the control is held to).
 * 2. Wait until it has made enough predictions, rated ones included.
 * 3. Roll back when it trails the control's agreement by more than the allowed lag.
 * 4. Otherwise promote.
 */
export function canaryDecision(
  input: {
    readonly canary: VariantWindow;
    readonly control: VariantWindow;
    readonly referenceAgreement: number | null;
  },
  policy: RolloutPolicy = ROLLOUT_POLICY,
): CanaryDecision {
  const { canary, control, referenceAgreement } = input;
  if (psiAlarmState(canary.driftScore, canary.predictions) === 'ALARM') {
    return {
      action: 'rollback',
      reason: `drift alarm: PSI ${canary.driftScore} above ${MODEL_ALARMS.psiAbove}`,
    };
  }
  if (agreementAlarmState(canary.agreement, canary.rated, referenceAgreement) === 'ALARM') {
    return {
      action: 'rollback',
      reason: `agreement alarm: ${pct(canary.agreement)} is more than ${MODEL_ALARMS.agreementDropPoints} points below ${pct(referenceAgreement)}`,
    };
  }
  if (canary.predictions < policy.minCanaryPredictions || canary.rated < policy.minCanaryRated) {
    return {
      action: 'wait',
      reason: `${canary.predictions}/${policy.minCanaryPredictions} predictions, ${canary.rated}/${policy.minCanaryRated} rated`,
    };
  }
  if (canary.agreement !== null && control.agreement !== null) {
    const lag = (control.agreement - canary.agreement) * 100;
    if (lag > policy.maxAgreementLagPoints) {
      return {
        action: 'rollback',
        reason: `agreement ${pct(canary.agreement)} trails the control's ${pct(control.agreement)} by ${round(lag)} points`,
      };
    }
  }
  return {
    action: 'promote',
    reason: `kept up over ${canary.predictions} predictions (agreement ${pct(canary.agreement)}, control ${pct(control.agreement)}, PSI ${canary.driftScore})`,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
const pct = (x: number | null) => (x === null ? 'n/a' : `${round(x * 100)}%`);
