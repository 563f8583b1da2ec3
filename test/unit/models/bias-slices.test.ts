import {
  BIAS_ALARM,
  biasSlices,
  expectedSentiment,
  lengthSlice,
  slicesForReview,
  type SlicedPrediction,
} from '#src/models';

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

/** Each slice's agreement and the rest's, counted the plain way: filter, then count (the reference). */
function plainAgreement(ps: readonly SlicedPrediction[]): { rated: number; rate: number | null } {
  const rated = ps.filter((p) => expectedSentiment(p.rating) !== null);
  const agreed = rated.filter((p) => p.label === expectedSentiment(p.rating)).length;
  return { rated: rated.length, rate: rated.length === 0 ? null : agreed / rated.length };
}

describe('bias slices, counted in one pass', () => {
  it('report what filtering the window for each slice and for its rest reports', () => {
    const sliceOf: Record<string, (p: SlicedPrediction) => string> = {
      platform: (p) => p.platform,
      length: (p) => lengthSlice(p.words),
      rating: (p) => (p.rating === undefined ? 'stars:none' : `stars:${p.rating}`),
      supplierCategory: (p) => p.supplierCategory,
    };
    let seed = 11;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 20; round += 1) {
      const window = Array.from({ length: 50 + next(1000) }, (): SlicedPrediction => ({
        label: ['positive', 'negative', 'neutral'][next(3)]!,
        ...(next(10) > 0 ? { rating: 1 + next(5) } : {}),
        platform: ['google', 'yelp', 'facebook'][next(3)]!,
        supplierCategory: ['venue', 'florist'][next(2)]!,
        words: next(90),
      }));
      for (const report of biasSlices(window)) {
        const inSlice = (p: SlicedPrediction) => sliceOf[report.dimension]!(p) === report.slice;
        const own = plainAgreement(window.filter(inSlice));
        const rest = plainAgreement(window.filter((p) => !inSlice(p)));
        expect(report.predictions).toBe(window.filter(inSlice).length);
        expect(report.rated).toBe(own.rated);
        expect(report.agreement).toBe(own.rate === null ? null : Math.round(own.rate * 10_000) / 10_000);
        expect(report.restAgreement).toBe(
          rest.rate === null ? null : Math.round(rest.rate * 10_000) / 10_000,
        );
      }
    }
  });
});
