import { MODEL_ALARMS } from '../../../../src/models/inference/model-alarms';
import {
  canaryDecision,
  candidateVerdict,
  evaluationScore,
  ROLLOUT_POLICY,
  type ModelEvaluation,
  type VariantWindow,
} from '../../../../src/models/retraining/rollout-policy';

const evaluation = (gold: number, recent: number | null, n = 100): ModelEvaluation => ({
  gold: { n: 162, accuracy: gold, macroF1: gold },
  recent: { n, agreement: recent },
});

describe('candidate verdict', () => {
  it('scores the mean of gold accuracy and recent agreement, gold alone with too few recent reviews', () => {
    expect(evaluationScore(evaluation(0.9, 0.8))).toBeCloseTo(85);
    expect(evaluationScore(evaluation(0.9, 0.5, ROLLOUT_POLICY.minRecentReviews - 1))).toBeCloseTo(90);
    expect(evaluationScore(evaluation(0.9, null))).toBeCloseTo(90);
  });

  it('starts a canary only when the candidate beats the current model by the margin', () => {
    const current = evaluation(0.94, 0.8);
    expect(candidateVerdict(evaluation(0.94, 0.84), current).startCanary).toBe(true);
    const tooSmall = candidateVerdict(evaluation(0.94, 0.81), current);
    expect(tooSmall.startCanary).toBe(false);
    expect(tooSmall.reason).toMatch(/below the margin/);
    // The margin is a setting: a larger one refuses the same candidate.
    expect(
      candidateVerdict(evaluation(0.94, 0.84), current, { ...ROLLOUT_POLICY, promotionMarginPoints: 3 })
        .startCanary,
    ).toBe(false);
  });

  it('never starts a candidate that is worse on the gold set, however well it agrees recently', () => {
    const verdict = candidateVerdict(evaluation(0.9, 1), evaluation(0.94, 0.7));
    expect(verdict.startCanary).toBe(false);
    expect(verdict.reason).toMatch(/worse on the gold set/);
  });
});

describe('canary decision', () => {
  const healthy: VariantWindow = { predictions: 600, driftScore: 0.05, rated: 500, agreement: 0.9 };
  const control: VariantWindow = { predictions: 5000, driftScore: 0.05, rated: 4000, agreement: 0.9 };
  const reference = 0.88;

  it('promotes a canary with enough traffic that keeps up with the control', () => {
    expect(canaryDecision({ canary: healthy, control, referenceAgreement: reference }).action).toBe(
      'promote',
    );
  });

  it('waits while the canary has too few predictions or rated predictions', () => {
    const few = { ...healthy, predictions: ROLLOUT_POLICY.minCanaryPredictions - 1 };
    expect(canaryDecision({ canary: few, control, referenceAgreement: reference }).action).toBe('wait');
    const fewRated = { ...healthy, rated: ROLLOUT_POLICY.minCanaryRated - 1 };
    expect(canaryDecision({ canary: fewRated, control, referenceAgreement: reference }).action).toBe('wait');
  });

  it('rolls back exactly when the drift alarm would fire', () => {
    const at = { ...healthy, predictions: MODEL_ALARMS.minPredictions, driftScore: MODEL_ALARMS.psiAbove };
    expect(canaryDecision({ canary: at, control, referenceAgreement: reference }).action).toBe('wait');
    const above = { ...at, driftScore: MODEL_ALARMS.psiAbove + 0.001 };
    const decision = canaryDecision({ canary: above, control, referenceAgreement: reference });
    expect(decision).toMatchObject({ action: 'rollback' });
    expect(decision.reason).toMatch(/drift alarm/);
    // Below the alarm's minimum volume the drift alarm cannot fire, and neither does the rollback.
    const quiet = { ...above, predictions: MODEL_ALARMS.minPredictions - 1 };
    expect(canaryDecision({ canary: quiet, control, referenceAgreement: reference }).action).toBe('wait');
  });

  it('rolls back exactly when the agreement alarm would fire, before it has enough traffic to promote', () => {
    const limit = reference - MODEL_ALARMS.agreementDropPoints / 100;
    const early = { predictions: 60, driftScore: 0.05, rated: MODEL_ALARMS.minRated };
    expect(
      canaryDecision({
        canary: { ...early, agreement: limit + 0.001 },
        control,
        referenceAgreement: reference,
      }).action,
    ).toBe('wait');
    const decision = canaryDecision({
      canary: { ...early, agreement: limit - 0.01 },
      control,
      referenceAgreement: reference,
    });
    expect(decision.action).toBe('rollback');
    expect(decision.reason).toMatch(/agreement alarm/);
  });

  it('rolls back a canary that trails the control by more than the allowed lag', () => {
    const lagging = {
      ...healthy,
      agreement: control.agreement! - (ROLLOUT_POLICY.maxAgreementLagPoints + 0.5) / 100,
    };
    expect(canaryDecision({ canary: lagging, control, referenceAgreement: 0.5 }).action).toBe('rollback');
    const within = {
      ...healthy,
      agreement: control.agreement! - (ROLLOUT_POLICY.maxAgreementLagPoints - 0.5) / 100,
    };
    expect(canaryDecision({ canary: within, control, referenceAgreement: 0.5 }).action).toBe('promote');
  });
});
