/**
 * A budget threshold crossed only by two regions' expenses together (issue 11, ADR 0020), against
 * DynamoDB Local: two "regions" kept in step by the local replicator, each with its budget store
 * writing its own spent shard and a reader of its Budgets stream announcing what the other
 * region's spending crosses (`announceReplicatedSpending`). Replication is held while each region
 * spends less than the threshold; once the shards cross, the crossing is announced, as one event.
 */
import { announceReplicatedSpending, type BudgetKey } from '../../../src/budgets';
import { DynamoBudgetStore } from '../../../src/budgets/adapters/budget-store';
import type { DomainEvent } from '../../../src/events';
import { itemChanges, type ImageStreamRecord } from '../../../src/shared/stream-image';
import {
  perRegion,
  startReplicatedRegions,
  type ReplicatedRegion,
  type ReplicatedRegions,
} from '../support/replicated-regions';

jest.setTimeout(120_000);

let regions: ReplicatedRegions;
const published: { region: string; event: DomainEvent }[] = [];

/** Each region's budget store: it writes that region's spent shard. */
const store = perRegion((region) => new DynamoBudgetStore(region.doc, region.tableName, region.name));

beforeAll(async () => {
  regions = await startReplicatedRegions('thresholds', 'Budgets', async (region, record) => {
    await announceReplicatedSpending(
      region.name,
      itemChanges([record as ImageStreamRecord], ['INSERT', 'MODIFY']),
      {
        budgets: store(region),
        events: {
          publish: async (events) => {
            for (const event of events) published.push({ region: region.name, event });
          },
        },
        clock: { now: () => new Date() },
      },
    );
  });
});

afterAll(() => regions?.stop());

const key: BudgetKey = { coupleId: 'cpl_repl', weddingId: 'wed_repl', category: 'venue' };
const spend = (region: ReplicatedRegion, expenseId: string, amount: string) =>
  store(region).applyExpense(key, { expenseId, amount, currency: 'GBP' });
/** The distinct threshold events published so far, by id (a crossing both regions saw is one event). */
const announced = () => {
  const byId = new Map(published.map(({ event }) => [event.id, event]));
  return [...byId.values()]
    .map((event) => (event.data as { thresholdPercent: number }).thresholdPercent)
    .sort((a, b) => a - b);
};

it('announces a threshold that only the two regions’ expenses together cross, once', async () => {
  await store(regions.east).applyAllocation(key, {
    amount: '100',
    currency: 'GBP',
    time: '2026-12-01T00:00:00Z',
  });
  await regions.settle();

  // 50 in the east and 40 in the west: neither region's view reaches 80.
  let eastChange: Awaited<ReturnType<typeof spend>> | undefined;
  let westChange: Awaited<ReturnType<typeof spend>> | undefined;
  await regions.writeInBoth(
    async () => (eastChange = await spend(regions.east, 'exp_east_1', '50')),
    async () => (westChange = await spend(regions.west, 'exp_west_1', '40')),
  );
  expect(eastChange?.crossed).toEqual([]);
  expect(westChange?.crossed).toEqual([]);

  // Each region saw the other's expense arrive and cross 80: the same event id.
  expect(announced()).toEqual([80]);
  expect(new Set(published.map((p) => p.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
  const event = published[0]!.event;
  expect(event).toMatchObject({
    type: 'budget.threshold.exceeded',
    subject: 'wed_repl/venue',
    data: { thresholdPercent: 80, allocation: '100', spent: '90', currency: 'GBP', allocationVersion: 1 },
  });
  expect(['exp_east_1', 'exp_west_1']).toContain(
    (event.data as { triggeredBy: { expenseId: string } }).triggeredBy.expenseId,
  );
});

it('announces nothing new for an arrived expense that crosses nothing, and the same event for one that also crossed where it was made', async () => {
  const before = published.length;
  // 5 more in the west: 95, still under 100.
  await spend(regions.west, 'exp_west_2', '5');
  await regions.settle();
  expect(published.length).toBe(before);

  // 10 more in the east: the east crosses 100 itself; the west sees it arrive and announces the same id.
  const change = await spend(regions.east, 'exp_east_2', '10');
  expect(change.crossed.map((c) => c.thresholdPercent)).toEqual([100]);
  await regions.settle();
  expect(announced()).toEqual([80, 100]);
  expect(published.slice(before).map((p) => p.region)).toEqual(['eu-west-1']);
});
