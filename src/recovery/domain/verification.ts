/**
 * Verifying a restored (or copied) table against its source: the digests first (count and
 * checksum, cheap to compare); on a mismatch, a per-item diff from each side's key -> hash map
 * says exactly which items are missing, extra or altered.
 */
import { sameDigest, type TableDigest } from './item-hash';

export interface ItemDiff {
  /** Keys in the source and not in the copy (lost). */
  readonly missing: readonly string[];
  /** Keys in the copy and not in the source. */
  readonly extra: readonly string[];
  /** Keys in both whose content differs. */
  readonly altered: readonly string[];
}

export interface TableVerification {
  readonly table: string;
  readonly source: TableDigest;
  readonly copy: TableDigest;
  readonly ok: boolean;
  /** Present when the digests differ and the item hashes were compared. */
  readonly diff?: ItemDiff;
}

/** Per-item differences between two key -> item-hash maps (keys sorted, for stable output). */
export function diffItems(source: ReadonlyMap<string, string>, copy: ReadonlyMap<string, string>): ItemDiff {
  const missing: string[] = [];
  const altered: string[] = [];
  for (const [key, hash] of source) {
    const other = copy.get(key);
    if (other === undefined) missing.push(key);
    else if (other !== hash) altered.push(key);
  }
  const extra = [...copy.keys()].filter((key) => !source.has(key));
  return { missing: missing.sort(), extra: extra.sort(), altered: altered.sort() };
}

export const diffSize = (diff: ItemDiff): number =>
  diff.missing.length + diff.extra.length + diff.altered.length;

export function verifyDigests(table: string, source: TableDigest, copy: TableDigest): TableVerification {
  return { table, source, copy, ok: sameDigest(source, copy) };
}

/** Lines for the operator: one per table, then the first `maxItems` differing keys of each kind. */
export function formatVerification(results: readonly TableVerification[], maxItems = 10): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const counts = `${r.source.count} -> ${r.copy.count} items`;
    lines.push(
      r.ok
        ? `  OK        ${r.table}: ${counts}, checksum ${r.copy.checksum.slice(0, 16)}...`
        : `  MISMATCH  ${r.table}: ${counts}, checksum ${r.source.checksum.slice(0, 16)}... -> ${r.copy.checksum.slice(0, 16)}...`,
    );
    if (r.diff) {
      for (const kind of ['missing', 'extra', 'altered'] as const) {
        const keys = r.diff[kind];
        if (keys.length === 0) continue;
        lines.push(`    ${kind}: ${keys.length}`);
        for (const key of keys.slice(0, maxItems)) lines.push(`      ${key}`);
        if (keys.length > maxItems) lines.push(`      ... and ${keys.length - maxItems} more`);
      }
    }
  }
  return lines;
}
