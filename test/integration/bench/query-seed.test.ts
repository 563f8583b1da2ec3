/**
 * The query-100k phase's cached seed (bench/query-seed.ts) against DynamoDB Local: built once into
 * the cache, reused by the next run, each run on a copy of its own (a run's writes never reach
 * the cache), and seeds under other keys deleted.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { prepareQuerySeed, QUERY_SEED_SUPPLIER, querySeedKey } from '../../../bench/query-seed';
import { reviewItem } from '../../../bench/cost-items';
import { DynamoDbLocal } from '../../../local/dynamodb-local';
import { LOCAL_CREDENTIALS, LOCAL_TABLE_PREFIX } from '../../../local/stack';
import { createTables, localTableName } from '../../../local/resources';
import { TABLES } from '../../../src/catalog/tables';

jest.setTimeout(180_000);

const REVIEWS = 60;
const TABLE = 'wedsync-local-Reviews';
const PK = `SUPPLIER#${QUERY_SEED_SUPPLIER}`;

/** Runs `check` against a DynamoDB Local started on `dbPath`, then stops it. */
async function withStore<T>(
  dbPath: string,
  check: (doc: DynamoDBDocumentClient, client: DynamoDBClient) => Promise<T>,
): Promise<T> {
  const store = await DynamoDbLocal.start({ dbPath });
  const client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    return await check(DynamoDBDocumentClient.from(client), client);
  } finally {
    client.destroy();
    await store.stop();
  }
}

const countReviews = async (doc: DynamoDBDocumentClient) =>
  (
    await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        Select: 'COUNT',
      }),
    )
  ).Count;

describe('prepareQuerySeed', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'query-seed-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('builds the seed once, reuses it after, and gives each run a copy of its own', async () => {
    const key = querySeedKey(REVIEWS);
    mkdirSync(join(cacheDir, `${REVIEWS}-anolderkey`));
    mkdirSync(join(cacheDir, '100000-another-count'));
    const lines: string[] = [];

    const first = await prepareQuerySeed(REVIEWS, (line) => lines.push(line), cacheDir);
    expect(first.built).toBe(true);
    expect(first.meta).toMatchObject({ key, reviews: REVIEWS, supplierId: QUERY_SEED_SUPPLIER });
    expect(first.meta.bytes).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/no cached seed for key/);
    // The seed of this count under another key is gone (another count stays); the run's copy is elsewhere.
    expect(readdirSync(cacheDir).sort()).toEqual(['100000-another-count', `${REVIEWS}-${key}`]);
    expect(first.dbPath.startsWith(cacheDir)).toBe(false);

    await withStore(first.dbPath, async (doc, client) => {
      // The data file holds the Reviews table alone (the seed's key is that table's shape, not
      // the whole catalog's); a stack started on the copy creates the others beside it.
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
      await createTables(client, LOCAL_TABLE_PREFIX);
      expect((await client.send(new ListTablesCommand({}))).TableNames?.sort()).toEqual(
        TABLES.map((t) => localTableName(LOCAL_TABLE_PREFIX, t)).sort(),
      );
      expect(await countReviews(doc)).toBe(REVIEWS);
      // The items as the generator builds them, with their listing index entries.
      const seventh = reviewItem(7, QUERY_SEED_SUPPLIER, true);
      const stored = await doc.send(
        new GetCommand({ TableName: TABLE, Key: { pk: seventh.pk, sk: seventh.sk } }),
      );
      expect(stored.Item).toEqual(seventh);
      // A run writes to its copy (its supplier's key, here one more review).
      await doc.send(new PutCommand({ TableName: TABLE, Item: { ...seventh, sk: 'REVIEW#extra' } }));
      expect(await countReviews(doc)).toBe(REVIEWS + 1);
    });
    first.dispose();
    expect(existsSync(first.dbPath)).toBe(false);

    lines.length = 0;
    const second = await prepareQuerySeed(REVIEWS, (line) => lines.push(line), cacheDir);
    try {
      expect(second.built).toBe(false);
      expect(second.meta).toEqual(first.meta);
      expect(lines.join('\n')).toMatch(/reusing the cached seed/);
      expect(second.dbPath).not.toBe(first.dbPath);
      // The first run's write stayed in its copy.
      await withStore(second.dbPath, async (doc) => expect(await countReviews(doc)).toBe(REVIEWS));
    } finally {
      second.dispose();
    }
  });
});
