/**
 * The delivery claim against DynamoDB Local (src/webhooks/adapters/deliveries.ts): a claim whose
 * request is repeated after it was applied (the SDK retries a timed-out request whose answer was
 * lost) recognises itself by its claim id; another claim on the same in-flight attempt loses.
 * The batched outcome writes (`finishAttempts`) keep finishAttempt's condition and append.
 * A cancel (endpoint disabled or deleted) ends an attempt in flight only once its lease is over, and
 * then logs it as lost and removes its lease in the same write.
 */
import { DynamoDeliveryStore } from '../../../src/webhooks/adapters/deliveries';
import { initialState, type AttemptRecord, type DeliveryMessage } from '../../../src/webhooks/domain/webhook';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LostAttempts } from '../../../src/webhooks/ports';
import { openCatalogTables, type CatalogTables } from '../support/catalog-tables';

let tables: CatalogTables;
let store: DynamoDeliveryStore;
beforeAll(async () => {
  tables = await openCatalogTables('delivery-claim-test', ['Deliveries']);
  store = new DynamoDeliveryStore(tables.doc, tables.tableName('Deliveries'));
});
afterAll(async () => {
  await tables?.release();
});

const NOW = Date.UTC(2026, 5, 1, 12);
const message = (deliveryId: string, attempt = 1): DeliveryMessage => ({
  v: 1,
  kind: 'attempt',
  deliveryId,
  supplierId: 'sup_claim',
  endpointId: 'whe_claim',
  eventId: `evt_${deliveryId}`,
  eventType: 'review.received',
  attempt,
  dueAtMs: NOW,
  createdAtMs: NOW,
  body: '{}',
});
// A day from the real now: DynamoDB Local deletes expired items, and a day after NOW (June 2026)
// had passed, so a delivery could vanish in the middle of a test.
const expiry = Math.floor(Date.now() / 1000) + 86_400;

it('a repeated request of the same claim wins again; another claim of the in-flight attempt loses', async () => {
  const initial = initialState(message('dlv_claim_repeat'));
  const first = await store.claim(initial, NOW, NOW + 70_000, expiry, 'claim-a');
  expect(first).toMatchObject({ ok: true, state: { status: 'in-flight', attempt: 1, claimId: 'claim-a' } });
  expect(first).not.toHaveProperty('takenOverLeaseUntilMs');

  // The same request again, as the SDK sends it after a lost answer: still ours.
  const repeated = await store.claim(initial, NOW + 3000, NOW + 73_000, expiry, 'claim-a');
  expect(repeated).toMatchObject({
    ok: true,
    state: { status: 'in-flight', attempt: 1, claimId: 'claim-a' },
  });

  // A duplicate message's claim while the lease holds: lost, and it sees who holds it until when.
  const other = await store.claim(initial, NOW + 5000, NOW + 75_000, expiry, 'claim-b');
  expect(other).toMatchObject({
    ok: false,
    current: { status: 'in-flight', attempt: 1, claimId: 'claim-a', leaseUntilMs: NOW + 70_000 },
  });

  // After the lease, another claim takes it over (the holder died).
  const takeover = await store.claim(initial, NOW + 71_000, NOW + 141_000, expiry, 'claim-b');
  // It learns whose lease it replaced (that attempt's POST may have gone out), and only it does.
  expect(takeover).toEqual({
    ok: true,
    state: expect.objectContaining({ claimId: 'claim-b' }),
    takenOverLeaseUntilMs: NOW + 70_000,
  });
  expect(await store.getDelivery(initial.deliveryId)).not.toHaveProperty('takenOverLeaseUntilMs');
  // ... and the first claim's repeated request no longer counts as a claim.
  const late = await store.claim(initial, NOW + 72_000, NOW + 142_000, expiry, 'claim-a');
  expect(late).toMatchObject({ ok: false, current: { claimId: 'claim-b' } });
});

it('the outcome ends the claim: the attempt is not claimable again under its old id', async () => {
  const initial = initialState(message('dlv_claim_done'));
  expect(await store.claim(initial, NOW, NOW + 70_000, expiry, 'claim-c')).toMatchObject({ ok: true });
  expect(
    await store.finishAttempt('dlv_claim_done', 1, { status: 'delivered', finishedAtMs: NOW + 100 }, [
      {
        deliveryId: 'dlv_claim_done',
        endpointId: 'whe_claim',
        supplierId: 'sup_claim',
        eventId: 'evt_dlv_claim_done',
        eventType: 'review.received',
        attempt: 1,
        at: new Date(NOW).toISOString(),
        outcome: 'success',
        statusCode: 204,
        latencyMs: 3,
        response: '',
        responseTruncated: false,
        next: 'delivered',
      },
    ]),
  ).toBe(true);
  const state = await store.getDelivery('dlv_claim_done');
  expect(state).toMatchObject({ status: 'delivered' });
  expect(state).not.toHaveProperty('claimId');
  expect(state).not.toHaveProperty('leaseUntilMs');
  // A repeated request of the finished claim is a duplicate now, not a second send.
  expect(await store.claim(initial, NOW + 200, NOW + 70_200, expiry, 'claim-c')).toMatchObject({
    ok: false,
    current: { status: 'delivered' },
  });
});

const record = (deliveryId: string, attempt: number, outcome: 'success' | 'failure'): AttemptRecord => ({
  deliveryId,
  endpointId: 'whe_claim',
  supplierId: 'sup_claim',
  eventId: `evt_${deliveryId}`,
  eventType: 'review.received',
  attempt,
  at: new Date(NOW).toISOString(),
  outcome,
  statusCode: outcome === 'success' ? 204 : 500,
  latencyMs: 3,
  response: outcome === 'success' ? '' : 'boom',
  responseTruncated: false,
  next: outcome === 'success' ? 'delivered' : 'retry 2',
});

it('batched outcomes: each written under its own condition, appended to the log, in order', async () => {
  // 30 claimed deliveries (two calls of 25 and 5), one not claimed, one finished already, one
  // whose earlier responses an erasure scrubbed while it was in flight.
  const ids = Array.from({ length: 30 }, (_, i) => `dlv_batch_${i}`);
  for (const id of ids) {
    expect(await store.claim(initialState(message(id)), NOW, NOW + 70_000, expiry, `c_${id}`)).toMatchObject({
      ok: true,
    });
  }
  const finish = (deliveryId: string, outcome: 'success' | 'failure') => ({
    deliveryId,
    attempt: 1,
    next:
      outcome === 'success'
        ? { status: 'delivered' as const, finishedAtMs: NOW + 100, lastStatusCode: 204 }
        : { status: 'pending' as const, attempt: 2, dueAtMs: NOW + 5000, lastError: 'HTTP 500' },
    records: [record(deliveryId, 1, outcome)],
  });
  expect(
    await store.finishAttempt('dlv_batch_3', 1, finish('dlv_batch_3', 'success').next, [
      record('dlv_batch_3', 1, 'success'),
    ]),
  ).toBe(true);
  await tables.doc.send(
    new UpdateCommand({
      TableName: tables.tableName('Deliveries'),
      Key: { pk: 'DELIVERY#dlv_batch_7', sk: 'STATE' },
      UpdateExpression: 'SET attempts = :scrubbed, responsesErased = :true',
      ExpressionAttributeValues: {
        ':scrubbed': [{ ...record('dlv_batch_7', 0, 'failure'), response: '' }],
        ':true': true,
      },
    }),
  );
  const finishes = [
    ...ids.map((id, i) => finish(id, i % 2 === 0 ? 'success' : 'failure')),
    finish('dlv_batch_never_claimed', 'success'),
  ];
  const outcomes = await store.finishAttempts(finishes);
  expect(outcomes).toHaveLength(31);
  outcomes.forEach((outcome, i) => {
    // Already finished (3) and never claimed (30): not written; the rest written.
    expect(outcome).toEqual({ ok: true, written: i !== 3 && i !== 30 });
  });
  const delivered = await store.getDelivery('dlv_batch_0');
  expect(delivered).toMatchObject({ status: 'delivered', lastStatusCode: 204, attempt: 1 });
  expect(delivered?.attempts).toEqual([record('dlv_batch_0', 1, 'success')]);
  expect(delivered).not.toHaveProperty('claimId');
  expect(delivered).not.toHaveProperty('leaseUntilMs');
  const retrying = await store.getDelivery('dlv_batch_29');
  expect(retrying).toMatchObject({
    status: 'pending',
    attempt: 2,
    dueAtMs: NOW + 5000,
    lastError: 'HTTP 500',
  });
  // The one finished before keeps its single record; the scrubbed log stays scrubbed, appended to.
  expect((await store.getDelivery('dlv_batch_3'))?.attempts).toHaveLength(1);
  const scrubbed = await store.getDelivery('dlv_batch_7');
  expect(scrubbed?.attempts?.map((a) => a.response)).toEqual(['', 'boom']);
  expect(scrubbed).toMatchObject({ responsesErased: true, status: 'pending', attempt: 2 });
  expect(await store.getDelivery('dlv_batch_never_claimed')).toBeUndefined();
});

/** The log's records of lost attempts as the worker makes them, reduced to what tells them apart. */
const lostAttempts: LostAttempts = (attempt, { leaseUntilMs, takenOverLeaseUntilMs }) =>
  [takenOverLeaseUntilMs, leaseUntilMs]
    .filter((lease): lease is number => lease !== undefined)
    .map((lease) => ({
      ...record('dlv_lost', attempt, 'failure'),
      errorCode: 'outcome-lost',
      next: `lease ${lease}`,
    }));

const rawItem = async (deliveryId: string) =>
  (
    await tables.doc.send(
      new GetCommand({
        TableName: tables.tableName('Deliveries'),
        Key: { pk: `DELIVERY#${deliveryId}`, sk: 'STATE' },
        ConsistentRead: true,
      }),
    )
  ).Item;

it('a cancel ends an attempt left in flight past its lease, never one within it', async () => {
  const initial = initialState(message('dlv_cancel_abandoned'));
  await store.claim(initial, NOW, NOW + 61_000, expiry, 'claim-lost');
  // Within the lease the holder may still write its outcome: the cancel leaves it alone.
  expect(await store.cancel(initial, 'endpoint-disabled', NOW + 30_000, expiry, lostAttempts)).toBe(
    NOW + 61_000,
  );
  expect(await store.getDelivery('dlv_cancel_abandoned')).toMatchObject({ status: 'in-flight' });
  // Past it nobody will (the worker died, or its claim's answer was lost): cancelled, not stuck,
  // with the lost attempt in the log and the claim's lease and id gone, in the same write.
  expect(
    await store.cancel(initial, 'endpoint-disabled', NOW + 62_000, expiry, lostAttempts),
  ).toBeUndefined();
  const item = await rawItem('dlv_cancel_abandoned');
  expect(item).toMatchObject({
    status: 'cancelled',
    reason: 'endpoint-disabled',
    finishedAtMs: NOW + 62_000,
  });
  expect(item?.attempts).toEqual([expect.objectContaining({ attempt: 1, next: `lease ${NOW + 61_000}` })]);
  expect(item).not.toHaveProperty('leaseUntilMs');
  expect(item).not.toHaveProperty('claimId');
  expect(item).not.toHaveProperty('takenOverLeaseUntilMs');
});

it('a cancel that ends a claim which had taken over a lost attempt logs both lost attempts', async () => {
  const initial = initialState(message('dlv_cancel_taken_over'));
  await store.claim(initial, NOW, NOW + 61_000, expiry, 'claim-1');
  // claim-1's worker died; claim-2 took the attempt over after the lease, and died too.
  expect(await store.claim(initial, NOW + 62_000, NOW + 123_000, expiry, 'claim-2')).toMatchObject({
    ok: true,
    takenOverLeaseUntilMs: NOW + 61_000,
  });
  expect(
    await store.cancel(initial, 'endpoint-deleted', NOW + 124_000, expiry, lostAttempts),
  ).toBeUndefined();
  const item = await rawItem('dlv_cancel_taken_over');
  expect(item).toMatchObject({ status: 'cancelled', reason: 'endpoint-deleted' });
  expect(item?.attempts?.map((a: AttemptRecord) => a.next)).toEqual([
    `lease ${NOW + 61_000}`,
    `lease ${NOW + 123_000}`,
  ]);
  expect(item).not.toHaveProperty('leaseUntilMs');
  expect(item).not.toHaveProperty('claimId');
  expect(item).not.toHaveProperty('takenOverLeaseUntilMs');
});

it('a cancel of a waiting or new delivery logs no attempt', async () => {
  const waiting = initialState(message('dlv_cancel_waiting'));
  await store.defer(waiting, NOW + 5000, expiry);
  expect(await store.cancel(waiting, 'endpoint-disabled', NOW, expiry, lostAttempts)).toBeUndefined();
  const fresh = initialState(message('dlv_cancel_new'));
  expect(await store.cancel(fresh, 'endpoint-deleted', NOW, expiry, lostAttempts)).toBeUndefined();
  for (const [id, reason] of [
    ['dlv_cancel_waiting', 'endpoint-disabled'],
    ['dlv_cancel_new', 'endpoint-deleted'],
  ] as const) {
    expect(await store.getDelivery(id)).toMatchObject({ status: 'cancelled', reason, attempts: [] });
  }
  // Ended already: a second cancel changes nothing.
  expect(await store.cancel(fresh, 'endpoint-disabled', NOW + 1, expiry, lostAttempts)).toBeUndefined();
  expect(await store.getDelivery('dlv_cancel_new')).toMatchObject({
    reason: 'endpoint-deleted',
    finishedAtMs: NOW,
  });
});

it('a cancel of a delivery that keeps changing under it stops after a few tries and asks to look again now', async () => {
  const deliveryId = 'dlv_cancel_churn';
  const initial = initialState(message(deliveryId));
  await store.claim(initial, NOW, NOW + 61_000, expiry, 'claim-churn');
  // Another writer races every step of the cancel: before each of its writes the attempt is in
  // flight (a claim), before each read it has ended (its outcome), so each round ends in a retry.
  const setStatus = (status: 'pending' | 'in-flight') =>
    tables.doc.send(
      new UpdateCommand({
        TableName: tables.tableName('Deliveries'),
        Key: { pk: `DELIVERY#${deliveryId}`, sk: 'STATE' },
        UpdateExpression: 'SET #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
      }),
    );
  const requests: string[] = [];
  const racing = new Proxy(tables.doc, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return async (command: GetCommand | UpdateCommand) => {
        const kind = command instanceof GetCommand ? 'read' : 'write';
        requests.push(kind);
        await setStatus(kind === 'read' ? 'pending' : 'in-flight');
        return target.send(command as UpdateCommand);
      };
    },
  });
  const racedStore = new DynamoDeliveryStore(racing, tables.tableName('Deliveries'));
  expect(await racedStore.cancel(initial, 'endpoint-disabled', NOW + 30_000, expiry, lostAttempts)).toBe(
    NOW + 30_000,
  );
  expect(requests).toEqual(Array.from({ length: 4 }, () => ['write', 'read']).flat());
  // Untouched by the cancel: the caller's next look (a second later) decides.
  expect(await rawItem(deliveryId)).toMatchObject({ status: 'pending', attempts: [] });
});
