import { BIAS_ALARM, biasSlices, sliceGapPoints } from '../../../../src/models/inference/bias-slices';

describe('the bias-slice metric (SliceAgreementGap)', () => {
  it('is the points a slice agrees below the rest, above the alarm threshold exactly when the slice is in ALARM', () => {
    // Google reviews agree 90%, Yelp excerpts 70%: Yelp is 20 points behind the rest.
    const predictions = [
      ...Array.from({ length: 100 }, (_, i) => ({
        label: i < 90 ? 'positive' : 'negative',
        rating: 5,
        platform: 'google',
        supplierCategory: 'unspecified',
        words: 30,
      })),
      ...Array.from({ length: 50 }, (_, i) => ({
        label: i < 35 ? 'positive' : 'negative',
        rating: 5,
        platform: 'yelp',
        supplierCategory: 'unspecified',
        words: 30,
      })),
    ];
    const yelp = biasSlices(predictions).find((r) => r.dimension === 'platform' && r.slice === 'yelp')!;
    expect(sliceGapPoints(yelp)).toBe(20);
    expect(sliceGapPoints(yelp) > BIAS_ALARM.gapPoints).toBe(yelp.state === 'ALARM');
    const google = biasSlices(predictions).find((r) => r.slice === 'google')!;
    expect(sliceGapPoints(google)).toBe(-20);
    expect(google.state).toBe('OK');
  });
});
