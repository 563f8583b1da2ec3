import {
  reconcileReplicatedReviews,
  replacedCreationCorrection,
  storedReviewCounters,
  type SummaryCorrections,
} from '../../../src/reviews';
import { reviewItemChanges } from '../../../src/reviews/adapters/review-stream-records';

const created = (region: string, over: Record<string, unknown> = {}) => ({
  entity: 'review',
  supplierId: 'sup_1',
  reviewId: 'rev_1',
  storedAt: `2026-12-03T21:00:00.000Z-${region}`,
  storedInRegion: region,
  rating: 4,
  platform: 'google',
  ...over,
});

describe('replacedCreationCorrection', () => {
  it('takes a review this region created out of its shard when another region’s creation replaced it', () => {
    expect(replacedCreationCorrection('us-east-1', created('us-east-1'), created('eu-west-1'))).toEqual(
      new Map([
        ['count', -1],
        ['p_google', -1],
        ['ratingSum', -4],
        ['r_4', -1],
      ]),
    );
  });

  it('takes out what the replaced item counts as it stands: its local edit, or its removal', () => {
    const edited = created('us-east-1', { rating: null, recommendation: 'positive', platform: 'facebook' });
    expect(replacedCreationCorrection('us-east-1', edited, created('eu-west-1'))).toEqual(
      new Map([
        ['count', -1],
        ['p_facebook', -1],
        ['unrated', -1],
        ['rec_positive', -1],
      ]),
    );
    const removed = created('us-east-1', { removedAt: '2026-12-03T21:05:00.000Z' });
    expect(replacedCreationCorrection('us-east-1', removed, created('eu-west-1'))).toEqual(
      new Map([['removed', -1]]),
    );
  });

  it('changes nothing for an edit, a replication of a review created elsewhere, or another item', () => {
    // An edit keeps storedInRegion.
    expect(
      replacedCreationCorrection('us-east-1', created('us-east-1'), created('us-east-1', { rating: 1 })),
    ).toBeUndefined();
    // This region did not count the replaced item: the region that created it did.
    expect(
      replacedCreationCorrection('us-east-1', created('eu-west-1'), created('ap-southeast-1')),
    ).toBeUndefined();
    // The other region's view of the same replacement: it keeps its count.
    expect(
      replacedCreationCorrection('eu-west-1', created('us-east-1'), created('eu-west-1')),
    ).toBeUndefined();
    expect(
      replacedCreationCorrection('us-east-1', { entity: 'summary' }, { entity: 'summary' }),
    ).toBeUndefined();
    expect(replacedCreationCorrection('us-east-1', created('us-east-1'), undefined)).toBeUndefined();
  });

  it('counts a stored review as the summary does', () => {
    expect(storedReviewCounters(created('us-east-1'))).toEqual(
      new Map([
        ['count', 1],
        ['p_google', 1],
        ['ratingSum', 4],
        ['r_4', 1],
      ]),
    );
  });
});

describe('reconcileReplicatedReviews', () => {
  const image = (item: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(item).map(([k, v]) => [
        k,
        v === null ? { NULL: true } : typeof v === 'number' ? { N: String(v) } : { S: String(v) },
      ]),
    );

  it('corrects the shard once per replaced item, from the stream records that replaced one', async () => {
    const applied: { supplierId: string; replaced: string; counters: Record<string, number> }[] = [];
    const seen = new Set<string>();
    const corrections: SummaryCorrections = {
      async correctShard(supplierId, replaced, counters) {
        if (seen.has(replaced)) return false;
        seen.add(replaced);
        applied.push({ supplierId, replaced, counters: Object.fromEntries(counters) });
        return true;
      },
    };
    const replacing = {
      eventName: 'MODIFY',
      dynamodb: { OldImage: image(created('us-east-1')), NewImage: image(created('eu-west-1')) },
    };
    const records = [
      { eventName: 'INSERT', dynamodb: { NewImage: image(created('us-east-1')) } },
      replacing,
      // Redelivered.
      replacing,
      {
        eventName: 'MODIFY',
        dynamodb: {
          OldImage: image(created('eu-west-1')),
          NewImage: image(created('eu-west-1', { rating: 2 })),
        },
      },
    ];
    expect(await reconcileReplicatedReviews('us-east-1', reviewItemChanges(records), corrections)).toBe(1);
    expect(applied).toEqual([
      {
        supplierId: 'sup_1',
        replaced: 'rev_1#2026-12-03T21:00:00.000Z-us-east-1',
        counters: { count: -1, p_google: -1, ratingSum: -4, r_4: -1 },
      },
    ]);
  });
});
