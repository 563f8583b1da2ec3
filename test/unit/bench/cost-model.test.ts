/** The cost model's arithmetic (bench/cost-model.ts): item sizes, request units, replication, totals. */
import {
  attributeBytes,
  capacityFloor,
  estimateCost,
  unitPrices,
  type BillingShape,
  itemBytes,
  PRICES,
  readUnits,
  writeCost,
  writeUnits,
  indexesWritten,
  type IndexShape,
  type IngestFlow,
  type TableShape,
} from '../../../bench/cost-model';
import { allOnDemand, ingestFlow, INGEST_FUNCTIONS } from '../../../bench/cost';
import { billingShape, synthesizeDeployment, type Deployment } from '../../../bench/cost-deployment';
import { FUNCTIONS } from '../../../src/catalog/functions';
import { dynamoProjection, TABLES } from '../../../src/catalog/tables';

describe('item sizes (DynamoDB rules)', () => {
  it('counts attribute names and values: strings in UTF-8 bytes, numbers by significant digits', () => {
    expect(itemBytes({ pk: 'abc' })).toBe(5);
    expect(itemBytes({ é: 'é' })).toBe(4);
    expect(attributeBytes(12345)).toBe(4);
    expect(attributeBytes(0.5)).toBe(2);
    expect(attributeBytes(true)).toBe(1);
  });

  it('adds 3 bytes per map or list and 1 per element, with nested names', () => {
    expect(attributeBytes([])).toBe(3);
    expect(attributeBytes(['ab', 'c'])).toBe(3 + 1 + 2 + 1 + 1);
    expect(attributeBytes({ k: 'v' })).toBe(3 + 1 + 1 + 1);
    expect(itemBytes({ m: { k: 'v', gone: undefined } })).toBe(1 + 6);
  });
});

describe('request units', () => {
  it('charges one write unit per started KB, twice inside a transaction', () => {
    expect(writeUnits(1)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(1025, true)).toBe(4);
  });

  it('charges reads per started 4 KB, half when eventually consistent', () => {
    expect(readUnits(4096, true)).toBe(1);
    expect(readUnits(4097, true)).toBe(2);
    expect(readUnits(100)).toBe(0.5);
  });
});

const table = (
  indexes: TableShape['indexes'],
  regions = 3,
  billing: BillingShape = { mode: 'on-demand' },
): TableShape => ({
  partitionKey: 'pk',
  sortKey: 'sk',
  regions,
  indexes,
  billing,
});
const provisioned = (writeMin = 1, readMin = 1, targetPercent = 70): BillingShape => ({
  mode: 'provisioned',
  write: { min: writeMin, max: 100, targetPercent },
  read: { min: readMin, max: 100, targetPercent },
});
const index = (
  name: string,
  projection: IndexShape['projection'],
  nonKeyAttributes: string[] = [],
): IndexShape => ({ name, partitionKey: `${name}pk`, sortKey: 'gsk', projection, nonKeyAttributes });

describe('writeCost', () => {
  // 1,500 bytes: two write units as a whole item.
  const item = { pk: 'p', sk: 's', apk: 'a', bpk: 'b', gsk: 'g', rating: 5, text: 'x'.repeat(1500 - 30) };
  const write = { what: 'review', table: 'Reviews', item, perReview: 1, transactional: true };

  it('adds the indexes and a plain copy (with its indexes) in each other region', () => {
    const cost = writeCost(write, table([index('a', 'ALL'), index('b', 'ALL')]));
    expect(cost.bytes).toBe(1500);
    expect(cost).toMatchObject({ tableUnits: 4, indexUnits: 4, replicatedUnits: 4, replicaIndexUnits: 8 });
    // 4 + 4 + 8 standard units and 4 replicated units, per review, times a million.
    expect(cost.dollarsPerMillion).toBeCloseTo(16 * 0.625 + 4 * 0.625, 6);
  });

  it('writes a keys-only or include entry at its own size, and a regional table once', () => {
    const cost = writeCost(
      { ...write, transactional: false },
      table([index('a', 'KEYS_ONLY'), index('b', 'INCLUDE', ['rating'])], 1),
    );
    expect(cost.indexes).toEqual([
      { name: 'a', bytes: itemBytes({ pk: 'p', sk: 's', apk: 'a', gsk: 'g' }) },
      { name: 'b', bytes: itemBytes({ pk: 'p', sk: 's', bpk: 'b', gsk: 'g', rating: 5 }) },
    ]);
    expect(cost).toMatchObject({ tableUnits: 2, indexUnits: 2, replicatedUnits: 0, replicaIndexUnits: 0 });
  });

  it('skips a sparse index the item is not in', () => {
    const { bpk: _absent, ...withoutB } = item;
    expect(
      indexesWritten({ ...write, item: withoutB }, table([index('a', 'ALL'), index('b', 'ALL')])),
    ).toEqual([expect.objectContaining({ name: 'a' })]);
  });

  it('writes on an update only the indexes holding a changed attribute', () => {
    const shape = table([index('a', 'ALL'), index('b', 'KEYS_ONLY'), index('c', 'INCLUDE', ['rating'])]);
    const withC = { ...item, cpk: 'c' };
    const names = (changed: string[]) =>
      indexesWritten({ ...write, item: withC, changed }, shape).map((i) => i.name);
    expect(names(['text'])).toEqual(['a']);
    expect(names(['rating'])).toEqual(['a', 'c']);
    expect(names(['bpk'])).toEqual(['a', 'b']);
  });
});

describe('provisioned capacity (ADR 0035)', () => {
  it('prices a consumed unit as a capacity-hour spread over 3,600 x the target utilisation', () => {
    const unit = unitPrices(provisioned(1, 1, 70));
    // $0.00065 per WCU-hour / (3,600 s x 0.7) = $0.258 per million units; reads $0.0516.
    expect(unit.write * 1e6).toBeCloseTo((0.00065 / (3600 * 0.7)) * 1e6, 9);
    expect(unit.write * 1e6).toBeCloseTo(0.258, 3);
    expect(unit.replicatedWrite).toBe(unit.write);
    expect(unit.read * 1e6).toBeCloseTo(0.0516, 4);
    // A lower target pays for more idle capacity.
    expect(unitPrices(provisioned(1, 1, 35)).write).toBeCloseTo(2 * unit.write, 12);
    expect(unitPrices({ mode: 'on-demand' })).toEqual({
      write: PRICES.dynamoWriteUnit,
      replicatedWrite: PRICES.dynamoReplicatedWriteUnit,
      read: PRICES.dynamoReadUnit,
    });
  });

  it('prices every unit of a write on a provisioned table (indexes and copies too) at that rate', () => {
    const item = { pk: 'p', sk: 's', apk: 'a', gsk: 'g', text: 'x'.repeat(1500 - 18) };
    const write = { what: 'review', table: 'T', item, perReview: 1, transactional: true };
    const onDemand = writeCost(write, table([index('a', 'ALL')]));
    const prov = writeCost(write, table([index('a', 'ALL')], 3, provisioned()));
    // Same units (4 + 2 + 2 x 2 index, 2 x 2 replicated = 14), another price per unit.
    expect(prov).toMatchObject({ tableUnits: 4, indexUnits: 2, replicatedUnits: 4, replicaIndexUnits: 4 });
    expect(onDemand.dollarsPerMillion).toBeCloseTo(14 * 0.625, 6);
    expect(prov.dollarsPerMillion).toBeCloseTo(((14 * 0.00065) / (3600 * 0.7)) * 1e6, 3);
  });

  it('costs the minimum capacity 24/7 for the table and each index, in every region', () => {
    // (1 table + 2 GSIs) x 730 h x (2 WCU x 3 regions x $0.00065 + 5 RCU x 3 regions x $0.00013).
    expect(capacityFloor(table([index('a', 'ALL'), index('b', 'ALL')], 3, provisioned(2, 5)))).toBeCloseTo(
      3 * 730 * (2 * 3 * 0.00065 + 5 * 3 * 0.00013),
      3,
    );
    expect(capacityFloor(table([index('a', 'ALL')]))).toBe(0);
  });

  it('reads the billing of a template: on-demand, provisioned, and refuses mixed settings', () => {
    const scaling = (min: number) => ({
      MinCapacity: min,
      MaxCapacity: 10,
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 },
    });
    const props = (indexWriteMin: number) => ({
      BillingMode: 'PROVISIONED',
      WriteProvisionedThroughputSettings: { WriteCapacityAutoScalingSettings: scaling(1) },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'a',
          WriteProvisionedThroughputSettings: { WriteCapacityAutoScalingSettings: scaling(indexWriteMin) },
        },
      ],
      Replicas: [
        {
          Region: 'r1',
          ReadProvisionedThroughputSettings: { ReadCapacityAutoScalingSettings: scaling(2) },
          GlobalSecondaryIndexes: [
            {
              IndexName: 'a',
              ReadProvisionedThroughputSettings: { ReadCapacityAutoScalingSettings: scaling(2) },
            },
          ],
        },
      ],
    });
    expect(billingShape({ BillingMode: 'PAY_PER_REQUEST' })).toEqual({ mode: 'on-demand' });
    expect(billingShape(props(1))).toEqual({
      mode: 'provisioned',
      write: { min: 1, max: 10, targetPercent: 70 },
      read: { min: 2, max: 10, targetPercent: 70 },
    });
    expect(() => billingShape(props(3))).toThrow(/differ in capacity/);
  });
});

describe('estimateCost', () => {
  const flow: IngestFlow = {
    regions: 3,
    tables: { T: table([]) },
    writes: [],
    reads: [{ what: 'page', table: 'T', bytes: 8192, perReview: 1, consistent: false }],
    sqsRequestsPerReview: 2,
    invocations: [
      { functionId: 'Api', memoryMb: 512, perReview: 1, durationMs: 100, architecture: 'arm64' },
      {
        functionId: 'RealtimeFanout',
        memoryMb: 1024,
        perReview: 0.5,
        durationMs: 1000,
        everyRegion: true,
        architecture: 'arm64',
      },
    ],
    apiRequestsPerReview: 1,
  };

  it('prices reads at the billing of the table read', () => {
    const prov = estimateCost({ ...flow, tables: { T: table([], 3, provisioned()) } });
    // 8 KB eventually consistent = 1 RCU; the model rounds to a tenth of a cent.
    expect(prov.perService.dynamodbReads).toBeCloseTo((0.00013 / (3600 * 0.7)) * 1e6, 2);
    expect(prov.capacityFloorPerMonth).toEqual({ T: capacityFloor(table([], 3, provisioned())) });
    expect(estimateCost(flow).capacityFloorPerMonth).toEqual({});
  });

  it('prices each service per million reviews and sums them', () => {
    const estimate = estimateCost(flow);
    expect(estimate.perService.dynamodbReads).toBeCloseTo(1 * 0.125, 6);
    expect(estimate.perService.sqs).toBeCloseTo(0.8, 6);
    // 0.05 GB-s + 3 regions x 0.5 GB-s per review; 1 + 1.5 invocations.
    expect(estimate.lambdaGbSecondsPerMillion).toBeCloseTo(1.55e6, 0);
    expect(estimate.perService.lambda).toBeCloseTo(1.55 * 13.3334 + 2.5 * 0.2, 2);
    expect(estimate.perService.apiGateway).toBeCloseTo(3.5, 6);
    expect(estimate.perService.waf).toBeCloseTo(0.6, 6);
    const sum = Object.values(estimate.perService).reduce((a, b) => a + b, 0);
    expect(estimate.totalPerMillion).toBeCloseTo(sum, 2);
    expect(estimate.target).toBe(15);
  });

  it('uses the prices it is given', () => {
    const free = Object.fromEntries(Object.keys(PRICES).map((k) => [k, 0])) as unknown as typeof PRICES;
    expect(estimateCost(flow, free).totalPerMillion).toBe(0);
  });
});

describe('ingestFlow (from the synthesized data stack and functions)', () => {
  const options = { reviewsPerChunk: 10, endpointsPerEvent: 1, eventsPerReview: 1.2 };
  let deployment: Deployment;

  beforeAll(() => {
    deployment = synthesizeDeployment(INGEST_FUNCTIONS);
  });

  it('reads every catalog table with its indexes, projections and regions from the template', () => {
    for (const def of TABLES) {
      const shape = deployment.tables[def.id];
      expect(shape.regions).toBe(deployment.regions);
      expect(shape.indexes.map((i) => [i.name, i.partitionKey, i.sortKey])).toEqual(
        def.indexes.map((i) => [i.name, i.partitionKey, i.sortKey]),
      );
      expect(
        shape.indexes.map((i) => ({ ProjectionType: i.projection, nonKey: i.nonKeyAttributes })),
      ).toEqual(
        def.indexes.map((i) => {
          const p = dynamoProjection(i.projection);
          return { ProjectionType: p.ProjectionType, nonKey: p.NonKeyAttributes ?? [] };
        }),
      );
    }
    expect(deployment.regions).toBe(3);
  });

  it("reads every table's billing from the template, as the catalog decides it", () => {
    for (const def of TABLES) {
      expect([def.id, deployment.tables[def.id].billing]).toEqual([def.id, def.capacity]);
    }
    // At least one table is provisioned, or this test would not check the provisioned path.
    expect(TABLES.some((def) => def.capacity.mode === 'provisioned')).toBe(true);
  });

  it('is cheaper per review with the provisioned tables than all on-demand', () => {
    const flow = ingestFlow(options, deployment);
    const onDemand = estimateCost(ingestFlow(options, allOnDemand(deployment)));
    expect(estimateCost(flow).perService.dynamodbWrites).toBeLessThan(onDemand.perService.dynamodbWrites);
  });

  it("reads each ingestion function's memory and architecture as built by ServiceFunction", () => {
    for (const id of INGEST_FUNCTIONS) {
      expect(deployment.functions[id]).toEqual({
        memoryMb: FUNCTIONS.find((f) => f.id === id)!.memoryMb,
        architecture: 'arm64',
      });
    }
  });

  it('writes each review into every index it is in, and the filtered indexes hold a small entry', () => {
    const estimate = estimateCost(ingestFlow(options, deployment));
    const review = estimate.writes.find((w) => w.what === 'review')!;
    // The sample review has stars and no recommendation: not in the sparse byRecommendation.
    expect(review.indexes.map((i) => i.name)).toEqual([
      'byCreatedAt',
      'byPlatform',
      'byRating',
      'byPlatformRating',
    ]);
    expect(review.indexes.find((i) => i.name === 'byPlatform')!.bytes).toBeLessThan(1024);
    expect(review.indexes.find((i) => i.name === 'byPlatformRating')!.bytes).toBeLessThan(1024);
    expect(review.regions).toBe(3);
    // A delivery's outcome does not write the keys-only index.
    expect(estimate.writes.find((w) => w.what === 'webhook delivery (outcome)')!.indexes).toEqual([]);
  });

  it('costs less without webhook endpoints, and less with bigger transactions', () => {
    const base = estimateCost(ingestFlow(options, deployment)).totalPerMillion;
    expect(
      estimateCost(ingestFlow({ ...options, endpointsPerEvent: 0 }, deployment)).totalPerMillion,
    ).toBeLessThan(base);
    expect(
      estimateCost(ingestFlow({ ...options, reviewsPerChunk: 25 }, deployment)).totalPerMillion,
    ).toBeLessThan(base);
  });
});
