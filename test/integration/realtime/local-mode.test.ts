/**
 * Real-time updates through the whole local mode: a token from POST /v1/realtime/tokens (through
 * the gateway and the authorizer), the local WebSocket API on the RealtimeSocket function's
 * thread, and a review posted to the API travelling ingest -> Events -> EventFanout (webhooks and
 * the channel log) -> the log's stream -> RealtimeFanout -> PostToConnection to the socket.
 */
import { WebSocket } from 'ws';
import { startTestStack, type TestStack } from '../support/stack';
import { found as waitFor } from '../../support/wait';
import { openSocket } from './support/realtime-rig';

/** Polls `find` for up to a minute: the event crosses the whole local pipeline. */
const found = <T>(find: () => T | undefined, what: string) => waitFor(find, what, 60_000, 50);

jest.setTimeout(180_000);

let stack: TestStack;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  stack = await startTestStack({ realtime: true });
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await stack?.stop();
});

it('sends a review posted to the API to its supplier’s subscribed socket, as its CloudEvent', async () => {
  const supplier = await stack.newSupplier('Realtime Supplier');
  const other = await stack.newSupplier('Other Supplier');

  const refused = await stack.call('POST', '/v1/realtime/tokens', {
    key: supplier.apiKey,
    body: { weddingId: 'w1' },
  });
  expect(refused.status).toBe(403);
  const issued = await stack.call('POST', '/v1/realtime/tokens', { key: supplier.apiKey, body: {} });
  expect(issued.status).toBe(201);
  const channel = `supplier:${supplier.supplierId}:reviews`;
  expect(issued.json.channels).toEqual([channel]);

  const { socket, frames } = await openSocket(
    `${stack.realtimeUrl}/?token=${String(issued.json.token)}`,
    sockets,
  );
  socket.send(JSON.stringify({ action: 'subscribe', channel }));
  await found(() => frames.find((f) => f.type === 'subscribed'), 'the subscription');
  socket.send(JSON.stringify({ action: 'subscribe', channel: `supplier:${other.supplierId}:reviews` }));
  await found(() => frames.find((f) => f.code === 'forbidden-channel'), 'the refusal');

  const posted = await stack.call('POST', '/v1/reviews', {
    key: supplier.apiKey,
    body: {
      rating: 5,
      title: 'Live and lovely',
      body: 'Everything arrived on time.',
      reviewerName: 'Sam',
      platform: 'google',
      externalId: 'rt-1',
    },
  });
  expect(posted.status).toBe(202);
  const reviewId = String(posted.json.reviewId);
  const frame = await found(
    () =>
      frames.find(
        (f) =>
          f.type === 'event' &&
          (f.event as { type: string; data: { reviewId: string } }).type === 'review.received' &&
          (f.event as { data: { reviewId: string } }).data.reviewId === reviewId,
      ),
    'the review.received event on the socket',
  );
  expect(frame).toMatchObject({
    channel,
    seq: 1,
    event: {
      specversion: '1.0',
      source: 'urn:wedsync:integration-platform',
      data: { supplierId: supplier.supplierId },
    },
  });
});
