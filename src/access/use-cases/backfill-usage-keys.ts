/**
 * Operator's one-off migration (ADR 0036): gives each supplier created before the usage plans its
 * own usage identifier key, so the `suppliers` plan meters it alone instead of through the shared
 * `unassigned-suppliers` key. Per supplier, in an order that never lets the authorizer return a key
 * that the plans do not hold:
 * 1. reserve a key on the supplier's profile (kept across runs, so a re-run after a failure
 *    registers the value it registered before, never a second one under the same key name);
 * 2. register it where the plans meter it (API Gateway, every region);
 * 3. assign it to the profile, the key list and each active key's authorizer item, at once.
 * A supplier that fails is reported and left for the next run; the others go on. Idempotent.
 */
import { issueUsageKey } from '../domain/usage-keys';
import type { UsageKeyBackfillStore, UsageKeyRegistry } from '../ports';

export interface UsageKeyBackfillResult {
  /** Suppliers that got their usage key on every active key in this run. */
  readonly assigned: number;
  /** Active keys whose authorizer item got the usage key. */
  readonly keys: number;
  readonly failed: readonly { readonly supplierId: string; readonly reason: string }[];
}

/** A concurrent create-supplier may replace the profile's key between reserve and assign. */
const MAX_ATTEMPTS_PER_SUPPLIER = 3;

export async function backfillUsageKeys(deps: {
  readonly store: UsageKeyBackfillStore;
  readonly registry: UsageKeyRegistry;
  readonly issue?: () => string;
  /** One line per supplier, as it goes. */
  readonly progress?: (line: string) => void;
}): Promise<UsageKeyBackfillResult> {
  const issue = deps.issue ?? issueUsageKey;
  const suppliers = await deps.store.suppliersWithoutUsageKey();
  deps.progress?.(`${suppliers.length} suppliers without a usage key on their profile or an active key`);
  let assigned = 0;
  let keys = 0;
  const failed: { supplierId: string; reason: string }[] = [];
  for (const [index, supplierId] of suppliers.entries()) {
    const position = `[${index + 1}/${suppliers.length}] ${supplierId}`;
    try {
      const done = await backfillOne(deps.store, deps.registry, supplierId, issue);
      assigned += 1;
      keys += done.keys;
      deps.progress?.(`${position}: usage key assigned (${done.keys} active keys updated)`);
    } catch (error) {
      // The reason names the step, never the key's value (ApiGatewayUsageKeys keeps it out too).
      const reason = error instanceof Error ? error.message : String(error);
      failed.push({ supplierId, reason });
      deps.progress?.(`${position}: FAILED, left for the next run: ${reason}`);
    }
  }
  return { assigned, keys, failed };
}

async function backfillOne(
  store: UsageKeyBackfillStore,
  registry: UsageKeyRegistry,
  supplierId: string,
  issue: () => string,
): Promise<{ keys: number }> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS_PER_SUPPLIER; attempt += 1) {
    const reservation = await store.reserveUsageKey(supplierId, issue());
    if (!reservation) throw new Error('the supplier has no profile item');
    if (reservation.state === 'reserved')
      await registry.register({ supplierId, usageKey: reservation.usageKey });
    const outcome = await store.assignUsageKey(supplierId, reservation.usageKey);
    if (outcome !== 'changed') return outcome;
  }
  throw new Error(`the profile's usage key kept changing (${MAX_ATTEMPTS_PER_SUPPLIER} attempts)`);
}
