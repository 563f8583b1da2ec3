/** The cost model's arithmetic (bench/cost-model.ts): item sizes, request units, replication, totals. */
import {
  attributeBytes,
  estimateCost,
  itemBytes,
  PRICES,
  readUnits,
  writeCost,
  writeUnits,
  type IngestFlow,
} from '../../../bench/cost-model';
import { ingestFlow } from '../../../bench/cost';

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

describe('writeCost', () => {
  const write = {
    what: 'review',
    table: 'Reviews',
    bytes: 1500,
    perReview: 1,
    transactional: true,
    indexes: 3,
    replicated: true,
  };

  it('adds the indexes and a plain copy (with its indexes) in each other region', () => {
    const cost = writeCost(write, 3);
    expect(cost).toMatchObject({ tableUnits: 4, indexUnits: 6, replicatedUnits: 4, replicaIndexUnits: 12 });
    // 4 + 6 + 12 standard units and 4 replicated units, per review, times a million.
    expect(cost.dollarsPerMillion).toBeCloseTo(22 * 0.625 + 4 * 0.625, 6);
  });

  it('writes a regional table once', () => {
    const cost = writeCost({ ...write, replicated: false, indexes: 0, transactional: false }, 3);
    expect(cost).toMatchObject({ tableUnits: 2, replicatedUnits: 0, replicaIndexUnits: 0 });
    expect(cost.dollarsPerMillion).toBeCloseTo(2 * 0.625, 6);
  });
});

describe('estimateCost', () => {
  const flow: IngestFlow = {
    regions: 3,
    writes: [],
    reads: [{ what: 'page', bytes: 8192, perReview: 1, consistent: false }],
    sqsRequestsPerReview: 2,
    invocations: [
      { functionId: 'Api', memoryMb: 512, perReview: 1, durationMs: 100 },
      { functionId: 'RealtimeFanout', memoryMb: 1024, perReview: 0.5, durationMs: 1000, everyRegion: true },
    ],
    apiRequestsPerReview: 1,
  };

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

describe('ingestFlow (from the catalog)', () => {
  const options = { reviewsPerChunk: 10, endpointsPerEvent: 1, eventsPerReview: 1.2, regions: 3 };

  it('writes each review with the Reviews table indexes, replicated to every region', () => {
    const review = ingestFlow(options).writes.find((w) => w.what === 'review')!;
    expect(review).toMatchObject({ table: 'Reviews', indexes: 3, transactional: true, replicated: true });
    expect(review.bytes).toBeGreaterThan(1024);
  });

  it('what-ifs: a regional table is written once; KEYS_ONLY index entries cost one unit each', () => {
    const regional = ingestFlow({ ...options, regionalTables: ['Deliveries'] });
    expect(regional.writes.filter((w) => w.table === 'Deliveries').every((w) => !w.replicated)).toBe(true);
    expect(regional.writes.filter((w) => w.table === 'Reviews').every((w) => w.replicated)).toBe(true);
    const keysOnly = estimateCost(ingestFlow({ ...options, keysOnlyIndexes: true }));
    const review = keysOnly.writes.find((w) => w.what === 'review')!;
    expect(review.indexUnits).toBe(3);
    expect(review.replicaIndexUnits).toBe(6);
    expect(keysOnly.totalPerMillion).toBeLessThan(estimateCost(ingestFlow(options)).totalPerMillion);
  });

  it('costs less without webhook endpoints, and less with bigger transactions', () => {
    const base = estimateCost(ingestFlow(options)).totalPerMillion;
    expect(estimateCost(ingestFlow({ ...options, endpointsPerEvent: 0 })).totalPerMillion).toBeLessThan(base);
    expect(estimateCost(ingestFlow({ ...options, reviewsPerChunk: 25 })).totalPerMillion).toBeLessThan(base);
  });
});
