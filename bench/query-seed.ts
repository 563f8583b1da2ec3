/**
 * The query-100k phase's 100,000 reviews, seeded once and kept (issue 12, ADR 0022 "Bench run
 * time"): DynamoDB Local's data file after the seed is cached under `.cache/bench-query-100k/`
 * (git-ignored), keyed by a hash of everything that decides its content:
 *
 * - every seeded item, as bench/cost-items.ts `reviewItem` builds it (so any change to the item
 *   generator, the listing keys or the review texts makes a new seed),
 * - the Reviews table as the local mode creates it: the CreateTable request local/resources.ts
 *   sends for it (keys, indexes, projections, stream) and its TTL attribute. The data file holds
 *   that table alone; the stack creates the other tables on the run's copy as on an empty store, so
 *   a change to another table (which changed the key of the seed before, ADR 0022's fourth round on
 *   the bench's run time) is no new seed,
 * - the DynamoDB Local build (its checksum, written at install), which owns the file format,
 * - the count and the supplier id.
 *
 * A run whose key has no complete seed builds one (about two minutes, with progress lines): a
 * DynamoDB Local on a data file in a RAM-backed folder (/dev/shm), the Reviews table, the
 * reviews, a count of what it holds; then the data file is copied into the cache under a partial
 * name and renamed into place. Seeds under other keys and abandoned partial folders are deleted
 * then. A run copies the cached data file into a RAM-backed folder of its own and starts its
 * stack on that copy (`startLocalStack({ dbPath })`), so a run never changes the cache. The reviews
 * are the same items written the same way (BatchWriteItem, 25 per call, 8 writers) as a seed in the
 * run would write; only their storage differs (DynamoDB Local's data file in RAM instead of its
 * in-memory database), which both sides of each ratio share.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '../src/catalog/tables';
import { DynamoDbLocal } from '../local/dynamodb-local';
import { REPO_ROOT } from '../local/processes';
import { createTableInput, createTables, localTableName } from '../local/resources';
import { LOCAL_CREDENTIALS, LOCAL_TABLE_PREFIX } from '../local/stack';
import { reviewItem } from './cost-items';
import { seedReviews } from './query-100k';

export const QUERY_SEED_CACHE_DIR = join(REPO_ROOT, '.cache', 'bench-query-100k');
/** The supplier whose reviews are seeded (an id of the product's format; its key is issued per run). */
export const QUERY_SEED_SUPPLIER = `sup_bench100k${'0'.repeat(17)}`;
/** Bumped when the way a seed is written changes in a way the inputs below do not show. */
const SEED_FORMAT = 'query-100k-seed/2';
const META_FILE = 'seed.json';
/** Partial folders older than this are abandoned (a run killed while seeding). */
const ABANDONED_MS = 60 * 60 * 1000;
/**
 * Where DynamoDB Local runs on a data file: a RAM-backed folder (tmpfs), where its writes cost no
 * disk syncs. On a disk, every write waits for one: the seed ran at about 40 items/s instead of
 * about 1,000 (checked once), and a run's copy would answer slower than the in-memory store it
 * replaces. Elsewhere than Linux: the temporary folder.
 */
const RAM_DIR = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
/** The name prefix of this module's folders in RAM_DIR (a seed being built, a run's copy). */
const RAM_PREFIX = 'wedsync-query-100k-';

export interface QuerySeedMeta {
  readonly key: string;
  readonly reviews: number;
  readonly supplierId: string;
  readonly createdAt: string;
  /** What building it took (the seed alone, and the whole build with the count and the copy). */
  readonly seedSeconds: number;
  readonly buildSeconds: number;
  readonly bytes: number;
}

export interface QuerySeed {
  readonly meta: QuerySeedMeta;
  /** Built in this run (false: reused from an earlier run). */
  readonly built: boolean;
  /** A folder holding a copy of the seeded data file, for this run's stack (`dbPath`); deleted by `dispose`. */
  readonly dbPath: string;
  /** Seconds to find (or build) the seed and copy it for this run. */
  readonly prepareSeconds: number;
  dispose(): void;
}

/**
 * What the seed's data file holds besides the items: the Reviews table as the local mode creates
 * it (its CreateTable request and TTL attribute), and nothing of the other tables, which the
 * stack creates on the copy as on an empty store. A change to another table is no new key.
 */
export function seedTableShape(): {
  readonly create: CreateTableCommandInput;
  readonly ttlAttribute?: string;
} {
  const reviews = tableDefinition('Reviews');
  return { create: createTableInput(LOCAL_TABLE_PREFIX, reviews), ttlAttribute: reviews.ttlAttribute };
}

/**
 * The key of a seed of `reviews` reviews: a hash of its items, its table (`seedTableShape`), the
 * emulator and this format.
 */
export function querySeedKey(
  reviews: number,
  supplierId = QUERY_SEED_SUPPLIER,
  table = seedTableShape(),
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: SEED_FORMAT, reviews, supplierId, table }));
  const emulatorSum = join(REPO_ROOT, '.local', 'dynamodb-local', 'sha256');
  hash.update(existsSync(emulatorSum) ? readFileSync(emulatorSum) : 'unknown emulator');
  for (let i = 0; i < reviews; i += 1) hash.update(JSON.stringify(reviewItem(i, supplierId, true)));
  return hash.digest('hex').slice(0, 24);
}

function readMeta(dir: string): QuerySeedMeta | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, META_FILE), 'utf8')) as QuerySeedMeta;
  } catch {
    return undefined;
  }
}

const folderBytes = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(join(dir, e.name)).size, 0);

/** The cache folder of a seed: its count, then its key (one seed is kept per count). */
export const querySeedFolder = (reviews: number, key: string): string => `${reviews}-${key}`;

/**
 * Deletes the seeds of the same count under other keys (a smaller test seed never deletes the
 * 100k one), and partial ones (being copied in) once they are older than an hour (another run may
 * be writing a younger one).
 */
export function pruneQuerySeeds(cacheDir: string, keep: string, nowMs = Date.now()): void {
  if (!existsSync(cacheDir)) return;
  const count = keep.split('-')[0]!;
  for (const entry of readdirSync(cacheDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep || entry.name.split('-')[0] !== count) continue;
    const path = join(cacheDir, entry.name);
    const inUse = /\.partial-/.test(entry.name) && nowMs - statSync(path).mtimeMs < ABANDONED_MS;
    if (!inUse) rmSync(path, { recursive: true, force: true });
  }
}

/** Deletes this module's folders in the RAM folder left by runs killed more than an hour ago. */
function pruneRamLeftovers(nowMs = Date.now()): void {
  for (const entry of readdirSync(RAM_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith(RAM_PREFIX)) continue;
    const path = join(RAM_DIR, entry.name);
    if (nowMs - statSync(path).mtimeMs > ABANDONED_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** Seeds a fresh file-backed DynamoDB Local in `dir` (the Reviews table, then the reviews). */
async function build(
  dir: string,
  key: string,
  reviews: number,
  log: (line: string) => void,
): Promise<QuerySeedMeta> {
  const started = performance.now();
  const store = await DynamoDbLocal.start({ dbPath: dir });
  const client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    await createTables(client, LOCAL_TABLE_PREFIX, { only: ['Reviews'] });
    const doc = DynamoDBDocumentClient.from(client);
    const table = localTableName(LOCAL_TABLE_PREFIX, tableDefinition('Reviews'));
    const seedStart = performance.now();
    await seedReviews(doc, table, QUERY_SEED_SUPPLIER, reviews, (done) =>
      log(`query-100k: ${done} of ${reviews} seeded...`),
    );
    const seedSeconds = round((performance.now() - seedStart) / 1000);
    // Every review is there before the seed is kept (a seed is reused for as long as its key
    // holds): the table's item count (DynamoDB Local counts it live), and the last review as built.
    // (A COUNT Query over the 100,000 took minutes: DynamoDB Local reads 1 MB pages of items.)
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    const last = reviewItem(reviews - 1, QUERY_SEED_SUPPLIER, true);
    const stored = await doc.send(new GetCommand({ TableName: table, Key: { pk: last.pk, sk: last.sk } }));
    if (Table?.ItemCount !== reviews || !isDeepStrictEqual(stored.Item, last)) {
      throw new Error(
        `query-100k seed: ${Table?.ItemCount} items stored of ${reviews}, or the last one differs`,
      );
    }
    log(`query-100k: seeded ${reviews} reviews in ${seedSeconds} s, checked; keeping the data file`);
    return {
      key,
      reviews,
      supplierId: QUERY_SEED_SUPPLIER,
      createdAt: new Date().toISOString(),
      seedSeconds,
      buildSeconds: round((performance.now() - started) / 1000),
      bytes: 0,
    };
  } finally {
    client.destroy();
    await store.stop();
  }
}

/**
 * The seed of `reviews` reviews for this run: reused when one with the same key is cached, built
 * (and cached) otherwise; a copy of its data file in a folder of its own for the run's stack.
 */
export async function prepareQuerySeed(
  reviews: number,
  log: (line: string) => void,
  cacheDir = QUERY_SEED_CACHE_DIR,
): Promise<QuerySeed> {
  const started = performance.now();
  const key = querySeedKey(reviews);
  const dir = join(cacheDir, querySeedFolder(reviews, key));
  let meta = readMeta(dir);
  const built = meta === undefined;
  mkdirSync(cacheDir, { recursive: true });
  pruneQuerySeeds(cacheDir, querySeedFolder(reviews, key));
  pruneRamLeftovers();
  if (!meta) {
    log(
      `query-100k: no cached seed for key ${key} (the items, the tables or the emulator changed, or a first run): ` +
        `seeding ${reviews} reviews once into ${cacheDir} (about 2 minutes for 100,000)...`,
    );
    // Seeded in RAM, then copied into the cache under a partial name, renamed once complete.
    const work = mkdtempSync(join(RAM_DIR, `${RAM_PREFIX}build-`));
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    try {
      const fresh = await build(work, key, reviews, log);
      cpSync(work, partial, { recursive: true });
      meta = { ...fresh, bytes: folderBytes(partial) };
      writeFileSync(join(partial, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(partial, dir);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      throw error;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  } else {
    log(
      `query-100k: reusing the cached seed ${key} (${meta.reviews} reviews, ${(meta.bytes / 1e6).toFixed(0)} MB, ` +
        `built ${meta.createdAt} in ${meta.buildSeconds} s)`,
    );
  }
  // The run's stack gets a copy, in RAM: the cached file stays as it was seeded.
  const dbPath = mkdtempSync(join(RAM_DIR, `${RAM_PREFIX}run-`));
  for (const entry of readdirSync(dir)) {
    if (entry !== META_FILE) cpSync(join(dir, entry), join(dbPath, entry), { recursive: true });
  }
  return {
    meta,
    built,
    dbPath,
    prepareSeconds: round((performance.now() - started) / 1000),
    dispose: () => rmSync(dbPath, { recursive: true, force: true }),
  };
}

const round = (value: number) => Math.round(value * 10) / 10;
