/**
 * Two regions (issue 11, ADR 0020): keeps the review summary right when global tables' last writer
 * wins replaced an item holding this region's write. Each region counts its own writes in its own
 * shard; the region whose write was lost takes it out of its shard. Runs on the Reviews table's
 * stream in each region.
 * 1. For each change, `replacedCreationCorrection` says whether it replaced a review this region
 *    created by another region's creation of it (both counted it); otherwise `lostWriteCorrection`
 *    says whether it replaced this region's edit or removal by a write that does not include it
 *    (two regions edited the review at once). Either says by how much to correct the shard.
 * 2. The correction is applied once per replaced item (a redelivered record changes nothing).
 */
import { lostWriteCorrection, replacedCreationCorrection } from '../domain/summary';
import type { SummaryCorrections } from '../ports';

/** An item of the Reviews table before and after a change (plain attributes). */
export interface ReviewItemChange {
  readonly before?: Readonly<Record<string, unknown>>;
  readonly after?: Readonly<Record<string, unknown>>;
}

/** Returns how many shard corrections were applied. */
export async function reconcileReplicatedReviews(
  region: string,
  changes: readonly ReviewItemChange[],
  corrections: SummaryCorrections,
): Promise<number> {
  let applied = 0;
  for (const change of changes) {
    const creation = replacedCreationCorrection(region, change.before, change.after);
    const correction = creation ?? lostWriteCorrection(region, change.before, change.after);
    if (!correction || !change.before) continue;
    const { supplierId, reviewId, storedAt, version } = change.before;
    // One correction per replaced item: a replaced edit is known by its version too.
    const replaced = creation
      ? `${String(reviewId)}#${String(storedAt)}`
      : `${String(reviewId)}#${String(storedAt)}#v${String(version ?? 1)}`;
    if (await corrections.correctShard(String(supplierId), replaced, correction)) applied += 1;
  }
  return applied;
}
