/**
 * One review edited in two regions at once (issue 11, ADR 0020), against DynamoDB Local: two
 * "regions" as two sets of the catalog's tables kept in step by the local global-tables replicator
 * (last writer wins), each with the repository writing its own summary shard and a reader of its
 * Reviews stream running the summary correction. Replication is held while both regions edit the
 * same version; afterwards both hold the edit that won, and both summaries count it, and only it.
 */
import { reconcileReplicatedReviews, type Review } from '../../../src/reviews';
import { DynamoReviewRepository } from '../../../src/reviews/adapters/review-repository';
import {
  reviewItemChanges,
  type ReviewStreamRecord,
} from '../../../src/reviews/adapters/review-stream-records';
import { sampleReview } from '../../support/sample-review';
import { perRegion, startReplicatedRegions, type ReplicatedRegions } from '../support/replicated-regions';

jest.setTimeout(120_000);

let regions: ReplicatedRegions;
let corrections = 0;
/** Each region's repository: it writes that region's summary shard. */
const repository = perRegion(
  (region) => new DynamoReviewRepository(region.doc, region.tableName, region.name, region.client),
);

const review = (id: string, over: Partial<Review> = {}): Review =>
  sampleReview({ reviewId: id, supplierId: 'sup_edits', externalId: id, rating: 4, ...over });

/** A later version of the review, as its platform dated it. */
const edited = (id: string, minute: number, over: Partial<Review>): Review =>
  review(id, { ...over, reviewedAt: `2026-06-05T10:${String(minute).padStart(2, '0')}:00.000Z` });

beforeAll(async () => {
  // Each region's Reviews stream consumer: the summary correction.
  regions = await startReplicatedRegions('edits', 'Reviews', async (region, record) => {
    corrections += await reconcileReplicatedReviews(
      region.name,
      reviewItemChanges([record as ReviewStreamRecord]),
      repository(region),
    );
  });
});

afterAll(() => regions?.stop());

const east = () => repository(regions.east);
const west = () => repository(regions.west);
const both = () => [east(), west()];
const now = () => new Date().toISOString();

it('counts only the edit that won, in both regions', async () => {
  await east().insertMany('sup_edits', [review('rev_edit_1'), review('rev_edit_2', { rating: 2 })], now());
  await regions.settle();
  const before = corrections;

  // Both regions edit review 1 from version 1 at once: 4 -> 1 stars in the east, 4 -> 3 in the west.
  await regions.writeInBoth(
    () => east().insertMany('sup_edits', [edited('rev_edit_1', 1, { rating: 1 })], now()),
    () => west().insertMany('sup_edits', [edited('rev_edit_1', 2, { rating: 3 })], now()),
  );

  const stored = await Promise.all(both().map((r) => r.get('sup_edits', 'rev_edit_1')));
  expect(stored.map((s) => [s?.rating, s?.version])).toEqual([
    [3, 2],
    [3, 2],
  ]);
  // Without the correction the east shard keeps its lost 4 -> 1 (an average of 1.5, a 1-star review).
  const summaries = await Promise.all(both().map((r) => r.summary('sup_edits')));
  for (const summary of summaries) {
    expect(summary).toMatchObject({ count: 2, averageRating: 2.5 });
    expect(summary.byRating).toEqual({ '1': 0, '2': 1, '3': 1, '4': 0, '5': 0 });
  }
  // The east region took its lost edit out, once.
  expect(corrections - before).toBe(1);
});

it('takes back a lost removal as well, and leaves an edit made after the other arrived alone', async () => {
  const before = corrections;
  // The east removes review 2 while the west edits it 2 -> 5 stars: the west's edit is the later write.
  await regions.writeInBoth(
    () =>
      east().markRemoved(
        {
          supplierId: 'sup_edits',
          reviewId: 'rev_edit_2',
          removedAt: '2026-06-06T00:00:00.000Z',
          receivedAt: '2026-06-06T00:00:00.000Z',
          origin: { kind: 'external', platform: 'google', externalId: 'rev_edit_2' },
          actor: { kind: 'producer', id: 'platform-sync' },
        },
        now(),
      ),
    () => west().insertMany('sup_edits', [edited('rev_edit_2', 3, { rating: 5 })], now()),
  );
  expect(corrections - before).toBe(1);

  // A sequential edit in the east, after the west's edit arrived: no correction.
  await east().insertMany('sup_edits', [edited('rev_edit_2', 4, { rating: 4 })], now());
  await regions.settle();
  expect(corrections - before).toBe(1);

  const summaries = await Promise.all(both().map((r) => r.summary('sup_edits')));
  for (const summary of summaries) {
    expect(summary).toMatchObject({ count: 2, averageRating: 3.5, removedCount: 0 });
    expect(summary.byRating).toEqual({ '1': 0, '2': 0, '3': 1, '4': 1, '5': 0 });
  }
});
