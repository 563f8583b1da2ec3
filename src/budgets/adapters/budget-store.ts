/**
 * Budgets in DynamoDB, written from every region of a global table (ADR 0020).
 *
 * - The category item (`CATEGORY#<category>`) holds the allocation (amount, currency, version,
 *   time of the event that set it) and a `revision` that every allocation change increments.
 * - What was spent is kept per region (`CATEGORY#<category>#SPENT#<region>`, a total per currency
 *   and its own `revision`): only that region writes it, so last writer wins never drops another
 *   region's expense. What is spent in a category is the sum of every region's shard (plus the
 *   `spent` a category item carried before the shards existed).
 * - An expense item (conditional on not existing) is written with this region's shard, on the
 *   condition that the category's revision is the one read; an allocation change is written on
 *   the condition that this region's shard is the one read. So, within a region, expenses and
 *   allocation changes serialise and each threshold crossing is computed exactly once.
 * - Across regions, within the replication lag, two regions may each compute a crossing from
 *   their own view: the crossing's event id is derived from (category, allocation version,
 *   threshold), so one announced twice is one event. One that neither view reached when its
 *   expenses were applied is announced when the other region's shard arrives
 *   (`announceReplicatedSpending`, on the table's stream in each region; ADR 0020).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  thresholdsCrossedByAllocationChange,
  thresholdsCrossedByExpense,
  type ThresholdCrossing,
} from '../domain/budget-thresholds';
import { fromMicros, toMicros, type Currency } from '../../events';
import type { AppliedBudgetChange, BudgetKey, BudgetSpending, BudgetStore } from '../ports';

interface CategoryItem {
  readonly allocation?: string;
  readonly currency?: Currency;
  readonly allocationVersion: number;
  readonly allocationTime?: string;
  /** Spent as recorded on the category item before the per-region shards (never written now). */
  readonly spent?: Record<string, string>;
  readonly revision: number;
}

interface SpentShard {
  readonly spent: Record<string, string>;
  readonly revision: number;
}

/** What a change is computed from: the category, this region's shard and the total spent. */
interface BudgetView {
  readonly category: CategoryItem;
  readonly ownShard: SpentShard;
  /** Spent per currency over every region's shard and the category's own (pre-shard) total. */
  readonly totalSpent: Record<string, string>;
}

const pk = (key: BudgetKey) => `BUDGET#${key.coupleId}#${key.weddingId}`;
const categorySk = (key: BudgetKey) => `CATEGORY#${key.category}`;
const shardPrefix = (key: BudgetKey) => `${categorySk(key)}#SPENT#`;
const MAX_ROUNDS = 25;

function addSpent(total: Record<string, bigint>, spent: Record<string, string> | undefined): void {
  for (const [currency, amount] of Object.entries(spent ?? {})) {
    total[currency] = (total[currency] ?? 0n) + toMicros(amount);
  }
}

/** A conditional write on an item's revision (or its absence, before its first write). */
function revisionCondition(revision: number) {
  return revision === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: 'revision = :revision',
        ExpressionAttributeValues: { ':revision': revision },
      };
}

export class DynamoBudgetStore implements BudgetStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The region this store writes from: its shard of every category's spending. */
    private readonly region: string,
  ) {}

  private ownShardSk(key: BudgetKey): string {
    return `${shardPrefix(key)}${this.region}`;
  }

  private async view(key: BudgetKey): Promise<BudgetView> {
    const [categoryRead, shardsRead] = await Promise.all([
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: pk(key), sk: categorySk(key) },
          ConsistentRead: true,
        }),
      ),
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :shards)',
          ExpressionAttributeValues: { ':pk': pk(key), ':shards': shardPrefix(key) },
          ConsistentRead: true,
        }),
      ),
    ]);
    const category = (categoryRead.Item as CategoryItem | undefined) ?? { allocationVersion: 0, revision: 0 };
    const shards = (shardsRead.Items ?? []) as (SpentShard & { sk: string })[];
    const own = shards.find((shard) => shard.sk === this.ownShardSk(key));
    const total: Record<string, bigint> = {};
    addSpent(total, category.spent);
    for (const shard of shards) addSpent(total, shard.spent);
    return {
      category,
      ownShard: own ? { spent: own.spent, revision: own.revision } : { spent: {}, revision: 0 },
      totalSpent: Object.fromEntries(Object.entries(total).map(([c, micros]) => [c, fromMicros(micros)])),
    };
  }

  async spending(key: BudgetKey): Promise<BudgetSpending> {
    const { category, totalSpent } = await this.view(key);
    return {
      ...(category.allocation !== undefined && category.currency !== undefined
        ? { allocation: category.allocation, currency: category.currency }
        : {}),
      allocationVersion: category.allocationVersion,
      totalSpent,
    };
  }

  async applyExpense(
    key: BudgetKey,
    expense: { expenseId: string; amount: string; currency: Currency },
  ): Promise<AppliedBudgetChange> {
    const expenseKey = { pk: pk(key), sk: `EXPENSE#${expense.expenseId}` };
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { category, ownShard, totalSpent } = await this.view(key);
      const counts = category.allocation !== undefined && category.currency === expense.currency;
      const result = thresholdsCrossedByExpense({
        allocation: counts ? category.allocation : undefined,
        previousSpent: totalSpent[expense.currency] ?? '0',
        expenseAmount: expense.amount,
      });
      const ownSpentAfter = fromMicros(
        toMicros(ownShard.spent[expense.currency] ?? '0') + toMicros(expense.amount),
      );
      const change: AppliedBudgetChange = {
        applied: true,
        crossed: result.crossed,
        currency: expense.currency,
        allocationVersion: category.allocationVersion,
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
                    region: this.region,
                    crossed: JSON.stringify(change.crossed),
                    allocationVersion: change.allocationVersion,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: {
                    pk: pk(key),
                    sk: this.ownShardSk(key),
                    ...key,
                    region: this.region,
                    spent: { ...ownShard.spent, [expense.currency]: ownSpentAfter },
                    revision: ownShard.revision + 1,
                    // Which expense moved the shard: a region that receives it names it (ADR 0020).
                    lastExpenseId: expense.expenseId,
                  },
                  ...revisionCondition(ownShard.revision),
                },
              },
              {
                // The allocation the crossings were computed under is still the one in force.
                ConditionCheck: {
                  TableName: this.tableName,
                  Key: { pk: pk(key), sk: categorySk(key) },
                  ...revisionCondition(category.revision),
                },
              },
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
        // Another writer changed the shard or the allocation first: read again and recompute.
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
      const { category, ownShard, totalSpent } = await this.view(key);
      const unchanged = category.allocation === amount && category.currency === allocation.currency;
      const stale = category.allocationTime !== undefined && allocation.time < category.allocationTime;
      if (unchanged || stale) {
        return {
          applied: false,
          crossed: [],
          currency: allocation.currency,
          allocationVersion: category.allocationVersion,
        };
      }
      const crossed = thresholdsCrossedByAllocationChange({
        previousAllocation: category.currency === allocation.currency ? category.allocation : undefined,
        newAllocation: amount,
        spent: totalSpent[allocation.currency] ?? '0',
      });
      const after: CategoryItem = {
        ...category,
        allocation: amount,
        currency: allocation.currency,
        allocationVersion: category.allocationVersion + 1,
        allocationTime: allocation.time,
        revision: category.revision + 1,
      };
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { pk: pk(key), sk: categorySk(key), ...key, ...after },
                  ...revisionCondition(category.revision),
                },
              },
              {
                // The spending the crossings were computed from is still this region's latest.
                ConditionCheck: {
                  TableName: this.tableName,
                  Key: { pk: pk(key), sk: this.ownShardSk(key) },
                  ...revisionCondition(ownShard.revision),
                },
              },
            ],
          }),
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
