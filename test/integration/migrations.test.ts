/**
 * The migration runner and the first migration (issue 11) against DynamoDB Local: a dry run
 * changes nothing; a run that crashes mid-way resumes from its checkpoint and re-scores every
 * review exactly once; a concurrent edit is never clobbered; a finished migration does not run again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createTables, localTableName } from '../../local/resources';
import { tableDefinition, type TableId } from '../../src/catalog/tables';
import { DynamoMigrationLedger } from '../../src/migrations/adapters/migration-ledger';
import { loadMigrations } from '../../src/migrations/adapters/migration-files';
import { InjectedCrash, runMigrations } from '../../src/migrations/use-cases/run-migrations';
import { digestTable } from '../../src/recovery/adapters/table-digest';
import { seedDrillData } from '../../scripts/drill-restore';
import { MIGRATIONS_DIR } from '../../scripts/migrate';
import rescore, { currentScore } from '../../migrations/0001-rescore-reviews';
import listingKeys, { expectedListingKeys } from '../../migrations/0002-review-listing-keys';
import { SPARSE_LISTING_KEYS } from '../../src/reviews';
import { DynamoReviewRepository } from '../../src/reviews/adapters/review-repository';
import { acquireStore, type TestStore } from './support/shared-store';

jest.setTimeout(300_000);

const REVIEWS = 3000;
const RESCORE = '0001-rescore-reviews';
let store: TestStore;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let name: (id: TableId) => string;

beforeAll(async () => {
  store = await acquireStore('migrations');
  client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 8,
  });
  doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await createTables(client, store.tablePrefix);
  name = (id) => localTableName(store.tablePrefix, tableDefinition(id));
  await seedDrillData(client, name, REVIEWS);
});

afterAll(async () => {
  client?.destroy();
  await store?.release();
});

/** The document client, counting the review updates that succeeded, per review. */
function countingClient(updates: Map<string, number>): DynamoDBDocumentClient {
  const send = async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
    const result = await doc.send(command as never);
    if (command instanceof UpdateCommand && command.input.TableName === name('Reviews')) {
      const key = `${String(command.input.Key!.pk)}|${String(command.input.Key!.sk)}`;
      updates.set(key, (updates.get(key) ?? 0) + 1);
    }
    return result;
  };
  // Only `send` is used by the runner and the migration.
  return { send } as unknown as DynamoDBDocumentClient;
}

const ledger = () => new DynamoMigrationLedger(doc, name('Migrations'));
const migrations = () => loadMigrations(MIGRATIONS_DIR);

async function reviews(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: name('Reviews'),
        FilterExpression: 'entity = :r',
        ExpressionAttributeValues: { ':r': 'review' },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const modelVersionOf = (item: Record<string, unknown>) =>
  (item.insights as { sentiment: { modelVersion: string } }).sentiment.modelVersion;

it('finds the migrations of migrations/ in order', () => {
  expect(migrations().map((m) => m.id)).toEqual(['0001-rescore-reviews', '0002-review-listing-keys']);
});

it('dry run: counts what would change and writes nothing, not even the ledger', async () => {
  const before = await digestTable(client, name('Reviews'));
  const lines: string[] = [];
  const [outcome] = await runMigrations(migrations(), {
    client: doc,
    ledger: ledger(),
    tableName: name,
    dryRun: true,
    only: RESCORE,
    progress: (line) => lines.push(line),
  });
  expect(outcome).toMatchObject({
    result: 'dry-run',
    counts: { scanned: REVIEWS, changed: REVIEWS, conflicts: 0 },
  });
  expect((await digestTable(client, name('Reviews'))).digest).toEqual(before.digest);
  expect(await ledger().get('0001-rescore-reviews')).toBeUndefined();
  expect(lines.at(-1)).toMatch(
    /^\[0001-rescore-reviews dry run\] \[#+-*\] +\d+% .* 3,000 would change · 0 unchanged · 0 conflicts/,
  );
});

it('crashes after 15 pages, resumes from the checkpoint, and re-scores every review exactly once', async () => {
  // Pages of 100 items read (a supplier's 1,000 audit records sort before its reviews), so the
  // crash comes after 500 of the 3,000 reviews.
  const updates = new Map<string, number>();
  const counted = countingClient(updates);
  await expect(
    runMigrations(migrations(), {
      client: counted,
      ledger: ledger(),
      tableName: name,
      only: RESCORE,
      crashAfterPages: 15,
    }),
  ).rejects.toThrow(InjectedCrash);
  const midway = await ledger().get('0001-rescore-reviews');
  expect(midway).toMatchObject({ status: 'running' });
  expect(midway?.checkpoint).toBeDefined();
  expect(midway!.counts.pages).toBe(14); // the 15th page was applied, not checkpointed
  const rescoredBeforeResume = (await reviews()).filter((r) => modelVersionOf(r) !== 'drill-seed').length;
  expect(rescoredBeforeResume).toBe(updates.size);
  expect(rescoredBeforeResume).toBeGreaterThan(midway!.counts.changed);
  expect(rescoredBeforeResume).toBeLessThan(REVIEWS);

  // Its lease has not expired: a plain run is refused, --take-over resumes.
  const [held] = await runMigrations(migrations(), {
    client: counted,
    ledger: ledger(),
    tableName: name,
    only: RESCORE,
  });
  expect(held!.result).toBe('held-by-another-runner');
  const [resumed] = await runMigrations(migrations(), {
    client: counted,
    ledger: ledger(),
    tableName: name,
    only: RESCORE,
    takeOver: true,
  });
  expect(resumed!.result).toBe('done');
  // The re-run 15th page found its reviews already on the current version: unchanged.
  expect(resumed!.counts.unchanged).toBe(rescoredBeforeResume - midway!.counts.changed);
  const all = await reviews();
  expect(all).toHaveLength(REVIEWS);
  for (const review of all) expect(modelVersionOf(review)).toBe(currentScore(review).modelVersion);
  // Exactly once: every review updated, none twice.
  expect(updates.size).toBe(REVIEWS);
  expect([...updates.values()].every((n) => n === 1)).toBe(true);
  expect(await ledger().get('0001-rescore-reviews')).toMatchObject({ status: 'done' });

  // Done means done: a second run changes nothing.
  const before = await digestTable(client, name('Reviews'));
  const [again] = await runMigrations(migrations(), {
    client: doc,
    ledger: ledger(),
    tableName: name,
    only: RESCORE,
  });
  expect(again!.result).toBe('already-done');
  expect((await digestTable(client, name('Reviews'))).digest).toEqual(before.digest);
});

it('never clobbers an edit that lands between its read and its write', async () => {
  const [review] = (await reviews()).slice(0, 1);
  const key = { pk: review!.pk, sk: review!.sk };
  // Back to an old score, as read by the migration...
  await doc.send(
    new UpdateCommand({
      TableName: name('Reviews'),
      Key: key,
      UpdateExpression: 'SET insights.sentiment.modelVersion = :old',
      ExpressionAttributeValues: { ':old': 'drill-seed' },
    }),
  );
  const read = (
    await doc.send(new GetCommand({ TableName: name('Reviews'), Key: key, ConsistentRead: true }))
  ).Item!;
  // ...then ingestion stores an edit (new text, version + 1) before the migration writes.
  await doc.send(
    new UpdateCommand({
      TableName: name('Reviews'),
      Key: key,
      UpdateExpression: 'SET title = :t, body = :b, #v = :v',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: { ':t': 'Edited', ':b': 'Terrible, rude and late.', ':v': 2 },
    }),
  );
  const outcome = await rescore.migratePage([read], {
    client: doc,
    tableName: name('Reviews'),
    dryRun: false,
  });
  expect(outcome).toMatchObject({ scanned: 1, changed: 1, conflicts: 0 });
  const stored = (
    await doc.send(new GetCommand({ TableName: name('Reviews'), Key: key, ConsistentRead: true }))
  ).Item!;
  expect(stored).toMatchObject({ title: 'Edited', body: 'Terrible, rude and late.', version: 2 });
  // Scored on the edited text, not the text read before the edit.
  expect((stored.insights as { sentiment: unknown }).sentiment).toEqual(currentScore(stored));
});

describe('0002-review-listing-keys', () => {
  const sparseKeys = (item: Record<string, unknown>) =>
    Object.fromEntries(SPARSE_LISTING_KEYS.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]));

  it('gives reviews stored before the new indexes their keys, and the listings then find them', async () => {
    // Every third review as stored before byPlatformRating and byRecommendation: no gsi4pk, gsi5pk.
    const all = await reviews();
    const old = all.filter((_, i) => i % 3 === 0);
    const toChange = old.filter((r) => r.gsi4pk !== undefined || r.gsi5pk !== undefined);
    expect(toChange.length).toBeGreaterThan(100);
    // 1,000 independent updates, 25 at a time (one after another, they were seconds of round trips).
    for (let i = 0; i < old.length; i += 25) {
      await Promise.all(
        old.slice(i, i + 25).map((review) =>
          doc.send(
            new UpdateCommand({
              TableName: name('Reviews'),
              Key: { pk: review.pk, sk: review.sk },
              UpdateExpression: 'REMOVE gsi4pk, gsi5pk',
            }),
          ),
        ),
      );
    }
    const [dry] = await runMigrations(migrations(), {
      client: doc,
      ledger: ledger(),
      tableName: name,
      dryRun: true,
      only: '0002-review-listing-keys',
    });
    expect(dry).toMatchObject({ result: 'dry-run', counts: { scanned: REVIEWS, changed: toChange.length } });

    const [done] = await runMigrations(migrations(), {
      client: doc,
      ledger: ledger(),
      tableName: name,
      only: '0002-review-listing-keys',
    });
    expect(done).toMatchObject({
      result: 'done',
      counts: {
        scanned: REVIEWS,
        changed: toChange.length,
        unchanged: REVIEWS - toChange.length,
        conflicts: 0,
      },
    });
    const after = await reviews();
    for (const review of after)
      expect(sparseKeys(review)).toEqual(sparseKeys({ ...expectedListingKeys(review) }));
    // Each migrated review is listed by the partitions it belongs to.
    const repository = new DynamoReviewRepository(doc, name('Reviews'), 'eu-west-1', client);
    const sample = toChange.find((r) => typeof r.rating === 'number')!;
    const supplierId = String(sample.pk).slice('SUPPLIER#'.length);
    const listed: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await repository.list(supplierId, {
        platform: sample.platform as 'google',
        rating: sample.rating as number,
        removed: 'include',
        limit: 100,
        ...(startKey ? { startKey: startKey as never } : {}),
      });
      listed.push(...page.items.map((r) => r.reviewId));
      startKey = page.next;
    } while (startKey);
    expect(listed).toContain(sample.reviewId);
  });

  it('never clobbers an edit that lands between its read and its write', async () => {
    const [review] = (await reviews()).filter((r) => typeof r.rating === 'number');
    const key = { pk: review!.pk, sk: review!.sk };
    await doc.send(
      new UpdateCommand({ TableName: name('Reviews'), Key: key, UpdateExpression: 'REMOVE gsi4pk, gsi5pk' }),
    );
    const read = (
      await doc.send(new GetCommand({ TableName: name('Reviews'), Key: key, ConsistentRead: true }))
    ).Item!;
    // Ingestion stores an edit with a new rating (and its keys) before the migration writes.
    const rating = read.rating === 1 ? 2 : 1;
    const edited = expectedListingKeys({ ...read, rating });
    await doc.send(
      new UpdateCommand({
        TableName: name('Reviews'),
        Key: key,
        UpdateExpression: 'SET rating = :r, gsi3pk = :g3, gsi4pk = :g4, #v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: {
          ':r': rating,
          ':g3': edited.gsi3pk,
          ':g4': edited.gsi4pk,
          ':v': (typeof read.version === 'number' ? read.version : 1) + 1,
        },
      }),
    );
    const outcome = await listingKeys.migratePage([read], {
      client: doc,
      tableName: name('Reviews'),
      dryRun: false,
    });
    // Re-read after the conflict: the edit already wrote the right keys.
    expect(outcome).toMatchObject({ scanned: 1, changed: 0, unchanged: 1, conflicts: 0 });
    const stored = (
      await doc.send(new GetCommand({ TableName: name('Reviews'), Key: key, ConsistentRead: true }))
    ).Item!;
    expect(stored).toMatchObject({ rating, gsi4pk: edited.gsi4pk });
  });
});
