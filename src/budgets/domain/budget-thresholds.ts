/**
 * Budget thresholds: which of 80 % and 100 % of a category's allocation a change newly crosses.
 *
 * The rule: threshold t is "reached" when spent >= t% of the allocation in force (with an
 * allocation of 0, any spending > 0 reaches every threshold). An event fires when a threshold
 * goes from not reached to reached:
 *
 * - on an expense: reached(spent + amount, allocation) minus reached(spent, allocation);
 * - on an allocation change (a new allocation version): reached(spent, new) minus
 *   reached(spent, old). Lowering an allocation below what is already spent therefore fires
 *   the thresholds it newly crosses; thresholds already reached under the old allocation that
 *   are still reached do not fire again; raising an allocation un-reaches thresholds, and they
 *   fire again only when later spending crosses them under the new allocation.
 *
 * Because expenses are positive, "reached" only grows while the allocation stays the same, so
 * each threshold fires at most once per allocation version, and the result does not depend on
 * how the spending was split into expenses. Callers must apply each expense once (deduplicate
 * on expenseId first) and compare amounts in the allocation's currency only.
 *
 * Amounts are exact: decimal strings or numbers, converted to integer millionths.
 */
import { type AmountInput, fromMicros, toMicros } from '../../events';

export const BUDGET_THRESHOLD_PERCENTS = [80, 100] as const;
export type ThresholdPercent = (typeof BUDGET_THRESHOLD_PERCENTS)[number];

export interface ThresholdCrossing {
  readonly thresholdPercent: ThresholdPercent;
  /** t% of the allocation, as a decimal string (rounded up to the millionth). */
  readonly thresholdAmount: string;
  readonly allocation: string;
  readonly spent: string;
}

function reached(spent: bigint, allocation: bigint, percent: number): boolean {
  if (allocation === 0n) return spent > 0n;
  return spent * 100n >= BigInt(percent) * allocation;
}

/** The thresholds reached by `spent` under `allocation`, in ascending order. */
export function reachedThresholds(
  spent: AmountInput,
  allocation: AmountInput,
  percents: readonly ThresholdPercent[] = BUDGET_THRESHOLD_PERCENTS,
): ThresholdPercent[] {
  const s = toMicros(spent);
  const a = toMicros(allocation);
  return [...percents].sort((x, y) => x - y).filter((p) => reached(s, a, p));
}

function crossing(percent: ThresholdPercent, allocation: bigint, spent: bigint): ThresholdCrossing {
  const threshold = (BigInt(percent) * allocation + 99n) / 100n;
  return {
    thresholdPercent: percent,
    thresholdAmount: fromMicros(threshold),
    allocation: fromMicros(allocation),
    spent: fromMicros(spent),
  };
}

function newlyReached(
  before: { spent: bigint; allocation: bigint | undefined },
  after: { spent: bigint; allocation: bigint },
  percents: readonly ThresholdPercent[],
): ThresholdCrossing[] {
  return [...percents]
    .sort((x, y) => x - y)
    .filter((p) => {
      const wasReached = before.allocation !== undefined && reached(before.spent, before.allocation, p);
      return !wasReached && reached(after.spent, after.allocation, p);
    })
    .map((p) => crossing(p, after.allocation, after.spent));
}

export interface ExpenseInput {
  /** The category's allocation in force; undefined when the category has none (nothing fires). */
  readonly allocation: AmountInput | undefined;
  /** Spent in the category before this expense. */
  readonly previousSpent: AmountInput;
  /** The new expense, > 0. */
  readonly expenseAmount: AmountInput;
  readonly percents?: readonly ThresholdPercent[];
}

export interface ExpenseThresholdResult {
  readonly crossed: ThresholdCrossing[];
  /** Spent after the expense, as a decimal string. */
  readonly spentAfter: string;
}

/** The thresholds an expense newly crosses. */
export function thresholdsCrossedByExpense(input: ExpenseInput): ExpenseThresholdResult {
  const previous = toMicros(input.previousSpent);
  const amount = toMicros(input.expenseAmount);
  if (amount <= 0n) throw new RangeError('an expense must be greater than 0');
  const spentAfter = previous + amount;
  if (input.allocation === undefined) return { crossed: [], spentAfter: fromMicros(spentAfter) };
  const allocation = toMicros(input.allocation);
  const crossed = newlyReached(
    { spent: previous, allocation },
    { spent: spentAfter, allocation },
    input.percents ?? BUDGET_THRESHOLD_PERCENTS,
  );
  return { crossed, spentAfter: fromMicros(spentAfter) };
}

export interface AllocationChangeInput {
  /** The allocation before the change; undefined when the category had none. */
  readonly previousAllocation: AmountInput | undefined;
  readonly newAllocation: AmountInput;
  /** Spent in the category so far. */
  readonly spent: AmountInput;
  readonly percents?: readonly ThresholdPercent[];
}

/** The thresholds an allocation change newly crosses (attributed to the new allocation version). */
export function thresholdsCrossedByAllocationChange(input: AllocationChangeInput): ThresholdCrossing[] {
  const spent = toMicros(input.spent);
  return newlyReached(
    {
      spent,
      allocation: input.previousAllocation === undefined ? undefined : toMicros(input.previousAllocation),
    },
    { spent, allocation: toMicros(input.newAllocation) },
    input.percents ?? BUDGET_THRESHOLD_PERCENTS,
  );
}
