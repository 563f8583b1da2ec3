/**
 * Restore tables into new tables and prove the copies (issue 11, runbooks/disaster-recovery.md).
 * 1. Each source table is restored into `<source>-<suffix>` by the restorer given (point-in-time
 *    restore in AWS, export + import where there is no PITR), one table after another.
 * 2. Each copy is verified against its source: item count and order-independent checksum; on a
 *    mismatch, every item's hash is compared to list the missing, extra and altered items.
 * 3. The result says which tables match; the caller prints the cut-over steps.
 * A restore to an earlier point in time than now is expected to differ from a source that kept
 * taking writes: `allowDrift` reports those differences without failing.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { diffItems, verifyDigests, type TableVerification } from '../domain/verification';
import { digestTable, keyNamesOf } from '../adapters/table-digest';
import { batchDelete, batchPut, keyFromCanonical } from '../adapters/table-export';
import { scanTable } from '../adapters/table-scan';
import type { TableRestorer } from '../adapters/table-restore';

export interface RestorePlanEntry {
  /** Catalog id (Reviews, ...), for the operator. */
  readonly id: string;
  readonly source: string;
  readonly target: string;
}

export interface RestoreReport {
  readonly verifications: readonly TableVerification[];
  readonly ok: boolean;
  readonly seconds: { readonly restore: number; readonly verify: number };
}

/** Compares a copy with its source: digests, then the per-item diff when they differ. */
export async function verifyCopy(
  sourceClient: DynamoDBClient,
  source: string,
  copyClient: DynamoDBClient,
  copy: string,
): Promise<TableVerification> {
  const [a, b] = await Promise.all([digestTable(sourceClient, source), digestTable(copyClient, copy)]);
  const result = verifyDigests(source, a.digest, b.digest);
  if (result.ok) return result;
  const [fullA, fullB] = await Promise.all([
    digestTable(sourceClient, source, { withItems: true }),
    digestTable(copyClient, copy, { withItems: true }),
  ]);
  return { ...result, diff: diffItems(fullA.items!, fullB.items!) };
}

export async function restoreTables(
  client: DynamoDBClient,
  restorer: TableRestorer,
  plan: readonly RestorePlanEntry[],
  log: (line: string) => void,
): Promise<RestoreReport> {
  const started = Date.now();
  for (const entry of plan) {
    log(`restoring ${entry.id}: ${entry.source} -> ${entry.target} (${restorer.kind})`);
    await restorer.restore(entry.source, entry.target, (line) => log(`  ${line}`));
  }
  const restored = Date.now();
  const verifications: TableVerification[] = [];
  for (const entry of plan) {
    verifications.push(await verifyCopy(client, entry.source, client, entry.target));
  }
  return {
    verifications,
    ok: verifications.every((v) => v.ok),
    seconds: { restore: (restored - started) / 1000, verify: (Date.now() - restored) / 1000 },
  };
}

/** The steps after a verified restore, for the tables restored with `suffix`. */
export function cutOverSteps(plan: readonly RestorePlanEntry[], suffix: string): string[] {
  const tables = plan.map((p) => p.id).join(',');
  return [
    'Cut-over (runbooks/disaster-recovery.md, "Cut over"):',
    '  1. Pause the writers: disable the event source mappings of the workers (aws lambda',
    '     update-event-source-mapping --uuid <id> --no-enabled, every region). The API keeps answering',
    '     202 for reviews (they wait in the ingest queue, kept 4 days); other writes answer 503.',
    `  2. Inspect the restored tables (*-${suffix}): the verification above, and spot checks with`,
    '     `npm run cli -- trace <reviewId>` pointed at them (TABLE_REVIEWS=<restored name>).',
    '  3. Copy the restored items back into the live global tables (they keep their names, their',
    '     replicas in every region and their CDK ownership):',
    `     npm run cli -- restore --copy-back --suffix ${suffix} --tables ${tables}`,
    '     (puts overwrite; add --prune to delete live items that are not in the restored copy).',
    '  4. Re-enable the event source mappings; the queued reviews drain. Watch the DLQ alarms.',
    `  5. After a day, delete the restored tables (*-${suffix}); deletion protection is off on them.`,
  ];
}

/**
 * Copies each restored table (`target`) back into its live table (`source`), with the writers
 * paused (cut-over step 3).
 * 1. Every restored item is put into the live table (a put overwrites the live version).
 * 2. With `prune`, live items whose key is not in the restored copy are deleted (items written
 *    after the restore point, such as the ones a bad deploy created).
 * 3. The live table is verified against the restored copy: they must now be equal.
 */
export async function copyBack(
  client: DynamoDBClient,
  plan: readonly RestorePlanEntry[],
  options: { readonly prune: boolean },
  log: (line: string) => void,
): Promise<RestoreReport> {
  const started = Date.now();
  for (const entry of plan) {
    let copied = 0;
    await scanTable(client, entry.target, async (page) => {
      for (let i = 0; i < page.length; i += 25) await batchPut(client, entry.source, page.slice(i, i + 25));
      copied += page.length;
    });
    log(`${entry.id}: ${copied} items copied from ${entry.target} into ${entry.source}`);
    if (options.prune) {
      const keyNames = await keyNamesOf(client, entry.source);
      const [live, restored] = await Promise.all([
        digestTable(client, entry.source, { withItems: true }),
        digestTable(client, entry.target, { withItems: true }),
      ]);
      const stale = [...live.items!.keys()].filter((key) => !restored.items!.has(key));
      for (let i = 0; i < stale.length; i += 25) {
        await batchDelete(
          client,
          entry.source,
          stale.slice(i, i + 25).map((key) => keyFromCanonical(key, keyNames)),
        );
      }
      log(`${entry.id}: ${stale.length} live items not in the restored copy deleted`);
    }
  }
  const copiedAt = Date.now();
  const verifications: TableVerification[] = [];
  for (const entry of plan) verifications.push(await verifyCopy(client, entry.target, client, entry.source));
  return {
    verifications,
    ok: verifications.every((v) => v.ok),
    seconds: { restore: (copiedAt - started) / 1000, verify: (Date.now() - copiedAt) / 1000 },
  };
}
