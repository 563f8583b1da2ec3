import { agreementAlarmState, MODEL_ALARMS, psiAlarmState } from '../../../src/models/inference/model-alarms';
import { countersFor, sumCounters, summarise } from '../../../src/models/inference/window-stats';
import type { ReferenceDistribution } from '../../../src/models/ml';

const reference: ReferenceDistribution = {
  labels: { negative: 0.5, positive: 0.5 },
  confidenceEdges: [0, 0.5, 0.75, 1],
  confidence: [0, 0.5, 0.5],
  source: 'test',
  count: 100,
};

const obs = (label: string, confidence: number, rating?: number) => ({ label, confidence, rating });

describe('prediction counters', () => {
  it('count labels, confidence bins and agreement with star ratings', () => {
    const counters = countersFor(
      [obs('positive', 0.6, 5), obs('negative', 0.9, 5), obs('negative', 0.8, 1), obs('positive', 0.7, 3)],
      reference.confidenceEdges,
    );
    expect(counters).toEqual({
      n: 4,
      confSum: expect.closeTo(3.0, 6),
      'label:positive': 2,
      'label:negative': 2,
      'hist:1': 2,
      'hist:2': 2,
      rated: 3,
      agreed: 2,
    });
  });

  it('add up across instances and hours into the same summary as one pass', () => {
    const all = [
      obs('positive', 0.6, 5),
      obs('negative', 0.9, 1),
      obs('negative', 0.8, 5),
      obs('positive', 0.95, 4),
    ];
    const together = summarise(countersFor(all, reference.confidenceEdges), reference);
    const apart = summarise(
      sumCounters([
        countersFor(all.slice(0, 1), reference.confidenceEdges),
        countersFor(all.slice(1), reference.confidenceEdges),
      ]),
      reference,
    );
    expect(apart).toEqual(together);
    expect(together).toMatchObject({
      predictions: 4,
      labelDistribution: { negative: 0.5, positive: 0.5 },
      labelPsi: 0,
      ratingAgreement: { rated: 4, rate: 0.75 },
    });
  });

  it('report drift when the label mix moves away from the reference', () => {
    const skewed = Array.from({ length: 100 }, (_, i) => obs(i < 90 ? 'negative' : 'positive', 0.8));
    const summary = summarise(countersFor(skewed, reference.confidenceEdges), reference);
    expect(summary.labelPsi).toBeGreaterThan(MODEL_ALARMS.psiAbove);
    expect(summary.driftScore).toBe(Math.max(summary.labelPsi, summary.confidencePsi));
  });

  it('summarise an empty window without inventing numbers', () => {
    expect(summarise({}, reference)).toMatchObject({
      predictions: 0,
      meanConfidence: null,
      driftScore: 0,
      ratingAgreement: { rated: 0, rate: null },
    });
  });
});

describe('alarm states (the rules the CloudWatch alarms use)', () => {
  it('judge drift only with enough predictions', () => {
    expect(psiAlarmState(0.5, MODEL_ALARMS.minPredictions - 1)).toBe('INSUFFICIENT_DATA');
    expect(psiAlarmState(0.2, 500)).toBe('OK');
    expect(psiAlarmState(0.21, 500)).toBe('ALARM');
  });

  it('alarm when agreement is more than five points below the reference', () => {
    expect(agreementAlarmState(0.78, 100, 0.82)).toBe('OK');
    expect(agreementAlarmState(0.76, 100, 0.82)).toBe('ALARM');
    expect(agreementAlarmState(0.1, 10, 0.82)).toBe('INSUFFICIENT_DATA');
    expect(agreementAlarmState(0.5, 100, null)).toBe('INSUFFICIENT_DATA');
  });
});
