import { BIAS_ALARM, biasSlices, lengthSlice, slicesForReview, type SlicedPrediction } from '#src/models';

/** `n` rated predictions of one platform, `agreeing` of them agreeing with their star rating. */
function batch(platform: string, n: number, agreeing: number, extra: Partial<SlicedPrediction> = {}) {
  return Array.from({ length: n }, (_, i): SlicedPrediction => {
    const rating = i % 2 === 0 ? 5 : 1;
    const expected = rating === 5 ? 'positive' : 'negative';
    const wrong = expected === 'positive' ? 'negative' : 'positive';
    return {
      label: i < agreeing ? expected : wrong,
      rating,
      platform,
      supplierCategory: 'photography',
      words: 40,
      ...extra,
    };
  });
}

describe('bias slices', () => {
  it('raise an alarm for a slice whose agreement falls well behind the rest', () => {
    const reports = biasSlices([
      ...batch('google', 100, 92),
      ...batch('bridebook', 100, 90),
      ...batch('yelp', 60, 42),
    ]);
    const yelp = reports.find((r) => r.dimension === 'platform' && r.slice === 'yelp')!;
    expect(yelp).toMatchObject({
      predictions: 60,
      rated: 60,
      agreement: 0.7,
      restAgreement: 0.91,
      state: 'ALARM',
    });
    expect(reports.find((r) => r.slice === 'google')!.state).toBe('OK');
    expect(slicesForReview(reports).map((r) => `${r.dimension}:${r.slice}`)).toEqual(['platform:yelp']);
  });

  it('stay OK when slices differ by less than the gap, and judge no slice below the minimum volume', () => {
    const reports = biasSlices([
      ...batch('google', 100, 92),
      ...batch('bridebook', 100, 86),
      ...batch('yelp', BIAS_ALARM.minRated - 1, 0),
    ]);
    expect(reports.find((r) => r.slice === 'bridebook')!.state).toBe('OK');
    expect(reports.find((r) => r.slice === 'yelp')!.state).toBe('INSUFFICIENT_DATA');
  });

  it('slice by length, rating and supplier category too, with the label mix of each slice', () => {
    const reports = biasSlices([
      ...batch('google', 80, 76, { words: 8, supplierCategory: 'venue' }),
      ...batch('google', 80, 50, { words: 120, supplierCategory: 'dj' }),
    ]);
    const long = reports.find((r) => r.dimension === 'length' && r.slice === lengthSlice(120))!;
    expect(long.state).toBe('ALARM');
    expect(reports.find((r) => r.dimension === 'supplierCategory' && r.slice === 'dj')!.state).toBe('ALARM');
    const fiveStars = reports.find((r) => r.dimension === 'rating' && r.slice === 'stars:5')!;
    expect(fiveStars.predictions).toBe(80);
    expect(Object.values(fiveStars.labelMix).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('only report: the input predictions are left as they are (no review is removed or hidden)', () => {
    const input = batch('yelp', 60, 10);
    const copy = JSON.parse(JSON.stringify(input));
    biasSlices(input);
    expect(input).toEqual(copy);
  });
});
