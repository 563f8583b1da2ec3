/**
 * The failover drill (issue 11), on the two-region local mode (local/two-regions.ts):
 * `npm run drill:failover -- --count 500` (reviews per phase; four phases), and small in
 * test/integration/failover-drill.test.ts.
 *
 * 1. Clients send reviews to region A; each is stored there and replicated.
 * 2. Replication from A lags (its link is held): the next reviews are stored in A only.
 * 3. A's ingest workers fall behind (paused): the next reviews are accepted (202) and queued in A.
 * 4. Region A dies: its gateway, functions, workers and DynamoDB Local stop (its queues stay, as
 *    SQS keeps an accepted message).
 * 5. Clients retry against region B: the reviews A refused, and those they cannot see in B (the
 *    ones of phases 2 and 3: sent again, with the same natural key, so the same review id).
 * 6. A comes back and drains what it had queued, before B's copies reach it; then replication
 *    resumes both ways. Reviews of phases 2 and 3 were created in both regions: last writer wins.
 * 7. Checks: every review is stored once in each region (deterministic ids); both regions answer
 *    the same summary, and the right one (no double count); every table holds the same items in
 *    both regions (summaries, budgets, breakers, ... all of it); no message in a DLQ.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TABLES, tableDefinition } from '../src/catalog/tables';
import { QUEUES } from '../src/catalog/queues';
import { createSupplierWithKey } from '../src/access/use-cases/create-supplier';
import { DynamoTenantStore } from '../src/reviews/adapters/dynamo-records';
import { GetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { digestTable } from '../src/recovery/adapters/table-digest';
import { canonicalJson, sameDigest } from '../src/recovery/domain/item-hash';
import { queueDepth } from '../local/inspect';
import { waitFor } from '../local/processes';
import { startTwoRegions, type LocalRegion } from '../local/two-regions';
import type { LocalStack } from '../local/stack';

export interface FailoverDrillOptions {
  /** Reviews per phase (four phases). */
  readonly reviews: number;
  readonly log?: (line: string) => void;
}

export interface FailoverReport {
  readonly ok: boolean;
  readonly failures: string[];
  readonly reviews: number;
  /** Items both regions had written when replication met them (last writer wins decided). */
  readonly conflicts: number;
  /** Summary shards corrected: reviews created in both regions, counted twice without ADR 0020's fix. */
  readonly corrections: number;
  readonly summaries: Record<string, { count: number; averageRating: number | null }>;
  readonly seconds: { readonly load: number; readonly failover: number; readonly recovery: number };
}

const reviewBody = (i: number) => ({
  rating: 1 + (i % 5),
  title: `Drill review ${i}`,
  body: `Review number ${i} of the failover drill.`,
  reviewerName: `Couple ${i}`,
  platform: 'google',
  externalId: `drill-${i}`,
});

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

async function post(apiUrl: string, key: string, i: number): Promise<{ status: number; reviewId?: string }> {
  try {
    const response = await fetch(`${apiUrl}/v1/reviews`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(reviewBody(i)),
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await response.json().catch(() => ({}))) as { reviewId?: string };
    return { status: response.status, ...(json.reviewId ? { reviewId: json.reviewId } : {}) };
  } catch {
    return { status: 0 }; // refused or cut: the region is down
  }
}

/**
 * Sends reviews `indexes` to `apiUrl`, a few at a time; the answers by index. As a client does, a
 * request that got no answer, a 429 or a 5xx is sent again, up to `attempts` times in all.
 */
async function sendAll(apiUrl: string, key: string, indexes: readonly number[], attempts = 4) {
  const answers = new Map<number, { status: number; reviewId?: string }>();
  const queue = [...indexes];
  const send = async (i: number) => {
    for (let attempt = 1; ; attempt += 1) {
      const answer = await post(apiUrl, key, i);
      const retry = answer.status === 0 || answer.status === 429 || answer.status >= 500;
      if (!retry || attempt >= attempts) return answer;
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  };
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) answers.set(i, await send(i));
    }),
  );
  return answers;
}

const docOf = (stack: LocalStack) => DynamoDBDocumentClient.from(stack.dynamoClient);

/** The review ids stored in a region for the supplier (the review items themselves, not a counter). */
async function storedReviewIds(stack: LocalStack, supplierId: string): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await docOf(stack).send(
      new QueryCommand({
        TableName: stack.env[tableDefinition('Reviews').envVar],
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :review)',
        ExpressionAttributeValues: { ':pk': `SUPPLIER#${supplierId}`, ':review': 'REVIEW#' },
        ProjectionExpression: 'reviewId',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) ids.push(String(item.reviewId));
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}

async function summaryOf(region: LocalRegion, key: string) {
  const response = await fetch(`${region.apiUrl}/v1/reviews/summary`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return (await response.json()) as { count: number; averageRating: number | null; byRating: unknown };
}

export async function runFailoverDrill(options: FailoverDrillOptions): Promise<FailoverReport> {
  const started = Date.now();
  const print = options.log ?? ((line: string) => console.log(line));
  const log = (line: string) => print(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  const n = options.reviews;
  const failures: string[] = [];
  const seconds = { load: 0, failover: 0, recovery: 0 };
  let clock = Date.now();
  const lap = () => {
    const now = Date.now();
    const elapsed = (now - clock) / 1000;
    clock = now;
    return elapsed;
  };
  log(`starting two regions (${n} reviews per phase, ${4 * n} in all)...`);
  const two = await startTwoRegions({
    // Long enough that a loaded machine's slow invocation is not received twice.
    visibilityTimeoutSeconds: 10,
    throttling: 'off',
    quietFunctions: true,
    pollerConcurrency: 2,
  });
  try {
    const [a, b] = two.regions;
    const stackA = a.stack!;
    const tenants = new DynamoTenantStore(docOf(stackA), stackA.env[tableDefinition('Tenants').envVar]!);
    const { supplierId, apiKey } = await createSupplierWithKey(tenants, { name: 'Drill Florist' });
    await two.settle();
    clock = Date.now();

    // 1. Load on A, stored and replicated.
    const ids = new Map<number, string>();
    const accepted = async (apiUrl: string, indexes: readonly number[], what: string) => {
      const answers = await sendAll(apiUrl, apiKey, indexes);
      for (const [i, answer] of answers) {
        if (answer.status !== 202 || !answer.reviewId)
          failures.push(`${what}: review ${i} answered ${answer.status}`);
        else if (ids.has(i) && ids.get(i) !== answer.reviewId) failures.push(`review ${i}: a second id`);
        else ids.set(i, answer.reviewId);
      }
      return answers;
    };
    const storedInA = (count: number) =>
      waitFor(
        async () => (await storedReviewIds(a.stack!, supplierId)).length >= count,
        `${count} reviews in A`,
        120_000,
      );
    log(`phase 1: ${n} reviews to ${a.name}`);
    await accepted(a.apiUrl, range(0, n), 'phase 1');
    await storedInA(n);
    await two.settle();
    // 2. Replication from A lags: stored in A only.
    two.replicator.pause(a.name, b.name);
    log(`phase 2: ${n} reviews to ${a.name}, its replication held back`);
    await accepted(a.apiUrl, range(n, 2 * n), 'phase 2');
    await storedInA(2 * n);
    // 3. A's ingest falls behind: accepted and queued in A.
    await stackA.workers.pause('Ingest');
    log(`phase 3: ${n} reviews to ${a.name}, its ingest workers paused`);
    await accepted(a.apiUrl, range(2 * n, 3 * n), 'phase 3');
    seconds.load = lap();

    // 4. A dies.
    log(`${a.name} dies (gateway, functions, workers, DynamoDB Local); its queues keep what they hold`);
    await a.stop();
    // 5. Clients retry against B.
    const refused = await sendAll(a.apiUrl, apiKey, range(3 * n, 4 * n), 1);
    const answeredByA = [...refused.values()].filter((r) => r.status !== 0).length;
    if (answeredByA > 0) failures.push(`${answeredByA} requests reached the dead region`);
    const visibleInB = new Set(await storedReviewIds(b.stack!, supplierId));
    const unseen = range(0, 3 * n).filter((i) => !visibleInB.has(ids.get(i)!));
    log(`phase 4: ${n} reviews A refused, and ${unseen.length} not visible in ${b.name}, sent to ${b.name}`);
    await accepted(b.apiUrl, [...unseen, ...range(3 * n, 4 * n)], 'retry in B');
    await waitFor(
      async () => (await storedReviewIds(b.stack!, supplierId)).length >= 4 * n,
      'B to store every review',
      120_000,
    );
    seconds.failover = lap();

    // 6. A comes back, drains its queue before B's copies reach it, then replication resumes.
    two.replicator.pause(b.name, a.name);
    log(`${a.name} comes back and drains its queue`);
    const revived = await a.start();
    await waitFor(
      async () => (await queueDepth(revived.sqsClient, revived.queues.Ingest.url)) === 0,
      'A to drain',
      120_000,
    );
    two.replicator.resume(b.name, a.name);
    two.replicator.resume(a.name, b.name);
    await two.settle(120_000);
    seconds.recovery = lap();

    // 7. Checks.
    const expected = [...new Set(range(0, 4 * n).map((i) => ids.get(i)))].sort();
    if (expected.length !== 4 * n)
      failures.push(`${expected.length} distinct review ids for ${4 * n} reviews`);
    const summaries: FailoverReport['summaries'] = {};
    const ratingSum = range(0, 4 * n).reduce((sum, i) => sum + reviewBody(i).rating, 0);
    const average = Math.round((ratingSum / (4 * n)) * 100) / 100;
    for (const region of two.regions) {
      const stored = (await storedReviewIds(region.stack!, supplierId)).sort();
      if (JSON.stringify(stored) !== JSON.stringify(expected)) {
        failures.push(
          `${region.name}: ${stored.length} reviews stored, ${new Set(stored).size} distinct, ${4 * n} sent`,
        );
      }
      const summary = await summaryOf(region, apiKey);
      summaries[region.name] = { count: summary.count, averageRating: summary.averageRating };
      if (summary.count !== 4 * n || summary.averageRating !== average) {
        failures.push(
          `${region.name}: summary counts ${summary.count} reviews averaging ${summary.averageRating}, expected ${4 * n} averaging ${average}`,
        );
      }
      for (const queue of QUEUES) {
        const dlq = await queueDepth(region.stack!.sqsClient, region.stack!.queues[queue.id].dlqUrl);
        if (dlq > 0) failures.push(`${region.name}: ${dlq} messages in the ${queue.id} DLQ`);
      }
    }
    for (const table of TABLES) {
      const name = `wedsync-local-${table.id}`;
      const [inA, inB] = await Promise.all(two.regions.map((r) => digestTable(r.stack!.dynamoClient, name)));
      if (!sameDigest(inA!.digest, inB!.digest)) {
        const clients = two.regions.map((r) => r.stack!.dynamoClient);
        failures.push(
          `${table.id}: ${inA!.digest.count} items in ${a.name}, ${inB!.digest.count} in ${b.name}, not the same` +
            ` (${await describeDifference(clients, name, [a.name, b.name], (key) =>
              two.replicator.conflicts
                .filter((c) => c.table === table.id && c.key === key)
                .map((c) => `${c.winner} over ${c.loser}`),
            )})`,
        );
      }
    }
    const report: FailoverReport = {
      ok: failures.length === 0,
      failures,
      reviews: 4 * n,
      conflicts: two.replicator.counts.conflicts,
      corrections: await two.corrections(),
      summaries,
      seconds,
    };
    log(
      `${report.ok ? 'PASS' : 'FAIL'}: ${report.reviews} reviews; ${report.conflicts} conflicts resolved; ` +
        `${report.corrections} reviews created in both regions, their double count corrected; ` +
        `summaries ${JSON.stringify(summaries)}; load ${seconds.load.toFixed(1)} s, failover ${seconds.failover.toFixed(1)} s, recovery ${seconds.recovery.toFixed(1)} s`,
    );
    for (const failure of failures) log(`  ${failure}`);
    return report;
  } finally {
    await two.stop();
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '250' } } });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count <= 0) {
    console.error('--count must be a positive integer (reviews per phase)');
    process.exit(2);
  }
  console.log(`failover drill: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} at start`);
  runFailoverDrill({ reviews: count }).then(
    (report) => process.exit(report.ok ? 0 : 1),
    (error: unknown) => {
      console.error(`drill error: ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    },
  );
}

/**
 * What differs between the regions' copies of a table, for the drill's failure line: the first
 * few keys whose items differ, and for the first one, the attributes that differ (never values:
 * they may hold review text).
 */
async function describeDifference(
  clients: readonly DynamoDBClient[],
  tableName: string,
  regionNames: readonly string[],
  conflictsOn: (key: string) => readonly string[],
): Promise<string> {
  const [a, b] = await Promise.all(clients.map((c) => digestTable(c, tableName, { withItems: true })));
  const keys = [...new Set([...a!.items!.keys(), ...b!.items!.keys()])];
  const differing = keys.filter((key) => a!.items!.get(key) !== b!.items!.get(key));
  if (differing.length === 0) return 'the same when read again';
  const first = JSON.parse(differing[0]!) as Record<string, AttributeValue>;
  const [itemA, itemB] = await Promise.all(
    clients.map(
      async (c) =>
        (await c.send(new GetItemCommand({ TableName: tableName, Key: first, ConsistentRead: true }))).Item,
    ),
  );
  const where = (item: unknown, name: string) => (item ? '' : `missing in ${name}`);
  const attributes = [...new Set([...Object.keys(itemA ?? {}), ...Object.keys(itemB ?? {})])].filter(
    (name) => canonicalJson({ v: itemA?.[name] ?? null }) !== canonicalJson({ v: itemB?.[name] ?? null }),
  );
  const missing = [where(itemA, regionNames[0]!), where(itemB, regionNames[1]!)].filter(Boolean);
  const decided = conflictsOn(differing[0]!);
  return (
    `${differing.length} keys differ, first ${differing.slice(0, 3).join(', ')}; ` +
    (missing.length > 0 ? missing.join(', ') : `attributes that differ: ${attributes.join(', ')}`) +
    `; conflicts the replicator decided on it: ${decided.length > 0 ? decided.join(', ') : 'none'}`
  );
}
