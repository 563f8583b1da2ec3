/**
 * The listing keys of a review and the partition each filter combination reads (issue 12): a
 * listing's equality filters are index partitions, so they read only what they return.
 */
import { listingPlan, reviewListingKeys, SPARSE_LISTING_KEYS } from '../../../src/reviews';
import { tableDefinition } from '../../../src/catalog/tables';

const base = { reviewId: 'rev_1', reviewedAt: '2026-05-01T10:00:00.000Z', platform: 'google' };

describe('reviewListingKeys', () => {
  it('puts a review with stars in the date, platform, rating and platform + rating partitions', () => {
    expect(reviewListingKeys('sup_a', { ...base, rating: 4 })).toEqual({
      gsi1pk: 'SUPPLIER#sup_a',
      gsi1sk: '2026-05-01T10:00:00.000Z#rev_1',
      gsi2pk: 'SUPPLIER#sup_a#PLATFORM#google',
      gsi3pk: 'SUPPLIER#sup_a#RATING#4',
      gsi4pk: 'SUPPLIER#sup_a#PLATFORM#google#RATING#4',
    });
  });

  it('puts a recommendation without stars in its recommendation partition only (sparse indexes)', () => {
    const keys = reviewListingKeys('sup_a', {
      ...base,
      platform: 'facebook',
      rating: null,
      recommendation: 'negative',
    });
    expect(keys).toEqual({
      gsi1pk: 'SUPPLIER#sup_a',
      gsi1sk: '2026-05-01T10:00:00.000Z#rev_1',
      gsi2pk: 'SUPPLIER#sup_a#PLATFORM#facebook',
      gsi5pk: 'SUPPLIER#sup_a#RECOMMENDATION#negative',
    });
  });

  it('puts a legacy Facebook review with both stars and a recommendation in both', () => {
    const keys = reviewListingKeys('sup_a', {
      ...base,
      platform: 'facebook',
      rating: 2,
      recommendation: 'positive',
    });
    expect(keys).toMatchObject({
      gsi3pk: 'SUPPLIER#sup_a#RATING#2',
      gsi4pk: 'SUPPLIER#sup_a#PLATFORM#facebook#RATING#2',
      gsi5pk: 'SUPPLIER#sup_a#RECOMMENDATION#positive',
    });
  });

  it('names every sparse key the catalog indexes on, and every index key it writes is in the catalog', () => {
    const catalogKeys = tableDefinition('Reviews').indexes.flatMap((i) => [i.partitionKey, i.sortKey]);
    const written = Object.keys(reviewListingKeys('s', { ...base, rating: 1, recommendation: 'positive' }));
    expect(new Set(written)).toEqual(new Set(catalogKeys));
    for (const key of SPARSE_LISTING_KEYS) expect(written).toContain(key);
  });
});

describe('listingPlan', () => {
  it('reads one partition per equality filter combination, testing nothing else on the entry', () => {
    expect(listingPlan('s', {})).toEqual({ index: 'byCreatedAt', partition: 'SUPPLIER#s', filters: {} });
    expect(listingPlan('s', { platform: 'google' })).toEqual({
      index: 'byPlatform',
      partition: 'SUPPLIER#s#PLATFORM#google',
      filters: {},
    });
    expect(listingPlan('s', { rating: 5 })).toEqual({
      index: 'byRating',
      partition: 'SUPPLIER#s#RATING#5',
      filters: {},
    });
    expect(listingPlan('s', { platform: 'google', rating: 4 })).toEqual({
      index: 'byPlatformRating',
      partition: 'SUPPLIER#s#PLATFORM#google#RATING#4',
      filters: {},
    });
    expect(listingPlan('s', { recommendation: 'negative' })).toEqual({
      index: 'byRecommendation',
      partition: 'SUPPLIER#s#RECOMMENDATION#negative',
      filters: {},
    });
  });

  it('tests a platform or rating given with a recommendation on the recommendation entry', () => {
    expect(listingPlan('s', { recommendation: 'positive', platform: 'facebook', rating: 3 })).toEqual({
      index: 'byRecommendation',
      partition: 'SUPPLIER#s#RECOMMENDATION#positive',
      filters: { platform: 'facebook', rating: 3 },
    });
  });

  it('reads partitions the writer puts reviews in', () => {
    const keys = reviewListingKeys('s', { ...base, rating: 3, recommendation: 'positive' });
    const byIndex = new Map(tableDefinition('Reviews').indexes.map((i) => [i.name, i.partitionKey]));
    for (const filter of [
      {},
      { platform: 'google' },
      { rating: 3 },
      { platform: 'google', rating: 3 },
      { recommendation: 'positive' },
    ]) {
      const plan = listingPlan('s', filter);
      const attribute = byIndex.get(plan.index) as keyof typeof keys;
      expect({ filter, partition: keys[attribute] }).toEqual({ filter, partition: plan.partition });
    }
  });
});
