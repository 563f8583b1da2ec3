/**
 * The budget store against DynamoDB Local, with spending kept per region (the Budgets table is a
 * global table): within a region, concurrent expenses and allocation changes still serialise so
 * each threshold crossing is announced once; expenses of two regions never replace each other;
 * spending recorded before the shards existed still counts.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoBudgetStore } from '../../../src/budgets/adapters/budget-store';
import type { AppliedBudgetChange, BudgetKey } from '../../../src/budgets/ports';
import { openCatalogTables, type CatalogTables } from '../support/catalog-tables';

jest.setTimeout(60_000);

let tables: CatalogTables;
let doc: DynamoDBDocumentClient;
let tableName: string;
let east: DynamoBudgetStore;
let west: DynamoBudgetStore;

beforeAll(async () => {
  tables = await openCatalogTables('budget-store-test', ['Budgets']);
  doc = tables.doc;
  tableName = tables.tableName('Budgets');
  east = new DynamoBudgetStore(doc, tableName, 'us-east-1');
  west = new DynamoBudgetStore(doc, tableName, 'eu-west-1');
});
afterAll(() => tables?.release());

const key = (weddingId: string): BudgetKey => ({ coupleId: 'cpl_1', weddingId, category: 'venue' });
const allocate = (store: DynamoBudgetStore, k: BudgetKey, amount: string, time: string) =>
  store.applyAllocation(k, { amount, currency: 'GBP', time });
const spend = (store: DynamoBudgetStore, k: BudgetKey, expenseId: string, amount = '10') =>
  store.applyExpense(k, { expenseId, amount, currency: 'GBP' });
const crossings = (changes: readonly AppliedBudgetChange[]) =>
  changes.flatMap((c) => c.crossed.map((x) => x.thresholdPercent)).sort((a, b) => a - b);

async function items(k: BudgetKey) {
  const { Items = [] } = await doc.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :category)',
      ExpressionAttributeValues: { ':pk': `BUDGET#${k.coupleId}#${k.weddingId}`, ':category': 'CATEGORY#' },
    }),
  );
  return Object.fromEntries(Items.map((item) => [item.sk as string, item.spent as unknown]));
}

it('announces each threshold once under concurrent expenses in one region', async () => {
  const k = key('wed_one_region');
  await allocate(east, k, '100', '2026-12-01T00:00:00Z');
  const changes = await Promise.all(Array.from({ length: 12 }, (_, i) => spend(east, k, `exp_${i}`)));
  expect(changes.every((c) => c.applied)).toBe(true);
  expect(crossings(changes)).toEqual([80, 100]);
  expect(await items(k)).toEqual({
    'CATEGORY#venue': undefined,
    'CATEGORY#venue#SPENT#us-east-1': { GBP: '120' },
  });
  // A redelivered expense changes nothing and reports the crossings it caused the first time.
  const again = await spend(east, k, 'exp_7');
  expect(again.applied).toBe(false);
  expect(again.crossed).toEqual(changes[7]!.crossed);
});

it("keeps both regions' expenses and counts them all", async () => {
  const k = key('wed_two_regions');
  await allocate(east, k, '1000', '2026-12-01T00:00:00Z');
  await Promise.all([
    ...Array.from({ length: 6 }, (_, i) => spend(east, k, `east_${i}`)),
    ...Array.from({ length: 4 }, (_, i) => spend(west, k, `west_${i}`, '25')),
  ]);
  expect(await items(k)).toEqual({
    'CATEGORY#venue': undefined,
    'CATEGORY#venue#SPENT#eu-west-1': { GBP: '100' },
    'CATEGORY#venue#SPENT#us-east-1': { GBP: '60' },
  });
  // Either region sees the whole 160: lowering the allocation to 200 crosses 80 % (160 >= 160).
  const lowered = await allocate(west, k, '200', '2026-12-02T00:00:00Z');
  expect(crossings([lowered])).toEqual([80]);
  // And the next expense in the other region crosses 100 % from the total, not from its own 60.
  expect(crossings([await spend(east, k, 'east_last', '40')])).toEqual([100]);
});

it('counts what a category recorded before the per-region shards', async () => {
  const k = key('wed_legacy');
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        pk: `BUDGET#${k.coupleId}#${k.weddingId}`,
        sk: 'CATEGORY#venue',
        ...k,
        allocation: '100',
        currency: 'GBP',
        allocationVersion: 1,
        allocationTime: '2026-11-01T00:00:00Z',
        spent: { GBP: '75' },
        revision: 3,
      },
    }),
  );
  expect(crossings([await spend(west, k, 'after_shards', '5')])).toEqual([80]);
  // A new allocation keeps the old total and adds the shard to it.
  expect(crossings([await allocate(east, k, '80', '2026-12-01T00:00:00Z')])).toEqual([100]);
  expect(await items(k)).toEqual({
    'CATEGORY#venue': { GBP: '75' },
    'CATEGORY#venue#SPENT#eu-west-1': { GBP: '5' },
  });
});
