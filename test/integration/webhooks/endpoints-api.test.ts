/**
 * The webhook-endpoint API against the local mode with a real receiver on 127.0.0.1: register
 * (SSRF and event-type checks), read, change, delete; secret rotation (during the overlap a
 * receiver holding only the old secret and one holding only the new one both verify); replay of
 * the event log and retry of one delivery, both with the same webhook-id; scheduled rotation
 * (issue 9): the WebhookSecretRotation function, run through its local schedule (its own thread,
 * its catalog environment), rotates a due endpoint once, the supplier picks the new secret up with
 * GET .../secret during the overlap, the act is audited. "Time passes" by moving the due time
 * into the past in the table.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SqsEventPublisher } from '../../../src/events/adapters/sqs-event-publisher';
import { DynamoEndpointRepository } from '../../../src/webhooks/adapters/webhook-endpoints';
import { scheduleFrom } from '../../../src/webhooks';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { startReceiver, type Receiver } from './support/receivers';
import { reviewEvent } from './support/review-events';

jest.setTimeout(90_000);

let stack: TestStack;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startTestStack({ functionSchedules: true });
  receiver = await startReceiver('healthy');
});
afterAll(async () => {
  await receiver?.close();
  await stack?.cleanup();
});

const negativeReview = (supplierId: string, i: number) =>
  reviewEvent(
    {
      idPrefix: 'evt_api',
      type: 'review.negative',
      rating: 1,
      title: 'Late',
      extra: { reasons: ['low-rating'] },
    },
    supplierId,
    i,
  );

it('registers, reads, changes and deletes endpoints, refusing unsafe URLs and unknown types', async () => {
  const { apiKey } = await stack.newSupplier('CRUD Supplier');
  const other = await stack.newSupplier('Other Supplier');
  const bad = await stack.call('POST', '/v1/webhook-endpoints', {
    key: apiKey,
    body: { url: 'http://10.0.0.1/hook', eventTypes: ['review.received'] },
  });
  expect(bad.status).toBe(422);
  expect(bad.json.errors).toEqual([{ path: 'url', message: expect.stringContaining('private') }]);
  const unknownType = await stack.call('POST', '/v1/webhook-endpoints', {
    key: apiKey,
    body: { url: receiver.url, eventTypes: ['review.deleted'] },
  });
  expect(unknownType.status).toBe(422);
  expect(unknownType.json.errors).toEqual([
    { path: 'eventTypes.0', message: 'unknown event type "review.deleted"' },
  ]);

  const created = await stack.call('POST', '/v1/webhook-endpoints', {
    key: apiKey,
    body: { url: receiver.url, eventTypes: ['review.received'], description: 'CRM' },
  });
  expect(created.status).toBe(201);
  const id = String(created.json.id);
  expect(created.json).toMatchObject({ url: receiver.url, enabled: true, description: 'CRM' });
  expect(String(created.json.secret)).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

  const list = await stack.call('GET', '/v1/webhook-endpoints', { key: apiKey });
  expect(list.json).toEqual({ items: [expect.objectContaining({ id })] });
  expect(JSON.stringify(list.json)).not.toContain('whsec_');
  expect((await stack.call('GET', `/v1/webhook-endpoints/${id}`, { key: other.apiKey })).status).toBe(404);

  const patched = await stack.call('PATCH', `/v1/webhook-endpoints/${id}`, {
    key: apiKey,
    body: { eventTypes: ['review.negative'], description: 'CRM v2', enabled: false },
  });
  expect(patched.json).toMatchObject({
    eventTypes: ['review.negative'],
    description: 'CRM v2',
    enabled: false,
    disabledReason: 'manual',
  });
  const reenabled = await stack.call('PATCH', `/v1/webhook-endpoints/${id}`, {
    key: apiKey,
    body: { enabled: true },
  });
  expect(reenabled.json).toMatchObject({ enabled: true });
  expect(reenabled.json).not.toHaveProperty('disabledReason');

  expect((await stack.call('DELETE', `/v1/webhook-endpoints/${id}`, { key: other.apiKey })).status).toBe(404);
  expect((await stack.call('DELETE', `/v1/webhook-endpoints/${id}`, { key: apiKey })).status).toBe(204);
  expect((await stack.call('GET', `/v1/webhook-endpoints/${id}`, { key: apiKey })).status).toBe(404);
});

it('rotates the secret with an overlap, replays the log and retries a delivery with the same webhook-id', async () => {
  const supplier = await stack.newSupplier('Rotation Supplier');
  const created = await stack.call('POST', '/v1/webhook-endpoints', {
    key: supplier.apiKey,
    body: { url: receiver.url, eventTypes: ['review.negative'] },
  });
  const id = String(created.json.id);
  const oldSecret = String(created.json.secret);
  const publisher = new SqsEventPublisher(stack.sqsClient, stack.queues.Events.url, 'test/api');
  receiver.secrets = [oldSecret];

  await publisher.publish([negativeReview(supplier.supplierId, 1)]);
  await eventually(
    async () => receiver.byWebhookId.has(`evt_api_${supplier.supplierId}_1`),
    'first delivery',
  );

  const rotated = await stack.call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, {
    key: supplier.apiKey,
  });
  expect(rotated.status).toBe(200);
  const newSecret = String(rotated.json.secret);
  expect(newSecret).not.toBe(oldSecret);
  expect(Date.parse(String(rotated.json.previousSecretExpiresAt)) - Date.now()).toBeGreaterThan(
    23 * 3600_000,
  );
  // The receiver checks each secret on its own: one holding only the old, one only the new.
  receiver.secrets = [oldSecret, newSecret];
  await publisher.publish([negativeReview(supplier.supplierId, 2)]);
  const second = `evt_api_${supplier.supplierId}_2`;
  await eventually(async () => receiver.byWebhookId.has(second), 'delivery during the overlap');
  expect(receiver.verifiedBySecret.get(oldSecret)).toBe(2);
  expect(receiver.verifiedBySecret.get(newSecret)).toBe(1);
  expect(receiver.signatureHeaders.at(-1)!.split(' ')).toHaveLength(2);

  // Replay everything since an hour ago: both events again, same webhook-ids.
  const replay = await stack.call('POST', `/v1/webhook-endpoints/${id}/replay`, {
    key: supplier.apiKey,
    body: { since: new Date(Date.now() - 3600_000).toISOString() },
  });
  expect(replay.status).toBe(202);
  expect(replay.json).toMatchObject({ status: 'queued' });
  await eventually(async () => receiver.byWebhookId.get(second) === 2, 'replayed deliveries');
  let job: Record<string, unknown> = {};
  await eventually(async () => {
    job = (await stack.call('GET', String(replay.headers.get('location')), { key: supplier.apiKey })).json;
    return job.status === 'completed';
  }, 'the replay job');
  expect(job).toMatchObject({ counts: { found: 2, enqueued: 2 } });
  const tooOld = await stack.call('POST', `/v1/webhook-endpoints/${id}/replay`, {
    key: supplier.apiKey,
    body: { since: new Date(Date.now() - 15 * 86_400_000).toISOString() },
  });
  expect(tooOld.status).toBe(422);

  // Retry one delivery from the log.
  const log = await stack.call('GET', `/v1/webhook-endpoints/${id}/deliveries`, { key: supplier.apiKey });
  const delivery = (log.json.items as { id: string; eventId: string; status: string }[]).find(
    (d) => d.eventId === second,
  )!;
  expect(delivery.status).toBe('delivered');
  const retried = await stack.call('POST', `/v1/deliveries/${delivery.id}/retry`, { key: supplier.apiKey });
  expect(retried.status).toBe(202);
  await eventually(async () => receiver.byWebhookId.get(second) === 3, 'retried delivery');
  expect(receiver.unverified).toBe(0);
  const foreign = await stack.newSupplier('Foreign');
  expect(
    (await stack.call('POST', `/v1/deliveries/${delivery.id}/retry`, { key: foreign.apiKey })).status,
  ).toBe(404);
});

describe('scheduled secret rotation', () => {
  const DAY = 86_400_000;

  async function makeDue(supplierId: string, endpointId: string, everyDays: number): Promise<string> {
    const due = new Date(Date.now() - 60_000).toISOString();
    await stack.doc.send(
      new UpdateCommand({
        TableName: stack.tableName('WebhookEndpoints'),
        Key: { pk: `SUPPLIER#${supplierId}`, sk: `ENDPOINT#${endpointId}` },
        UpdateExpression: 'SET secretRotation = :schedule, rotsk = :due',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':schedule': { everyDays, nextRotationAt: due }, ':due': due },
      }),
    );
    return due;
  }

  it('rotates a due endpoint once, with the overlap, fetchable and audited; leaves the others', async () => {
    const { supplierId, apiKey } = await stack.newSupplier('Rotating Supplier');
    const create = (body: Record<string, unknown>) =>
      stack.call('POST', '/v1/webhook-endpoints', {
        key: apiKey,
        body: { url: receiver.url, eventTypes: ['review.received'], ...body },
      });

    const refused = await create({ secretRotation: { everyDays: 3 } });
    expect(refused.status).toBe(422);
    expect(refused.json.errors).toEqual([expect.objectContaining({ path: 'secretRotation.everyDays' })]);

    const scheduled = await create({ secretRotation: { everyDays: 7 } });
    expect(scheduled.status).toBe(201);
    const id = String(scheduled.json.id);
    const firstSecret = String(scheduled.json.secret);
    const nextAt = Date.parse(
      String((scheduled.json.secretRotation as { nextRotationAt: string }).nextRotationAt),
    );
    expect(Math.abs(nextAt - (Date.now() + 7 * DAY))).toBeLessThan(60_000);
    const plain = await create({});
    const paused = await create({ secretRotation: { everyDays: 30 } });
    expect(
      (
        await stack.call('PATCH', `/v1/webhook-endpoints/${paused.json.id}`, {
          key: apiKey,
          body: { enabled: false },
        })
      ).status,
    ).toBe(200);

    // Not due yet: a run rotates nothing.
    expect(await stack.functionSchedules!.runOnce('WebhookSecretRotation')).toMatchObject({ rotated: 0 });

    await makeDue(supplierId, id, 7);
    await makeDue(supplierId, String(paused.json.id), 30);
    const first = await stack.functionSchedules!.runOnce('WebhookSecretRotation');
    expect(first).toEqual({ found: 2, rotated: 1, skipped: 1, failed: 0 });
    // A second run finds nothing due for the rotated endpoint: it rotates once.
    expect(await stack.functionSchedules!.runOnce('WebhookSecretRotation')).toMatchObject({
      rotated: 0,
      failed: 0,
    });

    const secret = await stack.call('GET', `/v1/webhook-endpoints/${id}/secret`, { key: apiKey });
    expect(secret.status).toBe(200);
    expect(secret.json.previousSecret).toBe(firstSecret);
    expect(String(secret.json.secret)).toMatch(/^whsec_/);
    expect(secret.json.secret).not.toBe(firstSecret);
    // The old secret signs beside the new one for the overlap (24 h by default).
    expect(Date.parse(String(secret.json.previousSecretExpiresAt)) - Date.now()).toBeGreaterThan(
      DAY - 60_000,
    );
    expect(Date.parse(String(secret.json.nextRotationAt)) - Date.now()).toBeGreaterThan(7 * DAY - 60_000);
    const view = await stack.call('GET', `/v1/webhook-endpoints/${id}`, { key: apiKey });
    expect(view.json.previousSecretExpiresAt).toBe(secret.json.previousSecretExpiresAt);

    // The disabled endpoint and the unscheduled one keep their secrets.
    const pausedSecret = await stack.call('GET', `/v1/webhook-endpoints/${paused.json.id}/secret`, {
      key: apiKey,
    });
    expect(pausedSecret.json).toEqual({ secret: paused.json.secret, nextRotationAt: expect.any(String) });
    const plainSecret = await stack.call('GET', `/v1/webhook-endpoints/${plain.json.id}/secret`, {
      key: apiKey,
    });
    expect(plainSecret.json).toEqual({ secret: plain.json.secret });

    const audit = await stack.call(
      'GET',
      `/v1/audit/admin?kind=endpoint.secret_rotated&target=endpoint:${id}`,
      {
        key: apiKey,
      },
    );
    expect(audit.json.items).toEqual([
      expect.objectContaining({
        kind: 'endpoint.secret_rotated',
        actor: { type: 'system', name: 'webhook-secret-rotation' },
        supplierId,
        outcome: 'ok',
      }),
    ]);
    expect(JSON.stringify(audit.json)).not.toContain('whsec_');

    // Stopping the schedule takes the endpoint out of the rotation index.
    const stopped = await stack.call('PATCH', `/v1/webhook-endpoints/${id}`, {
      key: apiKey,
      body: { secretRotation: null },
    });
    expect(stopped.json.secretRotation).toBeUndefined();
    const repository = new DynamoEndpointRepository(stack.doc, stack.tableName('WebhookEndpoints'));
    const dueLater = await repository.dueForRotation(new Date(Date.now() + 400 * DAY).toISOString(), 10);
    expect(dueLater.items.map((e) => e.endpointId)).toEqual([String(paused.json.id)]);
  });

  it('writes a scheduled rotation only while the endpoint is still due at the time read', async () => {
    const { supplierId, apiKey } = await stack.newSupplier('Racing Supplier');
    const created = await stack.call('POST', '/v1/webhook-endpoints', {
      key: apiKey,
      body: { url: receiver.url, eventTypes: ['review.received'], secretRotation: { everyDays: 7 } },
    });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    const due = await makeDue(supplierId, id, 7);
    const repository = new DynamoEndpointRepository(stack.doc, stack.tableName('WebhookEndpoints'));
    const write = (secret: string) =>
      repository.rotateOnSchedule(
        supplierId,
        id,
        due,
        { current: secret },
        scheduleFrom(7, Date.now()),
        new Date().toISOString(),
      );
    // Two runs that both read the endpoint as due: one write wins.
    const results = await Promise.all([
      write(String(created.json.secret)),
      write(String(created.json.secret)),
    ]);
    expect(results.sort()).toEqual([false, true]);
    // A manual rotation moves the due time too: a run that read the old one writes nothing.
    await stack.call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, { key: apiKey });
    expect(await write(String(created.json.secret))).toBe(false);
  });
});
