/**
 * The restore drill (issue 11): `npm run drill:restore [-- --count 100000] [--segments 4]`.
 * 1. Seed: a DynamoDB Local (its own process) gets the catalog's tables and `count` reviews with
 *    their related items. The first supplier's 1,000 reviews are written by the real repositories:
 *    each review with its audit record and the supplier's summary counters (DynamoReviewRepository),
 *    one review request per tenth review (DynamoReviewRequestRepository), and, for its latest
 *    tenth (the event log keeps 14 days, reviews stay for years), each review's events in the event
 *    log (DynamoEventLog) and a delivery per review.received event (DynamoDeliveryStore). Every further supplier is
 *    a copy of those exact items with the supplier and every id renamed (BatchWriteItem): the
 *    repositories' transactions run at tens of reviews a second on a loaded DynamoDB Local, and the
 *    drill is about restoring items, not about writing them.
 * 2. Export: every table by parallel Scan segments to JSON-lines files in a temporary directory.
 * 3. Restore: a fresh DynamoDB Local (a second process) gets the same tables; the files are
 *    imported with BatchWriteItem, unprocessed items retried.
 * 4. Verify: every table's item count and checksum against the source, and, on a mismatch, the
 *    per-item diff (missing, extra, altered).
 * Prints progress and each phase's time; exits 1 when any item is lost or altered.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../src/shared/concurrency';
import { TABLES, tableDefinition, type TableId } from '../src/catalog/tables';
import {
  DynamoReviewRepository,
  MAX_REVIEWS_PER_TRANSACTION,
} from '../src/reviews/adapters/review-repository';
import { DynamoReviewRequestRepository } from '../src/reviews/adapters/dynamo-records';
import { DynamoDeliveryStore } from '../src/webhooks/adapters/deliveries';
import { DynamoEventLog } from '../src/webhooks/adapters/event-log';
import { deliveryIdFor } from '../src/webhooks/domain/webhook';
import { eventsForStoredReview, reviewIdFor, type Review } from '../src/reviews';
import { buildOutboundEvent, serializeOutboundEvent, type OutboundEventType } from '../src/events';
import { batchPut, exportFilesOf, exportTable, importFiles } from '../src/recovery/adapters/table-export';
import { DEFAULT_SEGMENTS, scanTable } from '../src/recovery/adapters/table-scan';
import { itemLine, parseItemLine } from '../src/recovery/domain/json-lines';
import { verifyCopy } from '../src/recovery/use-cases/restore-tables';
import { formatVerification, type TableVerification } from '../src/recovery/domain/verification';
import { DynamoDbLocal } from '../local/dynamodb-local';
import { createTables, localTableName } from '../local/resources';

export interface DrillOptions {
  readonly reviews: number;
  readonly log?: (line: string) => void;
  /** Runs between restore and verify on the restored store (tests: lose or alter an item). */
  readonly tamper?: (client: DynamoDBClient, tableName: (id: TableId) => string) => Promise<void>;
  /** Parallel Scan segments per table (export and verification). */
  readonly segments?: number;
}

export interface DrillReport {
  readonly ok: boolean;
  readonly items: number;
  readonly seconds: Readonly<Record<'seed' | 'export' | 'restore' | 'verify', number>>;
  readonly verifications: readonly TableVerification[];
}

const PREFIX = 'drill';
export const REVIEWS_PER_SUPPLIER = 1000;
const REQUEST_EVERY = 10;
/** The latest tenth of a supplier's reviews is recent enough to still have events and deliveries. */
const RECENT_SHARE = 0.1;
const SEED_CONCURRENCY = 8;
const DAY_MS = 86_400_000;
/** A fixed clock: the drill writes the same items every time. */
const BASE_MS = Date.parse('2026-06-01T00:00:00.000Z');

const localClient = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 8,
  });

const iso = (ms: number) => new Date(ms).toISOString();

/** Review `i` of the drill: every tenth came through a review request, the others from Google. */
function drillReview(
  i: number,
  perSupplier: number,
): { review: Review; requestId?: string; recent: boolean } {
  const supplierId = `sup_drill${String(Math.floor(i / REVIEWS_PER_SUPPLIER)).padStart(4, '0')}`;
  const requestId = i % REQUEST_EVERY === 0 ? `req_drill${String(i).padStart(8, '0')}` : undefined;
  const origin = requestId
    ? ({ kind: 'review-request', requestId } as const)
    : ({ kind: 'external', platform: 'google', externalId: `g-${i}` } as const);
  const at = iso(BASE_MS + i * 1000);
  const rating = 1 + (i % 5);
  const review: Review = {
    reviewId: reviewIdFor(supplierId, origin),
    supplierId,
    platform: 'google',
    ...(origin.kind === 'external' ? { externalId: origin.externalId } : { requestId }),
    rating,
    title: rating >= 4 ? `Wonderful day ${i}` : `Not what we hoped ${i}`,
    body:
      rating >= 4
        ? `The flowers were beautiful and the team was kind and on time. Review number ${i}.`
        : `Late delivery, wilted bouquets and no answer to our calls. Review number ${i}.`,
    reviewerName: `Couple ${i}`,
    verified: origin.kind === 'review-request',
    reviewedAt: at,
    receivedAt: at,
    versionAt: at,
    origin,
    actor:
      origin.kind === 'review-request'
        ? { kind: 'couple', id: requestId! }
        : { kind: 'producer', id: 'drill' },
    correlationId: `drill-${i}`,
    insights: {
      status: 'done',
      sentiment: {
        label: rating >= 4 ? 'positive' : rating === 3 ? 'neutral' : 'negative',
        confidence: 0.9,
        modelVersion: 'drill-seed',
        variant: 'control',
      },
      authenticity: { reasons: [], score: 0.1, duplicateOf: [] },
    },
  };
  return {
    review,
    ...(requestId ? { requestId } : {}),
    recent: i % REVIEWS_PER_SUPPLIER >= perSupplier * (1 - RECENT_SHARE),
  };
}

/** 0, 1, ..., n - 1. */
const indices = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** A progress line at most every 2 s. */
function progress(log: (line: string) => void, label: string, total: number) {
  let done = 0;
  let last = 0;
  const started = Date.now();
  return (n: number) => {
    done += n;
    const now = Date.now();
    if (now - last >= 2000 || done === total) {
      last = now;
      const rate = Math.round(done / Math.max(0.001, (now - started) / 1000));
      log(`  ${label}: ${done}${total ? `/${total}` : ''} items (${rate}/s)`);
    }
  };
}

/** Writes reviews 0..count-1 and their related items through the real repositories. */
async function seedWithRepositories(
  client: DynamoDBClient,
  tableName: (id: TableId) => string,
  count: number,
  log: (line: string) => void = () => undefined,
): Promise<number> {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const reviews = new DynamoReviewRepository(doc, tableName('Reviews'), 'us-east-1', client);
  const requests = new DynamoReviewRequestRepository(doc, tableName('ReviewRequests'));
  const deliveries = new DynamoDeliveryStore(doc, tableName('Deliveries'));
  const eventLog = new DynamoEventLog(doc, tableName('EventLog'));
  const batches = Math.ceil(count / MAX_REVIEWS_PER_TRANSACTION);
  const tick = progress(log, 'seeded reviews', count);
  let writes = 0;
  await mapWithConcurrency(indices(batches), SEED_CONCURRENCY, async (b) => {
    const made = Array.from(
      { length: Math.min(MAX_REVIEWS_PER_TRANSACTION, count - b * MAX_REVIEWS_PER_TRANSACTION) },
      (_, k) => drillReview(b * MAX_REVIEWS_PER_TRANSACTION + k, count),
    );
    // A batch never spans two suppliers: 1000 per supplier is a multiple of 40.
    const supplierId = made[0]!.review.supplierId;
    const storedAt = made[0]!.review.receivedAt;
    await reviews.insertMany(
      supplierId,
      made.map((m) => m.review),
      storedAt,
    );
    writes += made.length * 2 + 1;
    for (const { review, requestId, recent } of made) {
      if (requestId) {
        await requests.put({
          supplierId,
          requestId,
          coupleName: review.reviewerName,
          email: `couple${requestId.slice(-8)}@example.com`,
          weddingDate: review.reviewedAt.slice(0, 10),
          createdAt: iso(Date.parse(review.reviewedAt) - 7 * DAY_MS),
          // Far in the future: DynamoDB Local does not expire items, but a real table would.
          expiresAt: '2099-01-01T00:00:00.000Z',
          delivery: 'email',
          status: 'sent',
          sentAt: iso(Date.parse(review.reviewedAt) - 7 * DAY_MS + 60_000),
        });
        writes += 1;
      }
      if (!recent) continue;
      for (const event of eventsForStoredReview(review, review.receivedAt)) {
        const body = serializeOutboundEvent(
          buildOutboundEvent({
            id: event.id,
            type: event.type as OutboundEventType,
            time: event.time,
            subject: event.subject,
            data: event.data as never, // the reviews capability built it for this very type
          }),
        );
        const loggedAtMs = Date.parse(event.time);
        await eventLog.logEvent(
          {
            supplierId: event.supplierId,
            eventId: event.id,
            eventType: event.type,
            time: event.time,
            body,
            loggedAtMs,
            ...(event.correlationId ? { correlationId: event.correlationId } : {}),
          },
          4_102_444_800, // 2100-01-01: kept for the drill
        );
        writes += 1;
        if (event.type !== 'review.received') continue;
        const endpointId = `ep_drill${supplierId.slice(-4)}`;
        await deliveries.defer(
          {
            deliveryId: deliveryIdFor(event.id, endpointId),
            supplierId,
            endpointId,
            eventId: event.id,
            eventType: event.type,
            status: 'pending',
            attempt: 1,
            roundStart: 1,
            dueAtMs: loggedAtMs + 60_000,
            createdAtMs: loggedAtMs,
            ...(event.correlationId ? { correlationId: event.correlationId } : {}),
          },
          loggedAtMs + 60_000,
          4_102_444_800,
        );
        writes += 1;
      }
    }
    tick(made.length);
  });
  return writes;
}

const TEMPLATE_SUPPLIER = 'drill0000';
const ID_TOKEN = /\b(rev|evt|dlv)_[0-9a-z]{26}\b/g;

/** The id a copy for supplier `copy` gives a template id: same prefix and shape, unique per copy. */
const renamedId = (token: string, copy: number): string =>
  `${token.slice(0, 4)}${createHash('sha256').update(`${token}#${copy}`).digest('hex').slice(0, 26)}`;

/**
 * Writes `count` reviews (a multiple of REVIEWS_PER_SUPPLIER above it) and their related items:
 * the first supplier's through the repositories, the others as renamed copies of those items.
 */
export async function seedDrillData(
  client: DynamoDBClient,
  tableName: (id: TableId) => string,
  count: number,
  log: (line: string) => void = () => undefined,
): Promise<number> {
  if (count > REVIEWS_PER_SUPPLIER && count % REVIEWS_PER_SUPPLIER !== 0) {
    throw new Error(`above ${REVIEWS_PER_SUPPLIER}, the review count must be a multiple of it`);
  }
  await seedWithRepositories(client, tableName, Math.min(count, REVIEWS_PER_SUPPLIER), log);
  const copies = Math.max(1, count / REVIEWS_PER_SUPPLIER) - 1;
  let written = 0;
  for (const id of ['Reviews', 'ReviewRequests', 'Deliveries', 'EventLog'] as const) {
    const lines: string[] = [];
    await scanTable(client, tableName(id), (page) => {
      for (const item of page) lines.push(itemLine(item));
    });
    written += lines.length;
    if (copies === 0) continue;
    const tick = progress(log, `copied ${id}`, lines.length * copies);
    await mapWithConcurrency(indices(copies), SEED_CONCURRENCY, async (c) => {
      const copy = c + 1;
      const supplier = `drill${String(copy).padStart(4, '0')}`;
      const items = lines.map((line) =>
        parseItemLine(
          line.replaceAll(TEMPLATE_SUPPLIER, supplier).replace(ID_TOKEN, (t) => renamedId(t, copy)),
        ),
      );
      for (let i = 0; i < items.length; i += 25) {
        await batchPut(client, tableName(id), items.slice(i, i + 25));
        tick(Math.min(25, items.length - i));
      }
    });
    written += lines.length * copies;
  }
  return written;
}

export async function runRestoreDrill(options: DrillOptions): Promise<DrillReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  const ids = TABLES.map((t) => t.id);
  const tableName = (id: TableId) => localTableName(PREFIX, tableDefinition(id));
  const dir = mkdtempSync(path.join(tmpdir(), 'wedsync-drill-'));
  const source = await DynamoDbLocal.start();
  let target: DynamoDbLocal | undefined;
  const sourceClient = localClient(source.endpoint);
  let targetClient: DynamoDBClient | undefined;
  const seconds = { seed: 0, export: 0, restore: 0, verify: 0 };
  const timed = async <T>(phase: keyof typeof seconds, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    log(`${phase}...`);
    const result = await work();
    seconds[phase] = (Date.now() - started) / 1000;
    log(`${phase}: ${seconds[phase].toFixed(1)} s`);
    return result;
  };
  try {
    await createTables(sourceClient, PREFIX);
    await timed('seed', () => seedDrillData(sourceClient, tableName, options.reviews, log));

    const exported = await timed('export', async () => {
      let total = 0;
      for (const id of ids) {
        const result = await exportTable(sourceClient, tableName(id), dir, {
          segments,
          onItems: progress(log, `exporting ${id}`, 0),
        });
        if (result.items > 0) log(`  exported ${id}: ${result.items} items`);
        total += result.items;
      }
      return total;
    });
    log(`  ${exported} items in JSON-lines files under ${dir}`);

    await timed('restore', async () => {
      target = await DynamoDbLocal.start();
      targetClient = localClient(target.endpoint);
      await createTables(targetClient, PREFIX);
      for (const id of ids) {
        const files = exportFilesOf(dir, tableName(id));
        if (files.length > 0) {
          const n = await importFiles(targetClient, tableName(id), files, {
            onItems: progress(log, `restoring ${id}`, 0),
          });
          log(`  restored ${id}: ${n} items`);
        }
      }
    });
    if (options.tamper) await options.tamper(targetClient!, tableName);

    const verifications = await timed('verify', async () => {
      const results: TableVerification[] = [];
      for (const id of ids) {
        const result = await verifyCopy(sourceClient, tableName(id), targetClient!, tableName(id));
        results.push({ ...result, table: id });
      }
      return results;
    });
    for (const line of formatVerification(verifications.filter((v) => v.source.count > 0 || !v.ok)))
      log(line);
    const ok = verifications.every((v) => v.ok);
    log(
      ok
        ? `drill passed: every one of ${exported} items restored and verified`
        : 'drill FAILED: items lost or altered',
    );
    return { ok, items: exported, seconds, verifications };
  } finally {
    sourceClient.destroy();
    targetClient?.destroy();
    await Promise.allSettled([source.stop(), target?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100000' },
      segments: { type: 'string', default: String(DEFAULT_SEGMENTS) },
    },
  });
  const count = Number(values.count);
  const segments = Number(values.segments);
  for (const [name, value] of [
    ['--count', count],
    ['--segments', segments],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      console.error(`${name} must be a positive integer`);
      process.exit(2);
    }
  }
  const load = loadavg()[0]!.toFixed(2);
  console.log(
    `restore drill: ${count} reviews, ${segments} scan segments; ${cpus().length} cores, load average ${load} at start`,
  );
  const started = Date.now();
  runRestoreDrill({ reviews: count, segments }).then(
    (report) => {
      const s = report.seconds;
      console.log(
        `times: seed ${s.seed.toFixed(1)} s, export ${s.export.toFixed(1)} s, restore ${s.restore.toFixed(1)} s, ` +
          `verify ${s.verify.toFixed(1)} s; total ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `load average ${loadavg()[0]!.toFixed(2)} at the end`,
      );
      process.exit(report.ok ? 0 : 1);
    },
    (error: unknown) => {
      console.error(`drill error: ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    },
  );
}
