/**
 * Model-health thresholds, defined once: the CDK stack builds CloudWatch alarms from them and
 * the ops endpoint evaluates the same rules on the stored prediction window, so the local mode
 * shows the state an alarm would be in.
 */
export const MODEL_ALARMS = {
  /** Population stability index of labels or confidences above this: significant drift. */
  psiAbove: 0.2,
  /** Live agreement with star ratings more than this many points below the reference. */
  agreementDropPoints: 5,
  /** Fewest predictions in the window before drift is judged at all. */
  minPredictions: 100,
  /** Fewest rated (1-2 or 4-5 star) predictions before agreement is judged. */
  minRated: 50,
} as const;

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export function psiAlarmState(psi: number, predictions: number): AlarmState {
  if (predictions < MODEL_ALARMS.minPredictions) return 'INSUFFICIENT_DATA';
  return psi > MODEL_ALARMS.psiAbove ? 'ALARM' : 'OK';
}

export function agreementAlarmState(
  rate: number | null,
  rated: number,
  reference: number | null,
): AlarmState {
  if (rate === null || reference === null || rated < MODEL_ALARMS.minRated) return 'INSUFFICIENT_DATA';
  return (reference - rate) * 100 > MODEL_ALARMS.agreementDropPoints ? 'ALARM' : 'OK';
}
