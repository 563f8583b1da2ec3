/** The budget store the producer-event use case needs (DynamoDB in AWS, conditional writes). */
import type { BudgetCategory, Currency } from '../events';
import type { ThresholdCrossing } from './domain/budget-thresholds';

export interface BudgetKey {
  readonly coupleId: string;
  readonly weddingId: string;
  readonly category: BudgetCategory;
}

export interface AppliedBudgetChange {
  /** False when this expense (or this allocation) had been applied before: nothing changed. */
  readonly applied: boolean;
  /** Thresholds this change crossed (on a duplicate expense: those it crossed the first time). */
  readonly crossed: readonly ThresholdCrossing[];
  readonly currency: Currency;
  readonly allocationVersion: number;
}

/** A category's allocation in force and what every region has spent, as this region sees it. */
export interface BudgetSpending {
  readonly allocation?: string;
  readonly currency?: Currency;
  readonly allocationVersion: number;
  /** Per currency, over every region's shard. */
  readonly totalSpent: Readonly<Record<string, string>>;
}

export interface BudgetStore {
  /** Adds an expense once per expenseId, atomically with the category's spent total. */
  applyExpense(
    key: BudgetKey,
    expense: { expenseId: string; amount: string; currency: Currency },
  ): Promise<AppliedBudgetChange>;
  /** The allocation and the total spent (strongly consistent). */
  spending(key: BudgetKey): Promise<BudgetSpending>;
  /** Sets the allocation (a new version when it changes); older events than the last one applied are ignored. */
  applyAllocation(
    key: BudgetKey,
    allocation: { amount: string; currency: Currency; time: string },
  ): Promise<AppliedBudgetChange>;
}
