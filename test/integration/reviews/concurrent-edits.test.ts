/**
 * One review edited in two regions at once (issue 11, ADR 0020), against DynamoDB Local: two
 * "regions" as two sets of the catalog's tables kept in step by the local global-tables replicator
 * (last writer wins), each with the repository writing its own summary shard and a reader of its
 * Reviews stream running the summary correction. Replication is held while both regions edit the
 * same version; afterwards both hold the edit that won, and both summaries count it, and only it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbStreamReader } from '../../../local/dynamodb-stream-reader';
import { createTables } from '../../../local/resources';
import { Replicator, type ReplicaRegion } from '../../../local/replication/replicator';
import { tableDefinition } from '../../../src/catalog/tables';
import { reconcileReplicatedReviews, type Review } from '../../../src/reviews';
import { DynamoReviewRepository } from '../../../src/reviews/adapters/review-repository';
import {
  reviewItemChanges,
  type ReviewStreamRecord,
} from '../../../src/reviews/adapters/review-stream-records';
import { acquireStore, type TestStore } from '../support/shared-store';
import { eventually } from '../support/stack';

jest.setTimeout(120_000);

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

interface Region {
  readonly replica: ReplicaRegion;
  readonly store: TestStore;
  readonly client: DynamoDBClient;
  readonly repository: DynamoReviewRepository;
  readonly reader: DynamoDbStreamReader;
}

let regions: Region[] = [];
let replicator: Replicator;
let corrections = 0;

const review = (id: string, over: Partial<Review> = {}): Review => ({
  reviewId: id,
  supplierId: 'sup_edits',
  platform: 'google',
  externalId: id,
  rating: 4,
  title: 'Lovely',
  body: 'Beautiful flowers.',
  reviewerName: 'Jo',
  verified: false,
  reviewedAt: '2026-06-01T10:00:00.000Z',
  receivedAt: '2026-06-02T10:00:00.000Z',
  versionAt: '2026-06-02T10:00:00.000Z',
  origin: { kind: 'external', platform: 'google', externalId: id },
  actor: { kind: 'producer', id: 'platform-sync' },
  ...over,
});

/** A later version of the review, as its platform dated it. */
const edited = (id: string, minute: number, over: Partial<Review>): Review =>
  review(id, { ...over, reviewedAt: `2026-06-05T10:${String(minute).padStart(2, '0')}:00.000Z` });

beforeAll(async () => {
  const names = ['us-east-1', 'eu-west-1'];
  const stores = await Promise.all(names.map((name) => acquireStore(`edits-${name}`)));
  regions = await Promise.all(
    names.map(async (name, i) => {
      const store = stores[i]!;
      const replica: ReplicaRegion = { name, endpoint: store.endpoint, tablePrefix: store.tablePrefix };
      const client = new DynamoDBClient({ region: name, endpoint: store.endpoint, credentials: CREDENTIALS });
      const doc = DynamoDBDocumentClient.from(client);
      await createTables(doc, store.tablePrefix, { replicated: true });
      const tableName = `${store.tablePrefix}-Reviews`;
      const repository = new DynamoReviewRepository(doc, tableName, name);
      // The SummaryCorrection function's work, as the two-region local mode runs it.
      const reader = new DynamoDbStreamReader({
        endpoint: store.endpoint,
        tableName,
        delivery: {
          kind: 'record',
          onRecord: async (record) => {
            corrections += await reconcileReplicatedReviews(
              name,
              reviewItemChanges([record as ReviewStreamRecord]),
              repository,
            );
          },
        },
      });
      return { replica, store, client, repository, reader };
    }),
  );
  replicator = new Replicator({
    regions: [regions[0]!.replica, regions[1]!.replica],
    tables: [tableDefinition('Reviews')],
  });
  await replicator.start();
  for (const region of regions) await region.reader.start();
});

afterAll(async () => {
  await replicator?.stop();
  for (const region of regions) {
    await region.reader.stop();
    region.client.destroy();
    await region.store.release();
  }
});

const [east, west] = [0, 1].map((i) => () => regions[i]!);

/**
 * Replication and the corrections it causes are done (a correction is a write, which is replicated
 * in turn): twice over, each stream reader read its stream to the end with nothing new.
 */
async function settle(): Promise<void> {
  for (let pass = 0; pass < 2; pass += 1) {
    await replicator.waitUntilInSync();
    const start = regions.map((r) => r.reader.completedRounds);
    await eventually(
      () =>
        Promise.resolve(
          regions.every((r, i) => r.reader.idleRounds >= 2 && r.reader.completedRounds >= start[i]! + 2),
        ),
      'the summary corrections',
    );
  }
  await replicator.waitUntilInSync();
}

/**
 * Both regions write the same stored version while replication is held, then replication resumes.
 * The west's write is the later one: it is made once replication has stamped the east's.
 */
async function writeInBoth(
  eastWrite: () => Promise<unknown>,
  westWrite: () => Promise<unknown>,
): Promise<void> {
  const [a, b] = [east().replica.name, west().replica.name];
  replicator.pause(a, b);
  replicator.pause(b, a);
  const seen = replicator.counts.local;
  await eastWrite();
  await eventually(
    () => Promise.resolve(replicator.counts.local > seen),
    'the east write read by replication',
  );
  await westWrite();
  replicator.resume(a, b);
  replicator.resume(b, a);
  await settle();
}

const now = () => new Date().toISOString();

it('counts only the edit that won, in both regions', async () => {
  await east().repository.insertMany(
    'sup_edits',
    [review('rev_edit_1'), review('rev_edit_2', { rating: 2 })],
    now(),
  );
  await settle();
  const before = corrections;

  // Both regions edit review 1 from version 1 at once: 4 -> 1 stars in the east, 4 -> 3 in the west.
  await writeInBoth(
    () => east().repository.insertMany('sup_edits', [edited('rev_edit_1', 1, { rating: 1 })], now()),
    () => west().repository.insertMany('sup_edits', [edited('rev_edit_1', 2, { rating: 3 })], now()),
  );

  const stored = await Promise.all(regions.map((r) => r.repository.get('sup_edits', 'rev_edit_1')));
  expect(stored.map((s) => [s?.rating, s?.version])).toEqual([
    [3, 2],
    [3, 2],
  ]);
  // Without the correction the east shard keeps its lost 4 -> 1 (an average of 1.5, a 1-star review).
  const summaries = await Promise.all(regions.map((r) => r.repository.summary('sup_edits')));
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
  await writeInBoth(
    () =>
      east().repository.markRemoved(
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
    () => west().repository.insertMany('sup_edits', [edited('rev_edit_2', 3, { rating: 5 })], now()),
  );
  expect(corrections - before).toBe(1);

  // A sequential edit in the east, after the west's edit arrived: no correction.
  await east().repository.insertMany('sup_edits', [edited('rev_edit_2', 4, { rating: 4 })], now());
  await settle();
  expect(corrections - before).toBe(1);

  const summaries = await Promise.all(regions.map((r) => r.repository.summary('sup_edits')));
  for (const summary of summaries) {
    expect(summary).toMatchObject({ count: 2, averageRating: 3.5, removedCount: 0 });
    expect(summary.byRating).toEqual({ '1': 0, '2': 0, '3': 1, '4': 1, '5': 0 });
  }
});
