/**
 * Two local regions (`startTwoRegions`, ADR 0020): each region is the whole local stack with its
 * own DynamoDB Local, and the replicator keeps the tables in step as global tables do.
 *
 * Real-time updates across them (ADR 0017 decisions 2 and 3): Region A (us-east-1) is the primary: its RealtimeRecorder is the channel
 * log's one writer. Reviews posted to A's API, and to B's, become events in the supplier's channel;
 * every region fans its replica's log stream out to its own connections. Subscribers connected to
 * A and to B each get every event of the channel once, in the log's order.
 *
 * A budget threshold that only the two regions' expenses together cross: each region's
 * ReplicatedSpending function (the catalogued handler, on its region's Budgets stream) applies the
 * other region's spent shard when it arrives and announces the crossing, as one event.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WebSocket } from 'ws';
import { createSupplierWithKey } from '../../src/access/use-cases/create-supplier';
import type { BudgetKey } from '../../src/budgets';
import { DynamoBudgetStore } from '../../src/budgets/adapters/budget-store';
import { tableDefinition } from '../../src/catalog/tables';
import { PLATFORM_SUPPLIER_ID } from '../../src/events';
import { DynamoChannelLog } from '../../src/realtime/adapters/dynamo-channel-log';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import type { LocalStack } from '../../local/stack';
import { startTwoRegions, type LocalRegion, type TwoRegions } from '../../local/two-regions';
import { startReceiver, type Receiver } from './webhooks/support/receivers';
import { until as waitUntil } from '../support/wait';
import { openSocket } from './realtime/support/realtime-rig';

/** This file's patience: 180_000 ms. */
const until = (check: () => boolean | Promise<boolean>, what: string) => waitUntil(check, what, 180_000, 100);

// Two whole local stacks and two DynamoDB Locals: about a minute on an idle laptop, several on a
// machine shared by many runs (the failover drill's test allows the same).
jest.setTimeout(900_000);

let two: TwoRegions;
const sockets: WebSocket[] = [];
let hooks: Receiver | undefined;

beforeAll(async () => {
  // Invoked with what arrived rather than after the catalog's batching windows, as in every test stack.
  two = await startTwoRegions({
    throttling: 'off',
    quietFunctions: true,
    pollerConcurrency: 2,
    batchingWindowSeconds: 0,
  });
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await hooks?.close();
  await two?.stop();
});

const docOf = (stack: LocalStack) =>
  DynamoDBDocumentClient.from(stack.dynamoClient, { marshallOptions: { removeUndefinedValues: true } });

interface Subscriber {
  readonly region: string;
  readonly frames: Record<string, unknown>[];
}

async function tokenIn(region: LocalRegion, apiKey: string): Promise<{ token: string; channel: string }> {
  const response = await fetch(`${region.apiUrl}/v1/realtime/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await response.json()) as { token?: string; channels?: string[] };
  expect(response.status).toBe(201);
  return { token: body.token!, channel: body.channels![0]! };
}

async function subscribe(region: LocalRegion, token: string, channel: string): Promise<Subscriber> {
  const { socket, frames } = await openSocket(
    `${region.stack!.realtimeUrl}/?token=${encodeURIComponent(token)}`,
    sockets,
  );
  socket.send(JSON.stringify({ action: 'subscribe', channel }));
  await until(() => frames.some((f) => f.type === 'subscribed' || f.type === 'error'), 'the subscription');
  expect(frames.find((f) => f.type === 'subscribed' || f.type === 'error')).toMatchObject({
    type: 'subscribed',
    lastSeq: 0,
  });
  return { region: region.name, frames };
}

async function postReview(region: LocalRegion, apiKey: string, n: number): Promise<string> {
  const response = await fetch(`${region.apiUrl}/v1/reviews`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      rating: 5,
      title: `Two-region review ${n}`,
      body: `Review ${n}, posted to ${region.name}.`,
      reviewerName: `Couple ${n}`,
      platform: 'google',
      externalId: `rt-two-regions-${n}`,
    }),
  });
  const body = (await response.json()) as { reviewId?: string };
  expect(response.status).toBe(202);
  return body.reviewId!;
}

const eventsOf = (s: Subscriber) => s.frames.filter((f) => f.type === 'event');
const received = (s: Subscriber, reviewId: string) =>
  eventsOf(s).some((f) => {
    const event = f.event as { type: string; data: { reviewId?: string } };
    return event.type === 'review.received' && event.data.reviewId === reviewId;
  });

it('delivers events written in either region to subscribers in both, each once and in order', async () => {
  const [a, b] = two.regions;
  const stackA = a.stack!;
  const tenants = new DynamoTenantStore(docOf(stackA), stackA.env[tableDefinition('Tenants').envVar]!);
  const { apiKey } = await createSupplierWithKey(tenants, { name: 'Two-region Florist' });
  // The key reaches B by replication, as in AWS.
  await two.settle();

  // Two subscribers in each region, each with a token from its own region's API.
  const inA = await tokenIn(a, apiKey);
  const inB = await tokenIn(b, apiKey);
  expect(inB.channel).toBe(inA.channel);
  const channel = inA.channel;
  const subscribers = [
    await subscribe(a, inA.token, channel),
    await subscribe(a, inA.token, channel),
    await subscribe(b, inB.token, channel),
    await subscribe(b, inB.token, channel),
  ];

  // Three reviews written in A (the primary, where the log is appended), two in B (their events
  // reach A's recorder by replication, and come back to B as log items).
  const reviewIds: string[] = [];
  for (let n = 1; n <= 3; n += 1) reviewIds.push(await postReview(a, apiKey, n));
  for (let n = 4; n <= 5; n += 1) reviewIds.push(await postReview(b, apiKey, n));
  await until(
    () => subscribers.every((s) => reviewIds.every((id) => received(s, id))),
    "every review's review.received on every subscriber",
  );

  // Quiet: replication done, and both logs hold the same head; then every subscriber has had its
  // fan-out of every seq (B's stream poller reads an idle shard four times a second).
  await two.settle();
  const heads = await Promise.all(
    two.regions.map((region) =>
      new DynamoChannelLog(
        docOf(region.stack!),
        region.stack!.env[tableDefinition('RealtimeLog').envVar]!,
      ).head(channel),
    ),
  );
  expect(heads[0]).toBeGreaterThanOrEqual(reviewIds.length);
  expect(heads[1]).toBe(heads[0]);
  const head = heads[0]!;
  await until(
    () => subscribers.every((s) => eventsOf(s).length >= head),
    `${head} events on every subscriber`,
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));

  // Each subscriber: seq 1..head, each once, in order; all four saw the same events under the same seqs.
  const sequence = (s: Subscriber) =>
    eventsOf(s).map((f) => `${String(f.seq)}:${(f.event as { id: string }).id}`);
  const expected = sequence(subscribers[0]!);
  for (const s of subscribers) {
    expect({ region: s.region, seqs: eventsOf(s).map((f) => f.seq) }).toEqual({
      region: s.region,
      seqs: Array.from({ length: head }, (_, i) => i + 1),
    });
    expect(sequence(s)).toEqual(expected);
    expect(new Set(eventsOf(s).map((f) => (f.event as { id: string }).id)).size).toBe(head);
    expect(eventsOf(s).every((f) => f.channel === channel)).toBe(true);
  }
});

describe('a budget threshold crossed only by the two regions together', () => {
  const key: BudgetKey = { coupleId: 'cpl_two_regions', weddingId: 'wed_two_regions', category: 'venue' };
  let sent = 0;
  /** A producer envelope on the region's ingest queue, as the WedSync app sends it. */
  const produce = async (region: LocalRegion, type: string, data: Record<string, unknown>) => {
    sent += 1;
    const stack = region.stack!;
    await stack.sqsClient.send(
      new SendMessageCommand({
        QueueUrl: stack.queues.Ingest.url,
        MessageBody: JSON.stringify({
          specversion: '1.0',
          id: `two-regions-${sent}`,
          source: 'urn:wedsync:test-producer',
          type,
          time: new Date(Date.UTC(2026, 4, 1, 12, 0, sent)).toISOString(),
          datacontenttype: 'application/json',
          data: { coupleId: key.coupleId, weddingId: key.weddingId, currency: 'GBP', ...data },
        }),
      }),
    );
  };
  const spendingIn = (region: LocalRegion) =>
    new DynamoBudgetStore(
      docOf(region.stack!),
      region.stack!.env[tableDefinition('Budgets').envVar]!,
      region.name,
    ).spending(key);
  const spentIn = async (region: LocalRegion) => Number((await spendingIn(region)).totalSpent.GBP ?? 0);
  const thresholdEvents = () =>
    [...hooks!.bodies.values()].filter((body) => body.type === 'budget.threshold.exceeded');

  it('is announced once, by the regions’ replicated-spending consumers', async () => {
    const [a, b] = two.regions;
    const stackA = a.stack!;
    const app = await createSupplierWithKey(
      new DynamoTenantStore(docOf(stackA), stackA.env[tableDefinition('Tenants').envVar]!),
      { name: 'WedSync app (two regions)', supplierId: PLATFORM_SUPPLIER_ID },
    );
    hooks = await startReceiver('healthy');
    const created = await fetch(`${a.apiUrl}/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        url: hooks.url,
        eventTypes: ['budget.expense.recorded', 'budget.threshold.exceeded'],
      }),
    });
    expect(created.status).toBe(201);
    hooks.secrets = [String(((await created.json()) as { secret: string }).secret)];

    // An allocation of 100, set in A and replicated to B.
    await produce(a, 'budget.category.updated', { category: key.category, allocation: '100' });
    await until(async () => (await spendingIn(b)).allocation !== undefined, 'the allocation in both regions');
    await two.settle();

    // Each region alone spends less than 80 %: 50 in A and 40 in B, while neither sees the other.
    for (const [from, to] of [
      [a.name, b.name],
      [b.name, a.name],
    ] as const) {
      two.replicator.pause(from, to);
    }
    await produce(a, 'budget.expense.recorded', expense('exp-east', '50'));
    await produce(b, 'budget.expense.recorded', expense('exp-west', '40'));
    await until(async () => (await spentIn(a)) === 50 && (await spentIn(b)) === 40, 'each region’s expense');
    await until(
      () =>
        [...hooks!.bodies.values()].filter((body) => body.type === 'budget.expense.recorded').length === 2,
      'both expenses recorded',
    );
    expect(thresholdEvents()).toEqual([]);

    // Replication resumes: each region sees 90 % spent, and 80 % is announced once.
    for (const [from, to] of [
      [a.name, b.name],
      [b.name, a.name],
    ] as const) {
      two.replicator.resume(from, to);
    }
    await until(
      async () => (await spentIn(a)) === 90 && (await spentIn(b)) === 90,
      '90 spent in both regions',
    );
    await until(() => thresholdEvents().length > 0, 'the 80 % threshold');
    await two.settle();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(thresholdEvents()).toHaveLength(1);
    expect(thresholdEvents()[0]).toMatchObject({
      type: 'budget.threshold.exceeded',
      data: { coupleId: key.coupleId, category: key.category, thresholdPercent: 80 },
    });
  });

  function expense(expenseId: string, amount: string) {
    return { category: key.category, expenseId, amount, description: expenseId, date: '2026-05-01' };
  }
});
