import {
  assessAuthenticity,
  cachedShingleIds,
  cachedShingles,
  combineReasons,
  containsEmail,
  containsLink,
  containsPhoneNumber,
  estimateJaccard,
  jaccard,
  minHashSignature,
  nearDuplicates,
  ratingSentimentMismatch,
  sameSourceCount,
  SHINGLE_CACHE_SIZE,
  shingleCacheSize,
  shingles,
  sortedJaccard,
  type ReviewUnderCheck,
} from '#src/models/ml/authenticity';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 14, 12);

const base: ReviewUnderCheck = {
  id: 'r1',
  text: 'Lovely florist, the bouquet was exactly what we wanted and arrived on time.',
  rating: 5,
  verified: true,
  submittedAt: T0,
  source: 'ip-a',
};

describe('contact details', () => {
  it('finds links with a scheme, www. or a bare domain', () => {
    expect(containsLink('see https://cheap-reviews.example/x')).toBe(true);
    expect(containsLink('visit www.bestdj.co.uk today')).toBe(true);
    expect(containsLink('book at bestdj.com')).toBe(true);
    expect(containsLink('The venue was great. Really.')).toBe(false);
  });

  it('does not count e-mail addresses as links but finds them as e-mail', () => {
    expect(containsLink('write to jo@bestdj.com')).toBe(false);
    expect(containsEmail('write to jo@bestdj.com')).toBe(true);
    expect(containsEmail('we were @ the venue')).toBe(false);
  });

  it('finds phone numbers but not prices, dates or years', () => {
    expect(containsPhoneNumber('call 07700 900123')).toBe(true);
    expect(containsPhoneNumber('ring +44 (0)20 7946 0958 now')).toBe(true);
    expect(containsPhoneNumber('(555) 123-4567')).toBe(true);
    expect(containsPhoneNumber('It cost £1,200 on 14/06/2025, best day of 2025')).toBe(false);
    expect(containsPhoneNumber('We had 120 guests')).toBe(false);
  });
});

describe('near duplicates', () => {
  const copy = 'Lovely florist!! The bouquet was exactly what we wanted, and arrived on time.';
  const other = 'The DJ played all night and everybody danced until the lights came on.';

  it('scores shingle Jaccard on normalised text', () => {
    expect(jaccard(shingles(base.text), shingles(copy))).toBeGreaterThan(0.8);
    expect(jaccard(shingles(base.text), shingles(other))).toBeLessThan(0.1);
    expect(jaccard(new Set(), new Set())).toBe(1);
  });

  it('flags near-identical texts among others, not short generic praise', () => {
    expect(
      nearDuplicates(base.text, [
        { id: 'a', text: copy },
        { id: 'b', text: other },
      ]),
    ).toEqual(['a']);
    expect(nearDuplicates('Amazing!', [{ id: 'c', text: 'Amazing!' }])).toEqual([]);
  });

  it('finds what comparing every pair finds (the size bound only skips pairs that cannot match)', () => {
    const texts = [
      copy,
      other,
      `${copy} ${copy}`,
      base.text.slice(0, 60),
      `${base.text} Thank you so much again!`,
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '????????????????????????????????????????????',
    ].map((text, i) => ({ id: `t${i}`, text }));
    for (const threshold of [0.3, 0.6, 0.9]) {
      for (const { text } of texts) {
        const everyPair = texts
          .filter((o) => o.text.trim().length >= 40 && jaccard(shingles(text), shingles(o.text)) >= threshold)
          .map((o) => o.id);
        expect(nearDuplicates(text, texts, { threshold })).toEqual(text.trim().length >= 40 ? everyPair : []);
      }
    }
  });

  it('keeps the shingles of the texts seen last, the same as built afresh, within its bound', () => {
    expect(cachedShingles(copy)).toEqual(shingles(copy));
    expect(cachedShingles(copy)).toBe(cachedShingles(copy));
    for (let i = 0; i < SHINGLE_CACHE_SIZE + 50; i += 1) cachedShingles(`${other} number ${i}`);
    expect(shingleCacheSize()).toBe(SHINGLE_CACHE_SIZE);
    // The oldest left first: the copy's set is built again (equal, not the same object).
    const again = cachedShingles(copy);
    expect(again).toEqual(shingles(copy));
    expect(cachedShingles(copy)).toBe(again);
  });

  it('numbers shingles exactly: the sorted-id Jaccard is the set Jaccard', () => {
    // Texts drawn from one small vocabulary, so that their shingles' numbers interleave.
    const words = ['lovely', 'florist', 'bouquet', 'late', 'perfect', 'venue', 'thank', 'you', 'again'];
    let seed = 5;
    const pick = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return words[seed % words.length]!;
    };
    const drawn = Array.from({ length: 12 }, () => Array.from({ length: 12 }, pick).join(' '));
    const texts = [base.text, copy, other, `${copy} ${copy}`, 'short', '', ...drawn];
    for (const a of texts) {
      const ids = cachedShingleIds(a);
      expect(ids.length).toBe(shingles(a).size);
      expect([...ids]).toEqual([...ids].sort((x, y) => x - y));
      for (const b of texts) {
        expect(sortedJaccard(ids, cachedShingleIds(b))).toBe(jaccard(shingles(a), shingles(b)));
      }
    }
  });

  it('estimates Jaccard with MinHash', () => {
    const a = shingles(base.text);
    const b = shingles(copy);
    const c = shingles(other);
    const sig = (s: Set<string>) => minHashSignature(s, 256);
    expect(Math.abs(estimateJaccard(sig(a), sig(b)) - jaccard(a, b))).toBeLessThan(0.1);
    expect(estimateJaccard(sig(a), sig(c))).toBeLessThan(0.15);
    expect(minHashSignature(a)).toEqual(minHashSignature(a));
  });
});

describe('bursts from one source', () => {
  it('counts same-source reviews within the window, itself included', () => {
    const recent = [
      { id: 'x1', submittedAt: T0 - 10 * 60_000, source: 'ip-a' },
      { id: 'x2', submittedAt: T0 + 20 * 60_000, source: 'ip-a' },
      { id: 'x3', submittedAt: T0 - 5 * HOUR, source: 'ip-a' },
      { id: 'x4', submittedAt: T0, source: 'ip-b' },
    ];
    expect(sameSourceCount(base, recent, HOUR)).toBe(3);
    expect(sameSourceCount({ ...base, source: undefined }, recent, HOUR)).toBe(0);
  });
});

describe('rating-sentiment mismatch', () => {
  it('needs an extreme rating and confident opposite sentiment', () => {
    expect(ratingSentimentMismatch(1, { label: 'positive', confidence: 0.95 })).toBe(true);
    expect(ratingSentimentMismatch(5, { label: 'negative', confidence: 0.9 })).toBe(true);
    expect(ratingSentimentMismatch(5, { label: 'negative', confidence: 0.6 })).toBe(false);
    expect(ratingSentimentMismatch(3, { label: 'negative', confidence: 0.99 })).toBe(false);
    expect(ratingSentimentMismatch(5, { label: 'positive', confidence: 0.99 })).toBe(false);
  });
});

describe('assessAuthenticity', () => {
  it('gives no reason and score 0 for a clean verified review', () => {
    expect(assessAuthenticity(base, [], { label: 'positive', confidence: 0.97 })).toEqual({
      reasons: [],
      score: 0,
      duplicateOf: [],
    });
  });

  it('lists every reason in a fixed order with a noisy-OR score', () => {
    const review: ReviewUnderCheck = {
      ...base,
      verified: false,
      rating: 1,
      text: `${base.text} Call 07700 900123, mail jo@flowers.com or see www.flowers.com`,
    };
    const recent = [
      { id: 'd1', text: review.text, submittedAt: T0 - 60_000, source: 'ip-a' },
      { id: 'd2', text: 'Another one', submittedAt: T0 - 120_000, source: 'ip-a' },
    ];
    const r = assessAuthenticity(review, recent, { label: 'positive', confidence: 0.97 });
    expect(r.reasons).toEqual([
      'unverified',
      'contains-link',
      'contains-phone',
      'contains-email',
      'near-duplicate',
      'burst-from-source',
      'rating-sentiment-mismatch',
    ]);
    expect(r.duplicateOf).toEqual(['d1']);
    expect(r.score).toBe(combineReasons(r.reasons));
    expect(r.score).toBeGreaterThan(0.9);
    expect(r.score).toBeLessThanOrEqual(1);
  });

  it('ignores the review itself among the recent ones and honours options', () => {
    const r = assessAuthenticity(base, [{ id: 'r1', text: base.text, submittedAt: T0, source: 'ip-a' }]);
    expect(r.reasons).toEqual([]);
    const unverified = assessAuthenticity({ ...base, verified: false }, [], undefined, {
      weights: { unverified: 0.5 },
    });
    expect(unverified).toEqual({ reasons: ['unverified'], score: 0.5, duplicateOf: [] });
  });

  it('scores more reasons higher', () => {
    expect(combineReasons(['unverified'])).toBeLessThan(combineReasons(['unverified', 'contains-link']));
    expect(combineReasons([])).toBe(0);
  });
});
