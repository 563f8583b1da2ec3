/**
 * Two regions (issue 11, ADR 0020): keeps the review summary right when one review was created in
 * two regions at once. Both regions counted it in their own shard; global tables' last writer wins
 * keeps one of the two items in both regions, and the region whose item was replaced takes its
 * count out of its own shard. Runs on the Reviews table's stream in each region.
 * 1. For each change, `replacedCreationCorrection` says whether it replaced a review this region
 *    created by another region's creation of it, and by how much to correct the shard.
 * 2. The correction is applied once per replaced item (a redelivered record changes nothing).
 */
import { replacedCreationCorrection } from '../domain/summary';
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
    const correction = replacedCreationCorrection(region, change.before, change.after);
    if (!correction || !change.before) continue;
    const { supplierId, reviewId, storedAt } = change.before;
    const replaced = `${String(reviewId)}#${String(storedAt)}`;
    if (await corrections.correctShard(String(supplierId), replaced, correction)) applied += 1;
  }
  return applied;
}
