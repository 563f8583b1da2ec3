/**
 * One correlation id from the API request to the webhook delivery, against the local mode: a
 * review posted with `X-Correlation-Id` carries that id on the stored review, its audit entry,
 * the event log, the delivery, the webhook's worker log lines, and `cli trace` prints its whole
 * journey (submitted -> stored -> inferred -> event -> delivered) with it; an unknown review id is
 * a clear message and exit code 1.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { runCli } from '../../scripts/cli';
import { eventually, startTestStack, type TestStack } from './support/stack';
import { startReceiver, type Receiver } from './webhooks/support/receivers';

jest.setTimeout(120_000);

const CORRELATION_ID = `trace-test-${Date.now()}`;
let stack: TestStack;
let receiver: Receiver;
let stdoutSpy: jest.SpyInstance;
const logLines: string[] = [];
const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;
const previousDev = process.env.POWERTOOLS_DEV;

beforeAll(async () => {
  // The functions log at DEBUG, one JSON line per entry as in Lambda, for this file (their
  // threads take it from here); the output is captured, not printed.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_DEV = 'false';
  const write = process.stdout.write.bind(process.stdout);
  stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('correlation')) logLines.push(...text.split('\n').filter(Boolean));
    else if (!text.startsWith('{')) write(chunk);
    return true;
  });
  stack = await startTestStack();
  receiver = await startReceiver('healthy');
});
afterAll(async () => {
  stdoutSpy?.mockRestore();
  if (previousLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
  if (previousDev === undefined) delete process.env.POWERTOOLS_DEV;
  else process.env.POWERTOOLS_DEV = previousDev;
  await receiver?.close();
  await stack?.cleanup();
});

it('carries the request correlation id to every stored record and log line, and traces the journey', async () => {
  const supplier = await stack.newSupplier('Trace Supplier');
  const registered = await stack.call('POST', '/v1/webhook-endpoints', {
    key: supplier.apiKey,
    body: { url: receiver.url, eventTypes: ['review.received'], description: 'trace receiver' },
  });
  expect(registered.status).toBe(201);
  receiver.secrets = [String(registered.json.secret)];
  const endpointId = String(registered.json.id);

  const submitted = await stack.call('POST', '/v1/reviews', {
    key: supplier.apiKey,
    headers: { 'x-correlation-id': CORRELATION_ID },
    body: {
      rating: 5,
      title: 'Wonderful day',
      body: 'The flowers were perfect and arrived on time.',
      reviewerName: 'Sam',
      platform: 'google',
      externalId: `trace-${Date.now()}`,
    },
  });
  expect(submitted.status).toBe(202);
  expect(submitted.headers.get('x-correlation-id')).toBe(CORRELATION_ID);
  const reviewId = String(submitted.json.reviewId);

  // Delivered to the receiver: the last hop of the pipeline.
  await eventually(async () => receiver.byWebhookId.size >= 1, 'the webhook delivery', 60_000);

  const pk = `SUPPLIER#${supplier.supplierId}`;
  const { Item: review } = await stack.doc.send(
    new GetCommand({ TableName: stack.tableName('Reviews'), Key: { pk, sk: `REVIEW#${reviewId}` } }),
  );
  expect(review?.correlationId).toBe(CORRELATION_ID);
  const { Items: audit = [] } = await stack.doc.send(
    new QueryCommand({
      TableName: stack.tableName('Reviews'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': `AUDIT#${reviewId}#` },
    }),
  );
  expect(audit.map((a) => [a.action, a.correlationId])).toEqual([['review.created', CORRELATION_ID]]);

  const deliveries = (await stack.scanAll('Deliveries')).filter(
    (item) => item.entity === 'delivery' && item.endpointId === endpointId,
  );
  const events = (await stack.scanAll('EventLog')).filter(
    (item) => item.entity === 'event' && String(item.body).includes(reviewId),
  );
  // The event log entry came from the Events message's `correlationid`; the delivery from the
  // Deliveries message's `correlationId`.
  expect(events.map((e) => [e.eventType, e.correlationId])).toEqual([['review.received', CORRELATION_ID]]);
  await eventually(
    async () =>
      (await stack.scanAll('Deliveries')).some(
        (d) => d.entity === 'delivery' && d.endpointId === endpointId && d.status === 'delivered',
      ),
    'the delivery state',
  );
  expect(deliveries.map((d) => d.correlationId)).toEqual([CORRELATION_ID]);

  // The functions' log lines of this review carry the id as Powertools' correlation_id.
  const tagged = logLines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.correlation_id === CORRELATION_ID);
  expect(tagged.some((line) => line.message === 'request')).toBe(true);
  const queues = tagged.filter((line) => line.message === 'batch').map((line) => String(line.queue));
  for (const queue of ['Ingest', 'Events', 'Deliveries'] as const) {
    const name = stack.queues[queue].url.split('/').pop()!;
    expect(queues).toContain(name);
  }

  const out: string[] = [];
  expect(await runCli(['trace', reviewId], (line) => out.push(line))).toBe(0);
  const steps = out.slice(1).map((line) => line.split(/\s+/)[1]);
  expect(steps).toEqual(['submitted', 'stored', 'inferred', 'event', 'delivered']);
  for (const line of out.slice(1)) expect(line).toContain(`[${CORRELATION_ID}]`);
  const bySupplier: string[] = [];
  expect(
    await runCli(['trace', reviewId, '--supplier-id', supplier.supplierId], (line) => bySupplier.push(line)),
  ).toBe(0);
  expect(bySupplier).toEqual(out);

  const unknown: string[] = [];
  expect(await runCli(['trace', 'rev_00000000000000000000000000'], (line) => unknown.push(line))).toBe(1);
  expect(unknown).toEqual(['no review rev_00000000000000000000000000']);
});
