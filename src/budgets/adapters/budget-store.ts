/**
 * Budgets in DynamoDB. A category item holds the allocation (amount, currency, version, time of
 * the event that set it), the spent total per currency and a `revision` that every write
 * increments; writes are conditional on the revision read, so concurrent expenses serialise and
 * each threshold crossing is computed exactly once. An expense item (conditional on not existing)
 * is written in the same transaction and keeps the crossings it caused.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  thresholdsCrossedByAllocationChange,
  thresholdsCrossedByExpense,
  type ThresholdCrossing,
} from '../domain/budget-thresholds';
import { fromMicros, toMicros, type Currency } from '../../events';
import type { AppliedBudgetChange, BudgetKey, BudgetStore } from '../ports';

interface CategoryItem {
  readonly allocation?: string;
  readonly currency?: Currency;
  readonly allocationVersion: number;
  readonly allocationTime?: string;
  readonly spent: Record<string, string>;
  readonly revision: number;
}

const pk = (key: BudgetKey) => `BUDGET#${key.coupleId}#${key.weddingId}`;
const MAX_ROUNDS = 25;

export class DynamoBudgetStore implements BudgetStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async category(key: BudgetKey): Promise<CategoryItem> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: pk(key), sk: `CATEGORY#${key.category}` },
        ConsistentRead: true,
      }),
    );
    return (Item as CategoryItem | undefined) ?? { allocationVersion: 0, spent: {}, revision: 0 };
  }

  private categoryPut(key: BudgetKey, before: CategoryItem, after: CategoryItem) {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          pk: pk(key),
          sk: `CATEGORY#${key.category}`,
          ...key,
          ...after,
          revision: before.revision + 1,
        },
        ...(before.revision === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'revision = :revision',
              ExpressionAttributeValues: { ':revision': before.revision },
            }),
      },
    };
  }

  async applyExpense(
    key: BudgetKey,
    expense: { expenseId: string; amount: string; currency: Currency },
  ): Promise<AppliedBudgetChange> {
    const expenseKey = { pk: pk(key), sk: `EXPENSE#${expense.expenseId}` };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const before = await this.category(key);
      const previousSpent = before.spent[expense.currency] ?? '0';
      const counts = before.allocation !== undefined && before.currency === expense.currency;
      const result = thresholdsCrossedByExpense({
        allocation: counts ? before.allocation : undefined,
        previousSpent,
        expenseAmount: expense.amount,
      });
      const after: CategoryItem = {
        ...before,
        spent: { ...before.spent, [expense.currency]: result.spentAfter },
      };
      const change: AppliedBudgetChange = {
        applied: true,
        crossed: result.crossed,
        currency: expense.currency,
        allocationVersion: before.allocationVersion,
      };
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...expenseKey,
                    ...key,
                    ...expense,
                    crossed: JSON.stringify(change.crossed),
                    allocationVersion: change.allocationVersion,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              this.categoryPut(key, before, after),
            ],
          }),
        );
        return change;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
          const { Item } = await this.client.send(
            new GetCommand({ TableName: this.tableName, Key: expenseKey, ConsistentRead: true }),
          );
          return {
            applied: false,
            crossed: JSON.parse(String(Item?.crossed ?? '[]')) as ThresholdCrossing[],
            currency: expense.currency,
            allocationVersion: Number(Item?.allocationVersion ?? 0),
          };
        }
        // Another writer changed the category first: read it again and recompute.
      }
    }
    throw new Error(`budget ${pk(key)} ${key.category}: too much contention`);
  }

  async applyAllocation(
    key: BudgetKey,
    allocation: { amount: string; currency: Currency; time: string },
  ): Promise<AppliedBudgetChange> {
    const amount = fromMicros(toMicros(allocation.amount));
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const before = await this.category(key);
      const unchanged = before.allocation === amount && before.currency === allocation.currency;
      const stale = before.allocationTime !== undefined && allocation.time < before.allocationTime;
      if (unchanged || stale) {
        return {
          applied: false,
          crossed: [],
          currency: allocation.currency,
          allocationVersion: before.allocationVersion,
        };
      }
      const crossed = thresholdsCrossedByAllocationChange({
        previousAllocation: before.currency === allocation.currency ? before.allocation : undefined,
        newAllocation: amount,
        spent: before.spent[allocation.currency] ?? '0',
      });
      const after: CategoryItem = {
        ...before,
        allocation: amount,
        currency: allocation.currency,
        allocationVersion: before.allocationVersion + 1,
        allocationTime: allocation.time,
      };
      try {
        await this.client.send(
          new TransactWriteCommand({ TransactItems: [this.categoryPut(key, before, after)] }),
        );
        return {
          applied: true,
          crossed,
          currency: allocation.currency,
          allocationVersion: after.allocationVersion,
        };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
      }
    }
    throw new Error(`budget ${pk(key)} ${key.category}: too much contention`);
  }
}
