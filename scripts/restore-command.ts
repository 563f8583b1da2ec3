/**
 * `npm run cli -- restore ...` (issue 11, runbooks/disaster-recovery.md). Table names come from the
 * same environment as the other commands (TABLE_*). In AWS (no AWS_ENDPOINT_URL_DYNAMODB) each
 * table is restored with RestoreTableToPointInTime; against DynamoDB Local, which has no PITR, by
 * export and import. Either way the copies are then verified (counts and checksums, per-item diff
 * on a mismatch) and the cut-over steps printed.
 */
import { dynamoClient } from '../src/shared/aws-clients';
import { requireEnv } from '../src/shared/env';
import { TABLES, type TableDefinition } from '../src/catalog/tables';
import {
  copyBack,
  cutOverSteps,
  restoreTables,
  type RestorePlanEntry,
  type RestoreReport,
} from '../src/recovery/use-cases/restore-tables';
import { ExportImportRestorer, PitrRestorer } from '../src/recovery/adapters/table-restore';
import { formatVerification } from '../src/recovery/domain/verification';

export const RESTORE_OPTIONS = {
  tables: { type: 'string' },
  suffix: { type: 'string' },
  at: { type: 'string' },
  'allow-drift': { type: 'boolean' },
  'copy-back': { type: 'boolean' },
  prune: { type: 'boolean' },
} as const;

export const RESTORE_USAGE = `  npm run cli -- restore [--tables <Reviews,Deliveries,...>] [--suffix <restore-...>] [--at <ISO time>] [--allow-drift]
  npm run cli -- restore --copy-back --suffix <suffix> [--tables <...>] [--prune]`;

interface RestoreValues {
  readonly tables?: string;
  readonly suffix?: string;
  readonly at?: string;
  readonly 'allow-drift'?: boolean;
  readonly 'copy-back'?: boolean;
  readonly prune?: boolean;
}

const SUFFIX = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,39}$/;

/** `restore-20260601T1200` from the current time (the copy of table T is `T-<suffix>`). */
const defaultSuffix = (now: Date) => `restore-${now.toISOString().slice(0, 16).replace(/[-:]/g, '')}`;

function selectTables(list: string | undefined, usage: (m: string) => Error): TableDefinition[] {
  if (list === undefined) return [...TABLES];
  const ids = list.split(',').map((id) => id.trim());
  return ids.map((id) => {
    const table = TABLES.find((t) => t.id.toLowerCase() === id.toLowerCase());
    if (!table) throw usage(`unknown table "${id}": ${TABLES.map((t) => t.id).join(', ')}`);
    return table;
  });
}

function printReport(report: RestoreReport, out: (line: string) => void): void {
  for (const line of formatVerification(report.verifications)) out(line);
  out(`restore ${report.seconds.restore.toFixed(1)} s, verification ${report.seconds.verify.toFixed(1)} s`);
}

export async function restoreCommand(
  values: RestoreValues,
  out: (line: string) => void,
  usage: (message: string) => Error,
): Promise<number> {
  const tables = selectTables(values.tables, usage);
  if (values.suffix !== undefined && !SUFFIX.test(values.suffix)) {
    throw usage('--suffix: 1-40 letters, digits, "-", "_" or ".", not starting with "-"');
  }
  const at = values.at === undefined ? undefined : new Date(values.at);
  if (at && Number.isNaN(at.getTime())) throw usage('--at must be an ISO time (2026-06-01T12:00:00Z)');
  const local = Boolean(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  const client = dynamoClient();

  if (values['copy-back']) {
    if (!values.suffix) throw usage('--copy-back needs the --suffix of the restored tables');
    if (at) throw usage('--at belongs to the restore, not to --copy-back');
    const plan: RestorePlanEntry[] = tables.map((t) => {
      const source = requireEnv(t.envVar);
      return { id: t.id, source, target: `${source}-${values.suffix}` };
    });
    out(
      `copying ${plan.length} restored tables back (writers must be paused: runbooks/disaster-recovery.md)`,
    );
    const report = await copyBack(client, plan, { prune: Boolean(values.prune) }, out);
    printReport(report, out);
    out(
      report.ok
        ? 'the live tables now equal the restored copies'
        : 'the live tables differ from the restored copies',
    );
    return report.ok ? 0 : 1;
  }

  if (values.prune) throw usage('--prune belongs to --copy-back');
  if (local && at) throw usage('--at needs point-in-time recovery, which DynamoDB Local does not have');
  const suffix = values.suffix ?? defaultSuffix(new Date());
  const plan: RestorePlanEntry[] = tables.map((t) => {
    const source = requireEnv(t.envVar);
    return { id: t.id, source, target: `${source}-${suffix}` };
  });
  const restorer = local ? new ExportImportRestorer(client) : new PitrRestorer(client, at);
  const report = await restoreTables(client, restorer, plan, out);
  printReport(report, out);
  const drift = !report.ok && Boolean(values['allow-drift']);
  if (report.ok) out(`verified: every restored table equals its source (${plan.length} tables)`);
  else if (drift)
    out(
      'the copies differ from the live tables, as expected after writes since the restore point (--allow-drift)',
    );
  else
    out(
      'verification FAILED: see the differences above (--allow-drift if the live tables took writes since then)',
    );
  for (const line of cutOverSteps(plan, suffix)) out(line);
  return report.ok || drift ? 0 : 1;
}
