/** The counts of a migration run and the one-line progress shown on stderr. */
export interface MigrationCounts {
  readonly pages: number;
  readonly scanned: number;
  /** Items changed (a dry run: items that would change). */
  readonly changed: number;
  readonly unchanged: number;
  /** Items a concurrent writer changed under us twice in a row: left as that writer wrote them. */
  readonly conflicts: number;
}

export const NO_COUNTS: MigrationCounts = { pages: 0, scanned: 0, changed: 0, unchanged: 0, conflicts: 0 };

export const addCounts = (a: MigrationCounts, b: Omit<MigrationCounts, 'pages'>): MigrationCounts => ({
  pages: a.pages + 1,
  scanned: a.scanned + b.scanned,
  changed: a.changed + b.changed,
  unchanged: a.unchanged + b.unchanged,
  conflicts: a.conflicts + b.conflicts,
});

const BAR_WIDTH = 24;

/**
 * `[0001-rescore-reviews] [#########---------------]  37% 37,000/100,000 scanned · 36,990 changed ·
 * 10 unchanged · 0 conflicts · 812/s`. `estimatedTotal` is DynamoDB's approximate item count (0 or
 * unknown: no bar).
 */
export function progressLine(
  id: string,
  counts: MigrationCounts,
  estimatedTotal: number | undefined,
  elapsedSeconds: number,
  dryRun: boolean,
  /** Items read from the table in this run (before the filter): what the bar measures. */
  read: number = counts.scanned,
): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const rate = Math.round(counts.scanned / Math.max(0.001, elapsedSeconds));
  let bar = '';
  if (estimatedTotal && estimatedTotal > 0) {
    const share = Math.min(1, read / estimatedTotal);
    const filled = Math.round(share * BAR_WIDTH);
    bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${n(read)}/${n(estimatedTotal)} read, ${n(counts.scanned)} matched`;
  } else {
    bar = `${n(counts.scanned)} scanned`;
  }
  const verb = dryRun ? 'would change' : 'changed';
  return `[${id}${dryRun ? ' dry run' : ''}] ${bar} · ${n(counts.changed)} ${verb} · ${n(counts.unchanged)} unchanged · ${n(counts.conflicts)} conflicts · ${n(rate)}/s`;
}

/** Migration files are `NNNN-name.ts`: four digits, then lowercase words joined by hyphens. */
export const MIGRATION_FILE = /^(\d{4}-[a-z0-9]+(?:-[a-z0-9]+)*)\.ts$/;
