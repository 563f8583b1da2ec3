/**
 * Two regions (issue 11, ADR 0020): announces a budget threshold that no region's own expense
 * crossed. Each region keeps what it spent in its own shard, and an expense's crossings are
 * computed from the total as its region sees it; within the replication lag two regions' expenses
 * can together pass a threshold while neither region's view did. Runs on the Budgets table's
 * stream in each region:
 * 1. Each write of another region's spent shard that arrives here adds that region's expense to
 *    this region's view of the total: it is applied, from this view, like an expense made here.
 * 2. The thresholds it crosses under the allocation in force are announced with the ids an expense
 *    would give them (category, allocation version, threshold), so a crossing another region also
 *    announced is one event.
 */
import {
  toMicros,
  fromMicros,
  BUDGET_CATEGORIES,
  type BudgetCategory,
  type EventPublisher,
} from '../../events';
import type { Clock } from '../../shared/clock';
import type { ItemChange } from '../../shared/stream-image';
import { thresholdsCrossedByExpense } from '../domain/budget-thresholds';
import type { BudgetKey, BudgetStore } from '../ports';
import { thresholdEvents } from './apply-producer-event';

export interface ReplicatedSpendingDeps {
  readonly budgets: BudgetStore;
  readonly events: EventPublisher;
  readonly clock: Clock;
}

/** A spent shard another region wrote, as it arrived here: whose, which expense, and by how much per currency. */
interface ArrivedSpending {
  readonly key: BudgetKey;
  readonly expenseId: string;
  readonly added: Readonly<Record<string, string>>;
}

const SHARD_SK = /^CATEGORY#[^#]+#SPENT#(.+)$/;

function arrivedSpending(region: string, change: ItemChange): ArrivedSpending | undefined {
  const after = change.after;
  if (!after || typeof after.sk !== 'string') return undefined;
  const shardRegion = SHARD_SK.exec(after.sk)?.[1];
  if (shardRegion === undefined || shardRegion === region) return undefined;
  const { coupleId, weddingId, category, lastExpenseId } = after;
  if (typeof coupleId !== 'string' || typeof weddingId !== 'string' || typeof lastExpenseId !== 'string') {
    return undefined;
  }
  if (!BUDGET_CATEGORIES.includes(category as BudgetCategory)) return undefined;
  const spentAfter = amounts(after.spent);
  const spentBefore = amounts(change.before?.spent);
  const added: Record<string, string> = {};
  for (const [currency, amount] of Object.entries(spentAfter)) {
    const by = toMicros(amount) - toMicros(spentBefore[currency] ?? '0');
    if (by > 0n) added[currency] = fromMicros(by);
  }
  return {
    key: { coupleId, weddingId, category: category as BudgetCategory },
    expenseId: lastExpenseId,
    added,
  };
}

/** Returns how many threshold events were published. */
export async function announceReplicatedSpending(
  region: string,
  changes: readonly ItemChange[],
  deps: ReplicatedSpendingDeps,
): Promise<number> {
  let announced = 0;
  for (const change of changes) {
    const arrived = arrivedSpending(region, change);
    if (!arrived) continue;
    const spending = await deps.budgets.spending(arrived.key);
    const added = spending.currency !== undefined ? arrived.added[spending.currency] : undefined;
    if (spending.allocation === undefined || spending.currency === undefined || added === undefined) continue;
    // The total as this region sees it now holds the arrived expense: before it, it held the rest.
    const total = spending.totalSpent[spending.currency] ?? '0';
    const previous = toMicros(total) - toMicros(added);
    const { crossed } = thresholdsCrossedByExpense({
      allocation: spending.allocation,
      previousSpent: fromMicros(previous < 0n ? 0n : previous),
      expenseAmount: added,
    });
    if (crossed.length === 0) continue;
    const events = thresholdEvents(
      arrived.key,
      { applied: true, crossed, currency: spending.currency, allocationVersion: spending.allocationVersion },
      { kind: 'expense', expenseId: arrived.expenseId },
      deps.clock.now().toISOString(),
    );
    await deps.events.publish(events);
    announced += events.length;
  }
  return announced;
}

function amounts(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
