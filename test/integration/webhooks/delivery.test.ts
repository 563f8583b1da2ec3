/**
 * Webhook delivery end to end against the local mode (DynamoDB Local, fauxqs, the real fan-out
 * and delivery workers) and real receivers on 127.0.0.1: 1,000 events to 10 endpoints of one
 * supplier (5 healthy, flaky, always 500, slow, 410, redirect), plus a low-volume always-failing
 * endpoint of another supplier whose retries run out. The retry schedule is scaled down with
 * WEBHOOK_RETRY_SCALE (test-only); the breaker keeps its real timings. Partial failure (the flaky
 * endpoint's breaker never opens) is tested in detail in partial-failure.test.ts.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDeliveryStore } from '../../../src/webhooks/adapters/deliveries';
import { DEFAULT_BREAKER_CONFIG } from '../../../src/webhooks/domain/circuit-breaker';
import { SqsEventPublisher } from '../../../src/events/adapters/sqs-event-publisher';
import type { DomainEvent } from '../../../src/events';
import type { AttemptRecord, DeliveryState } from '../../../src/webhooks/domain/webhook';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { duplicatesOf, startReceiver, type Receiver, type ReceiverKind } from './support/receivers';

jest.setTimeout(360_000);

/** 1,000 by default; WEBHOOK_TEST_EVENTS makes a quicker local run while developing. */
const EVENTS = Number(process.env.WEBHOOK_TEST_EVENTS ?? 1000);
const KINDS: ReceiverKind[] = [
  'healthy',
  'healthy',
  'healthy',
  'healthy',
  'healthy',
  'flaky',
  'always-500',
  'slow',
  'gone',
  'redirect',
];

let stack: TestStack;
const receivers: Receiver[] = [];

beforeAll(async () => {
  // Read by src/webhooks/config.ts in the worker process the stack starts.
  process.env.WEBHOOK_RETRY_SCALE = '0.0002';
  process.env.WEBHOOK_TIMEOUT_MS = '1000';
  // 10 s visibility (deployed: 180 s): a batch slower than 2 s on a loaded machine would otherwise
  // be handed out again while it is being delivered.
  stack = await startTestStack({ ownStore: true, pollerConcurrency: 8, visibilityTimeoutSeconds: 10 });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await stack?.cleanup();
  delete process.env.WEBHOOK_RETRY_SCALE;
  delete process.env.WEBHOOK_TIMEOUT_MS;
});

async function register(
  apiKey: string,
  receiver: Receiver,
  eventTypes = ['review.received'],
): Promise<string> {
  const response = await stack.call('POST', '/v1/webhook-endpoints', {
    key: apiKey,
    body: { url: receiver.url, eventTypes, description: `${receiver.kind} receiver` },
  });
  expect(response.status).toBe(201);
  expect(String(response.json.secret)).toMatch(/^whsec_/);
  receiver.secrets = [String(response.json.secret)];
  return String(response.json.id);
}

function reviewEvent(supplierId: string, i: number): DomainEvent {
  const reviewId = `rev_${String(i).padStart(26, '0')}`;
  return {
    id: `evt_load_${supplierId}_${i}`,
    type: 'review.received',
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString(),
    supplierId,
    subject: reviewId,
    data: {
      reviewId,
      supplierId,
      platform: 'google',
      rating: (i % 5) + 1,
      title: `Review ${i}`,
      verified: false,
      reviewedAt: '2026-01-01T00:00:00.000Z',
    },
  };
}

it('delivers every event to every healthy endpoint once, loses none, breaks and disables the bad ones', async () => {
  const supplier = await stack.newSupplier('Webhook Load Supplier');
  const lonely = await stack.newSupplier('Low Volume Supplier');
  for (const kind of KINDS) receivers.push(await startReceiver(kind, { slowMs: 3000 }));
  const exhausting = await startReceiver('always-500');
  receivers.push(exhausting);
  const ids = new Map<Receiver, string>();
  for (const receiver of receivers.slice(0, KINDS.length))
    ids.set(receiver, await register(supplier.apiKey, receiver));
  const exhaustingId = await register(lonely.apiKey, exhausting);

  const publisher = new SqsEventPublisher(stack.sqsClient, stack.queues.Events.url, 'test/load');
  const events = Array.from({ length: EVENTS }, (_, i) => reviewEvent(supplier.supplierId, i));
  // 50 events are published twice: the second copy must not cause a second delivery.
  await publisher.publish([...events, ...events.slice(0, 50)]);
  // One delivery: its 8 failures stay below the breaker's minimum volume (10), so retries run out.
  await publisher.publish([reviewEvent(lonely.supplierId, 0)]);

  const healthy = receivers.filter((r) => r.kind === 'healthy');
  const store = new DynamoDeliveryStore(stack.doc, stack.tableName('Deliveries'));
  const deliveriesOf = async (r: Receiver): Promise<DeliveryState[]> => {
    const all: DeliveryState[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await store.listDeliveries(ids.get(r) ?? exhaustingId, 500, cursor);
      all.push(...page.items);
      cursor = page.next;
    } while (cursor);
    return all;
  };
  const byKind = (kind: ReceiverKind) => receivers.find((r) => r.kind === kind && r !== exhausting)!;

  const started = Date.now();
  await eventually(
    async () => healthy.every((r) => r.byWebhookId.size === EVENTS),
    'every healthy endpoint got every event',
    180_000,
  );
  process.stdout.write(`healthy endpoints complete after ${Date.now() - started} ms\n`);
  let seen = '';
  await eventually(
    async () => {
      const gone = await deliveriesOf(byKind('gone'));
      const exhausted = await deliveriesOf(exhausting);
      const count = (list: DeliveryState[]) =>
        JSON.stringify(
          list.reduce<Record<string, number>>(
            (acc, d) => ({
              ...acc,
              [`${d.status}/${d.attempt}`]: (acc[`${d.status}/${d.attempt}`] ?? 0) + 1,
            }),
            {},
          ),
        );
      seen = `gone ${count(gone)} exhausting ${count(exhausted)} requests ${exhausting.requests}`;
      return (
        gone.length > 0 &&
        gone.every((d) => d.status === 'failed' || d.status === 'cancelled') &&
        exhausted.length === 1 &&
        exhausted.every((d) => d.status === 'failed')
      );
    },
    'the 410 endpoint settled and the low-volume deliveries ran out of retries',
    // The low-volume delivery's 8 attempts are about 20 s of scaled backoff, plus a queue hop and a
    // claim each: 60 s ran out once with another heavy file beside this one (two jest workers).
    120_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}: ${seen}`);
  });

  // Healthy: every delivery ends delivered. A receiver can hold an event before its delivery says
  // so: the outcome's write follows the answer, and an answer lost to the 1 s client timeout is
  // retried (the receiver dedupes the copy). So wait for the log, and name what is still open.
  // The same holds for what the flaky endpoint accepted (checked below): its log was read only
  // after the healthy ones had been read again, and so seconds later, until the logs were read
  // once; a read right after this wait found one of its accepted events not yet delivered.
  // An attempt whose answer never reached the log: the client's timeout fired first (no status), or
  // its outcome was lost (ADR 0005). The endpoint may or may not have accepted it.
  const answerLost = (a: AttemptRecord) =>
    (a.statusCode === undefined && (a.errorCode === 'total-timeout' || a.errorCode === 'connect-timeout')) ||
    a.errorCode === 'outcome-lost';
  // What an endpoint accepted is delivered in the log, unless the answer that accepted it was lost
  // and every later attempt failed (at least once: the flaky endpoint fails every other request, so
  // a delivery can run out of retries after a lost 204).
  const settledAfterAccepted = (d: DeliveryState) =>
    d.status === 'delivered' || (d.status === 'failed' && (d.attempts ?? []).some(answerLost));
  const flaky = byKind('flaky');
  let open = '';
  await eventually(
    async () => {
      const [flakyLog, ...healthyLogs] = await Promise.all([flaky, ...healthy].map(deliveriesOf));
      const flakyAccepted = new Set(flaky.byWebhookId.keys());
      const notDelivered = [
        ...healthyLogs.flat().filter((d) => d.status !== 'delivered'),
        ...flakyLog!.filter((d) => flakyAccepted.has(d.eventId) && !settledAfterAccepted(d)),
      ];
      open = JSON.stringify(
        notDelivered.slice(0, 5).map((d) => ({
          status: d.status,
          attempt: d.attempt,
          reason: d.reason,
          lastStatusCode: d.lastStatusCode,
          lastError: d.lastError,
          outcomes: (d.attempts ?? []).map((a) => a.outcome),
        })),
      );
      return notDelivered.length === 0;
    },
    'every healthy delivery, and every one the flaky endpoint accepted, recorded as delivered',
    60_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}: ${open}`);
  });

  // The dead endpoint's breaker may still let a probe through, and an attempt is logged after its
  // POST: wait until every request it had received before a read of its log is in that log, or
  // belongs to an attempt still in flight. One whose worker's outcome write was lost (on a loaded
  // machine) is logged only when its lease ends, a minute later, by the claim that takes it over or
  // by the cancel of the disabled endpoint (ADR 0005); its POST may have reached the endpoint. The
  // requests counted after the same read bound its answered attempts from above (checked below).
  const dead = byKind('always-500');
  let deadRead = { before: 0, log: [] as AttemptRecord[], inFlight: 0, after: 0, statuses: '' };
  await eventually(
    async () => {
      const before = dead.requests;
      const deliveries = await deliveriesOf(dead);
      const log = deliveries.flatMap((d) => d.attempts ?? []);
      const inFlight = deliveries.filter((d) => d.status === 'in-flight').length;
      const statuses = JSON.stringify(
        Object.fromEntries(
          [...new Set(deliveries.map((d) => d.status))].map((st) => [
            st,
            deliveries.filter((d) => d.status === st).length,
          ]),
        ),
      );
      deadRead = { before, log, inFlight, after: dead.requests, statuses };
      return log.length + inFlight >= before;
    },
    'every request the always-500 endpoint received logged as an attempt, or in flight',
    30_000,
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}: ${deadRead.before} requests, ${deadRead.log.length} attempts logged, ${deadRead.inFlight} in flight, deliveries ${deadRead.statuses}`,
    );
  });

  // Each endpoint's delivery log but the 410 one's (below), read once, after everything above
  // settled, for every check that follows (each log is 1,000 records: reading the healthy ones
  // twice and three others again took a third of the file's time after the deliveries ended).
  const logs = new Map(
    await Promise.all(
      receivers
        .slice(0, KINDS.length)
        .filter((r) => r.kind !== 'gone')
        .map(async (r) => [r, await deliveriesOf(r)] as const),
    ),
  );
  const logOf = (r: Receiver): DeliveryState[] => logs.get(r)!;
  const attemptsOf = (r: Receiver): AttemptRecord[] => logOf(r).flatMap((d) => d.attempts ?? []);

  // Healthy: exactly once after deduplication on webhook-id, all verified, all delivered in the log.
  let extraCopies = 0;
  for (const receiver of healthy) {
    expect(receiver.unverified).toBe(0);
    expect([...receiver.byWebhookId.keys()].sort()).toEqual(events.map((e) => e.id).sort());
    const log = logOf(receiver);
    expect(log).toHaveLength(EVENTS);
    expect(log.every((d) => d.status === 'delivered')).toBe(true);
    // At-least-once: a second copy only ever follows an attempt whose answer was lost (the 1 s
    // client timeout on a loaded machine), never a duplicate message or a lost state write.
    const attemptsByEvent = new Map(log.map((d) => [d.eventId, d.attempts ?? []]));
    for (const [eventId, copies] of receiver.byWebhookId) {
      const attempts = attemptsByEvent.get(eventId) ?? [];
      expect({ eventId, attempts: attempts.length >= copies }).toEqual({ eventId, attempts: true });
      expect(attempts.slice(0, -1).every((a) => a.outcome !== 'success')).toBe(true);
    }
    extraCopies += duplicatesOf(receiver);
  }
  process.stdout.write(`healthy endpoints: ${extraCopies} extra copies, each after a lost answer\n`);
  // The body is the outbound CloudEvent (without the internal supplierid extension).
  const body = healthy[0]!.bodies.get(events[0]!.id)!;
  expect(body).toMatchObject({
    specversion: '1.0',
    type: 'review.received',
    source: 'urn:wedsync:integration-platform',
  });
  expect(body).not.toHaveProperty('supplierid');

  // None lost: every (event, endpoint) has exactly one delivery record (the 410 endpoint: until it
  // was disabled; later events are only in the event log, for a replay once it is re-enabled).
  for (const receiver of receivers.slice(0, KINDS.length).filter((r) => r.kind !== 'gone')) {
    const log = logOf(receiver);
    expect(new Set(log.map((d: DeliveryState) => d.eventId)).size).toBe(EVENTS);
    expect(log).toHaveLength(EVENTS);
    // Whatever the receiver accepted is recorded as delivered, or its accepting answer was lost.
    // The flaky endpoint's retries go on after the wait above, so an event it accepted since can
    // be read here between its 204 and its outcome's write (a CI run did): those are read again
    // until settled, 30 s at most, as the wait above does.
    let settled = new Set(log.filter(settledAfterAccepted).map((d) => d.eventId));
    const accepted = () => [...receiver.byWebhookId.keys()];
    if (accepted().some((id) => !settled.has(id))) {
      await eventually(
        async () => {
          settled = new Set(
            (await deliveriesOf(receiver)).filter(settledAfterAccepted).map((d) => d.eventId),
          );
          return accepted().every((id) => settled.has(id));
        },
        `every event the ${receiver.kind} endpoint accepted recorded as settled`,
        30_000,
      ).catch(() => undefined); // the expectation below names what is still open
    }
    for (const id of accepted()) expect({ id, settled: settled.has(id) }).toEqual({ id, settled: true });
  }

  // The dead endpoint: its breaker opened after 100 failures in a row (plus the attempts already
  // in flight then), so attempts stopped long before 1,000 x 8.
  const breakerOf = async (kind: ReceiverKind) =>
    (
      await stack.doc.send(
        new GetCommand({
          TableName: stack.tableName('WebhookBreakers'),
          Key: { pk: `ENDPOINT#${ids.get(byKind(kind))}` },
        }),
      )
    ).Item;
  const deadId = ids.get(byKind('always-500'))!;
  expect(['open', 'half-open']).toContain((await breakerOf('always-500'))?.status);
  const openingBound = 2 * DEFAULT_BREAKER_CONFIG.openAfterConsecutiveFailures;
  expect(byKind('always-500').requests).toBeGreaterThanOrEqual(
    DEFAULT_BREAKER_CONFIG.openAfterConsecutiveFailures,
  );
  expect(byKind('always-500').requests).toBeLessThan(openingBound);
  // The endpoint failing every other request is not down: its breaker stayed closed.
  expect((await breakerOf('flaky'))?.status).toBe('closed');
  expect(deadId).toBeDefined();
  const deadAttempts = attemptsOf(byKind('always-500'));
  // Every request is in the log, and every answered attempt reached the endpoint. An attempt logged
  // as lost (its worker never wrote the outcome: a claim or outcome write that timed out on a loaded
  // machine, then the lease ran out) may or may not have reached it, and so may one whose answer
  // timed out: the client gives up and closes the connection, and the receiver counts a request
  // only once it has read its whole body.
  const outcomeLost = (a: (typeof deadAttempts)[number]) => a.errorCode === 'outcome-lost';
  const deadAnswered = deadRead.log.filter((a) => a.statusCode !== undefined).length;
  expect(deadRead.after).toBeGreaterThanOrEqual(deadAnswered);
  expect(deadRead.before).toBeLessThanOrEqual(deadRead.log.length + deadRead.inFlight);
  // Each attempt failed: with the endpoint's 500, or (on a loaded machine) with the client's timeout
  // firing before the 500 arrived, or lost as above; never anything else.
  expect(deadAttempts.every((a) => a.outcome === 'failure' && (a.statusCode === 500 || answerLost(a)))).toBe(
    true,
  );
  // And the 500 was read, not only timed out. (How many answers a 1 s client timeout loses is the
  // machine's load, not the worker's behaviour: with two test files side by side, over half were.)
  expect(deadAttempts.filter((a) => a.statusCode === 500).length).toBeGreaterThan(0);
  // Slow and redirecting endpoints fail the right way, and their breakers stop them too.
  const slowAttempts = attemptsOf(byKind('slow'));
  expect(slowAttempts.length).toBeGreaterThan(0);
  expect(slowAttempts.every((a) => a.errorCode === 'total-timeout' || outcomeLost(a))).toBe(true);
  const redirectAttempts = attemptsOf(byKind('redirect'));
  // Never followed: each attempt is a 302 failure, or (as for the dead endpoint) an answer lost to a
  // timeout when the loaded machine was slow to read it; never a success.
  expect(
    redirectAttempts.every(
      (a) =>
        a.outcome === 'failure' && ((a.statusCode === 302 && a.errorCode === 'redirect') || answerLost(a)),
    ),
  ).toBe(true);
  expect(redirectAttempts.filter((a) => a.statusCode === 302).length).toBeGreaterThan(0);
  expect(byKind('redirect').requests).toBeLessThan(openingBound);

  // The 410 endpoint ended disabled, with reason gone, and was not called again.
  const gone = await stack.call('GET', `/v1/webhook-endpoints/${ids.get(byKind('gone'))}`, {
    key: supplier.apiKey,
  });
  expect(gone.json).toMatchObject({ enabled: false, disabledReason: 'gone' });
  // Only attempts already in flight when the first 410 came back (a batch per worker loop) reach it.
  expect(byKind('gone').requests).toBeLessThanOrEqual(60);
  expect(byKind('gone').requests).toBeLessThan(EVENTS / 10);

  // Retries ran out for the low-volume endpoint (8 failures, below the breaker's 100 in a row): 8
  // attempts each, recorded as failed, and parked in the Deliveries DLQ. (The DLQ also holds the
  // flaky endpoint's rare deliveries that failed all 8 attempts: 1 in 2^8.)
  const exhausted = await deliveriesOf(exhausting);
  expect(exhausted.every((d) => d.reason === 'exhausted' && d.attempt === 8)).toBe(true);
  expect(exhausting.requests).toBe(8);
  const parked: { deliveryId: string; endpointId: string; kind: string }[] = [];
  await eventually(
    async () => {
      const dlq = await stack.sqsClient.send(
        new ReceiveMessageCommand({ QueueUrl: stack.queues.Deliveries.dlqUrl, MaxNumberOfMessages: 10 }),
      );
      for (const m of dlq.Messages ?? []) {
        const body = JSON.parse(m.Body!) as { deliveryId: string; endpointId: string; kind: string };
        if (body.endpointId === exhaustingId) parked.push(body);
      }
      return exhausted.every((d) => parked.some((m) => m.deliveryId === d.deliveryId));
    },
    'the exhausted deliveries in the DLQ',
    10_000,
  );
  expect(new Set(parked.map((m) => m.deliveryId))).toEqual(new Set(exhausted.map((d) => d.deliveryId)));
  expect(parked.every((m) => m.kind === 'dead-letter')).toBe(true);

  // The delivery log API shows each attempt.
  const logPage = await stack.call('GET', `/v1/webhook-endpoints/${exhaustingId}/deliveries?limit=50`, {
    key: lonely.apiKey,
  });
  expect(logPage.status).toBe(200);
  const [logged] = logPage.json.items as { status: string; reason: string; attempts: AttemptRecord[] }[];
  expect(logged).toMatchObject({ status: 'failed', reason: 'exhausted' });
  expect(logged!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  // Each attempt with the endpoint's 500 and its body, or (on a loaded machine, as for the dead
  // endpoint) with its answer lost to the client's timeout; most are answered.
  const answeredAttempts = logged!.attempts.filter((a) => !answerLost(a));
  expect(answeredAttempts.length).toBeGreaterThan(4);
  for (const attempt of answeredAttempts) {
    expect(attempt).toMatchObject({ statusCode: 500, outcome: 'failure', response: 'response body' });
  }
  expect(logged!.attempts.every((a) => a.outcome === 'failure' && typeof a.latencyMs === 'number')).toBe(
    true,
  );
  expect(logged!.attempts[7]!.next).toBe('retries exhausted (dead-lettered)');
  // Another supplier cannot see it.
  const foreign = await stack.call('GET', `/v1/webhook-endpoints/${exhaustingId}/deliveries`, {
    key: supplier.apiKey,
  });
  expect(foreign.status).toBe(404);
});
