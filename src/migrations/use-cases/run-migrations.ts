/**
 * Runs the data migrations in id order (issue 11), each at most once to completion.
 * 1. A migration the ledger records as done is skipped.
 * 2. Otherwise the runner claims it (a lease, so two runners never page the same migration) and
 *    resumes from its checkpoint: the last evaluated key of the last page applied.
 * 3. Page by page (Scan, `pageSize` items): the migration applies the page with conditional
 *    writes of its own, then the runner checkpoints the page's last key and the counts. A crash
 *    between the two re-runs that one page, which every migration must tolerate (it skips items
 *    already migrated). Pages are small and paced (`pauseMs`) so ingestion is never starved.
 * 4. At the end the ledger records the migration as done with its counts.
 * A dry run pages through everything, counts what would change, and writes nothing (not even the ledger).
 */
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableId } from '../../catalog/tables';
import { addCounts, NO_COUNTS, progressLine, type MigrationCounts } from '../domain/progress';
import type { DocItem, Migration, MigrationLedger } from '../ports';

export interface RunOptions {
  readonly client: DynamoDBDocumentClient;
  readonly ledger: MigrationLedger;
  readonly tableName: (id: TableId) => string;
  readonly dryRun?: boolean;
  /** Take a running migration over from a runner whose lease has not expired (it crashed). */
  readonly takeOver?: boolean;
  readonly leaseMs?: number;
  /** Pause between pages (ms), to leave the table's capacity to ingestion. */
  readonly pauseMs?: number;
  /** Only this migration. */
  readonly only?: string;
  /** Progress (a bar that redraws, or a line every few seconds): stderr in the CLI. */
  readonly progress?: (line: string, final: boolean) => void;
  readonly log?: (line: string) => void;
  /** Fault injection for tests: throw after applying this many pages, before checkpointing the last. */
  readonly crashAfterPages?: number;
  readonly now?: () => Date;
}

export interface MigrationOutcome {
  readonly id: string;
  readonly result: 'done' | 'already-done' | 'held-by-another-runner' | 'dry-run';
  readonly counts: MigrationCounts;
  readonly seconds: number;
}

export class InjectedCrash extends Error {}

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_LEASE_MS = 120_000;
const PROGRESS_EVERY_MS = 1000;

async function approximateCount(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<number | undefined> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return Table?.ItemCount;
}

export async function runMigrations(
  migrations: readonly Migration[],
  options: RunOptions,
): Promise<MigrationOutcome[]> {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const owner = `runner-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const dryRun = Boolean(options.dryRun);
  const outcomes: MigrationOutcome[] = [];
  const selected = [...migrations]
    .filter((m) => options.only === undefined || m.id === options.only)
    .sort((a, b) => a.id.localeCompare(b.id));
  let pagesApplied = 0;

  for (const migration of selected) {
    const started = Date.now();
    const existing = await options.ledger.get(migration.id);
    if (existing?.status === 'done') {
      log(`${migration.id}: already done (${existing.finishedAt}), ${existing.counts.changed} items changed`);
      outcomes.push({ id: migration.id, result: 'already-done', counts: existing.counts, seconds: 0 });
      continue;
    }
    let counts = NO_COUNTS;
    let startKey: DocItem | undefined;
    if (!dryRun) {
      const claimed = await options.ledger.claim(
        migration.id,
        owner,
        now().getTime() + leaseMs,
        Boolean(options.takeOver),
        now(),
      );
      if (!claimed) {
        log(
          `${migration.id}: another runner holds it (wait for its lease to expire, or --take-over if it crashed)`,
        );
        outcomes.push({ id: migration.id, result: 'held-by-another-runner', counts: NO_COUNTS, seconds: 0 });
        continue;
      }
      counts = claimed.counts;
      startKey = claimed.checkpoint;
      log(startKey ? `${migration.id}: resuming after ${counts.scanned} items` : `${migration.id}: starting`);
    }
    const tableName = options.tableName(migration.table);
    const total = await approximateCount(options.client, tableName);
    const context = { client: options.client, tableName, dryRun };
    let lastDrawn = 0;
    let read = 0;
    do {
      const page = await options.client.send(
        new ScanCommand({
          TableName: tableName,
          Limit: migration.pageSize ?? DEFAULT_PAGE_SIZE,
          ExclusiveStartKey: startKey,
          ...(migration.filter
            ? {
                FilterExpression: migration.filter.expression,
                ExpressionAttributeNames: migration.filter.names,
                ExpressionAttributeValues: migration.filter.values,
              }
            : {}),
        }),
      );
      const outcome = await migration.migratePage(page.Items ?? [], context);
      // Scanned counts what the filter let through; the bar measures against the table's items.
      counts = addCounts(counts, outcome);
      read += page.ScannedCount ?? 0;
      pagesApplied += 1;
      if (options.crashAfterPages !== undefined && pagesApplied >= options.crashAfterPages) {
        throw new InjectedCrash(`injected crash after ${pagesApplied} pages`);
      }
      startKey = page.LastEvaluatedKey;
      if (!dryRun) {
        await options.ledger.checkpoint(migration.id, owner, startKey, counts, now().getTime() + leaseMs);
      }
      if (options.progress && Date.now() - lastDrawn >= PROGRESS_EVERY_MS) {
        lastDrawn = Date.now();
        options.progress(
          progressLine(migration.id, counts, total, (Date.now() - started) / 1000, dryRun),
          false,
        );
      }
      if (startKey && options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    } while (startKey);
    const seconds = (Date.now() - started) / 1000;
    options.progress?.(progressLine(migration.id, counts, total, seconds, dryRun, read), true);
    if (!dryRun) await options.ledger.finish(migration.id, owner, counts, now());
    log(
      `${migration.id}: ${dryRun ? 'dry run, nothing written' : 'done'}: ${counts.scanned} items in ${counts.pages} pages, ` +
        `${counts.changed} ${dryRun ? 'would change' : 'changed'}, ${counts.unchanged} unchanged, ${counts.conflicts} conflicts, ${seconds.toFixed(1)} s`,
    );
    outcomes.push({ id: migration.id, result: dryRun ? 'dry-run' : 'done', counts, seconds });
  }
  return outcomes;
}
