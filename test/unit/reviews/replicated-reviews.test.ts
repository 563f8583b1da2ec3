import {
  lostWriteCorrection,
  nextWriteRun,
  reconcileReplicatedReviews,
  replacedCreationCorrection,
  storedReviewCounters,
  type SummaryCorrections,
} from '../../../src/reviews';
import { reviewItemChanges } from '../../../src/reviews/adapters/review-stream-records';

const created = (region: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
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

describe('lostWriteCorrection: one review edited in two regions at once', () => {
  // Created in us-east-1 at version 1 (4 stars, its run starts with the creation), then replicated.
  const v1 = created('us-east-1', { version: 1, writtenInRegion: 'us-east-1', runFrom: 0 });
  /** `region` edits `stored` to `rating` as the repository does: version + 1 and its write run. */
  const edit = (
    region: string,
    stored: Record<string, unknown>,
    over: Record<string, unknown>,
  ): Record<string, unknown> => ({
    ...stored,
    ...nextWriteRun(region, stored),
    version: Number(stored.version) + 1,
    ...over,
  });

  it('starts a run at the version another region wrote, and continues its own', () => {
    expect(nextWriteRun('eu-west-1', v1)).toEqual({
      writtenInRegion: 'eu-west-1',
      runFrom: 1,
      runBase: { rating: 4, platform: 'google' },
    });
    expect(nextWriteRun('us-east-1', v1)).toEqual({ writtenInRegion: 'us-east-1' });
    // Written before runs were recorded: a run starts at the version read.
    expect(nextWriteRun('us-east-1', created('us-east-1'))).toMatchObject({ runFrom: 1 });
  });

  it('moves the losing region’s shard back to the version both edits started from', () => {
    const east = edit('us-east-1', v1, { rating: 1 });
    const west = edit('eu-west-1', v1, { rating: 3 });
    // West's edit won: east's shard moved 4 -> 1, and takes that back.
    expect(lostWriteCorrection('us-east-1', east, west)).toEqual(
      new Map([
        ['ratingSum', 3],
        ['r_4', 1],
        ['r_1', -1],
      ]),
    );
    // East's edit won: west's shard moved 4 -> 3, and takes that back.
    expect(lostWriteCorrection('eu-west-1', west, east)).toEqual(
      new Map([
        ['ratingSum', 1],
        ['r_4', 1],
        ['r_3', -1],
      ]),
    );
  });

  it('takes back a run of several local edits, and a removal', () => {
    const east2 = edit('us-east-1', v1, { rating: 2 });
    const east3 = edit('us-east-1', east2, { rating: 1 });
    const west = edit('eu-west-1', v1, { rating: 5 });
    expect(Object.fromEntries(lostWriteCorrection('us-east-1', east3, west)!)).toEqual({
      ratingSum: 3,
      r_4: 1,
      r_1: -1,
    });
    // West had seen east's version 2 before its edit: only east's version 3 was lost.
    const westAfter2 = edit('eu-west-1', east2, { rating: 5 });
    expect(Object.fromEntries(lostWriteCorrection('us-east-1', east3, westAfter2)!)).toEqual({
      ratingSum: 1,
      r_2: 1,
      r_1: -1,
    });
    const removedEast = edit('us-east-1', v1, { removedAt: '2026-12-03T22:00:00.000Z' });
    expect(Object.fromEntries(lostWriteCorrection('us-east-1', removedEast, west)!)).toEqual({
      count: 1,
      p_google: 1,
      ratingSum: 4,
      r_4: 1,
      removed: -1,
    });
  });

  it('takes back the writes an older version rewritten elsewhere does not hold', () => {
    const east2 = edit('us-east-1', v1, { rating: 2 });
    // West stored insights on version 1 (no new version) after east's edit, before it arrived.
    const west1: Record<string, unknown> = { ...v1, insights: 'x' };
    expect(Object.fromEntries(lostWriteCorrection('us-east-1', east2, west1)!)).toEqual({
      ratingSum: 2,
      r_4: 1,
      r_2: -1,
    });
  });

  it('changes nothing when the replacement includes this region’s write', () => {
    const east2 = edit('us-east-1', v1, { rating: 2 });
    // West edited after east's edit arrived: its run starts at version 2.
    const west3 = edit('eu-west-1', east2, { rating: 5 });
    expect(lostWriteCorrection('us-east-1', east2, west3)).toBeUndefined();
    // Another region rewrote east's own version (a reply state, insights): east's write stands.
    const rewritten: Record<string, unknown> = { ...east2, insights: 'x' };
    expect(lostWriteCorrection('us-east-1', east2, rewritten)).toBeUndefined();
    // The last write was not this region's: it lost nothing.
    expect(lostWriteCorrection('eu-west-1', east2, west3)).toBeUndefined();
    // Items written before runs were recorded, and a replaced creation (the other correction).
    expect(
      lostWriteCorrection('us-east-1', created('us-east-1'), created('us-east-1', { rating: 1 })),
    ).toBeUndefined();
    expect(
      lostWriteCorrection(
        'us-east-1',
        v1,
        created('eu-west-1', { version: 1, writtenInRegion: 'eu-west-1', runFrom: 0 }),
      ),
    ).toBeUndefined();
    // An edit that moved no counter (the text only) has nothing to take back.
    const textOnly = edit('us-east-1', v1, { title: 'new' });
    expect(
      lostWriteCorrection('us-east-1', textOnly, edit('eu-west-1', v1, { title: 'other' })),
    ).toBeUndefined();
  });
});
