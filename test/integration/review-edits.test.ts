/**
 * Edits through the local stack: a re-import (supplier API key, same platform + externalId) or a
 * producer `review.submitted` event with the same natural key and other content ends as the
 * latest version of the one review, with its version count, re-run inference, corrected summary
 * counters and a `review.updated` event in the event log; an identical re-import and an older
 * version change nothing and announce nothing new.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { eventually, startTestStack, type TestStack } from './support/stack';

jest.setTimeout(120_000);

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.cleanup();
});

interface Import {
  rating: number;
  title: string;
  body: string;
  reviewerName: string;
  platform: 'google';
  externalId: string;
  submittedAt: string;
}

const original = (externalId: string): Import => ({
  rating: 5,
  title: 'Stunning flowers',
  body: 'Everything was perfect and on time.',
  reviewerName: 'Jo',
  platform: 'google',
  externalId,
  submittedAt: '2026-05-01T10:00:00Z',
});

async function importReview(apiKey: string, body: Import): Promise<string> {
  const response = await stack.call('POST', '/v1/reviews', { key: apiKey, body });
  expect(response.status).toBe(202);
  return String(response.json.reviewId);
}

async function getReview(apiKey: string, id: string) {
  const response = await stack.call('GET', `/v1/reviews/${id}`, { key: apiKey });
  return response.status === 200 ? response.json : undefined;
}

async function eventsOf(supplierId: string, reviewId: string) {
  return (await stack.scanAll('EventLog'))
    .filter((item) => item.entity === 'event' && item.supplierId === supplierId)
    .map(
      (item) =>
        JSON.parse(String(item.body)) as {
          id: string;
          type: string;
          subject?: string;
          data: Record<string, unknown>;
        },
    )
    .filter((event) => event.subject === reviewId);
}

const drained = () =>
  eventually(
    async () => (await stack.queueDepth('Ingest')) === 0 && (await stack.queueDepth('Events')) === 0,
    'ingest and events queues drained',
  );

it('stores an edited re-import as version 2 with new content, inference, summary and review.updated', async () => {
  const supplier = await stack.newSupplier('Edits Supplier');
  const id = await importReview(supplier.apiKey, original('g-edit-1'));
  await eventually(async () => (await getReview(supplier.apiKey, id)) !== undefined, 'first version stored');
  await drained();
  const v1 = (await getReview(supplier.apiKey, id))!;
  expect(v1.version).toBe(1);

  // An identical re-import is a duplicate: nothing changes, nothing new is announced.
  expect(await importReview(supplier.apiKey, original('g-edit-1'))).toBe(id);
  await drained();
  expect((await getReview(supplier.apiKey, id))!.version).toBe(1);
  const afterDuplicate = await eventsOf(supplier.supplierId, id);
  expect(afterDuplicate.map((e) => e.type).sort()).toEqual(['review.received']);

  // The edit: same natural key, new rating and text (the platform kept its date).
  const edited: Import = {
    ...original('g-edit-1'),
    rating: 2,
    title: 'Flowers arrived late',
    body: 'The flowers came two hours late and the arch was wilting. Very disappointing.',
  };
  expect(await importReview(supplier.apiKey, edited)).toBe(id);
  await eventually(async () => (await getReview(supplier.apiKey, id))?.version === 2, 'edit stored');
  await drained();

  const v2 = (await getReview(supplier.apiKey, id))!;
  expect(v2).toMatchObject({
    rating: 2,
    title: edited.title,
    body: edited.body,
    version: 2,
    storedAt: v1.storedAt,
    lastEdit: { version: 2, changedFields: ['rating', 'title', 'body'], previousRating: 5 },
  });
  // Inference ran again on the new text.
  const insights = v2.insights as { status: string; sentiment?: { label: string } };
  expect(insights.status).toBe('done');
  expect(insights.sentiment?.label).toBe('negative');
  expect((v1.insights as { sentiment?: { label: string } }).sentiment?.label).toBe('positive');

  const summary = await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey });
  expect(summary.json).toMatchObject({
    count: 1,
    averageRating: 2,
    byRating: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 0 },
    byPlatform: { google: 1 },
  });
  // Listing by rating finds it under its new rating only.
  const byNew = await stack.call('GET', '/v1/reviews?rating=2', { key: supplier.apiKey });
  const byOld = await stack.call('GET', '/v1/reviews?rating=5', { key: supplier.apiKey });
  expect((byNew.json.items as { reviewId: string }[]).map((r) => r.reviewId)).toEqual([id]);
  expect(byOld.json.items).toEqual([]);

  await eventually(
    async () => (await eventsOf(supplier.supplierId, id)).some((e) => e.type === 'review.updated'),
    'review.updated in the event log',
  );
  const events = await eventsOf(supplier.supplierId, id);
  expect(events.map((e) => e.type).sort()).toEqual(['review.negative', 'review.received', 'review.updated']);
  expect(events.find((e) => e.type === 'review.updated')!.data).toMatchObject({
    reviewId: id,
    rating: 2,
    version: 2,
    previousRating: 5,
    changedFields: ['rating', 'title', 'body'],
  });

  // An older version arriving late (the platform dated it earlier) changes nothing.
  expect(
    await importReview(supplier.apiKey, { ...original('g-edit-1'), submittedAt: '2026-04-01T10:00:00Z' }),
  ).toBe(id);
  // The same edit again is a duplicate of version 2.
  expect(await importReview(supplier.apiKey, edited)).toBe(id);
  await drained();
  expect((await getReview(supplier.apiKey, id))!).toMatchObject({ version: 2, rating: 2 });
  expect((await eventsOf(supplier.supplierId, id)).map((e) => e.type).sort()).toEqual([
    'review.negative',
    'review.received',
    'review.updated',
  ]);

  // The audit trail keeps the previous content.
  const audits = (await stack.scanAll('Reviews')).filter(
    (item) => item.entity === 'audit' && item.reviewId === id,
  );
  expect(audits.map((a) => a.action).sort()).toEqual(['review.created', 'review.updated']);
  expect(audits.find((a) => a.action === 'review.updated')!.previous).toMatchObject({ rating: 5 });
});

it('treats a resend without submittedAt as a duplicate, not an edit of the date', async () => {
  const supplier = await stack.newSupplier('Dateless Resends');
  const { submittedAt: _date, ...dateless } = original('g-dateless');
  const send = () => stack.call('POST', '/v1/reviews', { key: supplier.apiKey, body: dateless });
  const id = String((await send()).json.reviewId);
  await eventually(async () => (await getReview(supplier.apiKey, id)) !== undefined, 'stored');
  const first = (await getReview(supplier.apiKey, id))!;
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect((await send()).status).toBe(202);
  await Promise.all([send(), send()]);
  await drained();
  expect(await getReview(supplier.apiKey, id)).toMatchObject({ version: 1, reviewedAt: first.reviewedAt });
  expect((await eventsOf(supplier.supplierId, id)).map((e) => e.type)).toEqual(['review.received']);
  expect(await stack.queueDepth('Ingest', 'dlq')).toBe(0);
});

it('applies a producer event with the same natural key as an edit, once per redelivery', async () => {
  const supplier = await stack.newSupplier('Producer Edits');
  const id = await importReview(supplier.apiKey, original('g-edit-2'));
  await eventually(async () => (await getReview(supplier.apiKey, id)) !== undefined, 'first version stored');

  const envelope = {
    specversion: '1.0',
    id: 'producer-edit-1',
    source: 'urn:wedsync:test-producer',
    type: 'review.submitted',
    time: new Date(Date.now() + 60_000).toISOString(),
    datacontenttype: 'application/json',
    data: {
      supplierId: supplier.supplierId,
      platform: 'google',
      externalId: 'g-edit-2',
      rating: 4,
      title: 'Stunning flowers',
      body: 'Everything was perfect and on time, one bouquet was missing a ribbon.',
      reviewerName: 'Jo',
      submittedAt: '2026-05-01T10:00:00Z',
    },
  };
  for (let i = 0; i < 3; i += 1) {
    await stack.sqsClient.send(
      new SendMessageCommand({ QueueUrl: stack.queues.Ingest.url, MessageBody: JSON.stringify(envelope) }),
    );
  }
  await eventually(async () => (await getReview(supplier.apiKey, id))?.version === 2, 'producer edit stored');
  await drained();
  expect(await getReview(supplier.apiKey, id)).toMatchObject({
    version: 2,
    rating: 4,
    body: envelope.data.body,
  });
  await eventually(
    async () => (await eventsOf(supplier.supplierId, id)).some((e) => e.type === 'review.updated'),
    'review.updated logged',
  );
  const updates = (await eventsOf(supplier.supplierId, id)).filter((e) => e.type === 'review.updated');
  expect(updates).toHaveLength(1);
  expect(updates[0]!.data).toMatchObject({ changedFields: ['rating', 'body'], previousRating: 5 });
  const summary = await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey });
  expect(summary.json).toMatchObject({ count: 1, averageRating: 4, byRating: { '4': 1, '5': 0 } });
});

it('converges on the latest of concurrent edits, with counters that match it', async () => {
  const supplier = await stack.newSupplier('Concurrent Edits');
  const id = await importReview(supplier.apiKey, original('g-edit-3'));
  await eventually(async () => (await getReview(supplier.apiKey, id)) !== undefined, 'first version stored');

  // Five versions dated by the platform on different days, sent all at once in shuffled order.
  const days = [4, 2, 5, 1, 3];
  await Promise.all(
    days.map((day) =>
      importReview(supplier.apiKey, {
        ...original('g-edit-3'),
        rating: day,
        title: `Version from day ${day}`,
        submittedAt: `2026-05-0${day + 1}T10:00:00Z`,
      }),
    ),
  );
  await eventually(
    async () => (await getReview(supplier.apiKey, id))?.title === 'Version from day 5',
    'latest version stored',
  );
  await drained();
  const final = (await getReview(supplier.apiKey, id))!;
  expect(final).toMatchObject({
    rating: 5,
    title: 'Version from day 5',
    reviewedAt: '2026-05-06T10:00:00.000Z',
  });
  expect(Number(final.version)).toBeGreaterThanOrEqual(2);
  expect(Number(final.version)).toBeLessThanOrEqual(6);
  const summary = await stack.call('GET', '/v1/reviews/summary', { key: supplier.apiKey });
  expect(summary.json).toMatchObject({
    count: 1,
    averageRating: 5,
    byRating: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 1 },
    byPlatform: { google: 1 },
  });
  // One review.updated per applied version, numbered 2..version.
  await eventually(
    async () =>
      (await eventsOf(supplier.supplierId, id)).filter((e) => e.type === 'review.updated').length ===
      Number(final.version) - 1,
    'every applied version announced',
  );
  const versions = (await eventsOf(supplier.supplierId, id))
    .filter((e) => e.type === 'review.updated')
    .map((e) => Number(e.data.version))
    .sort((a, b) => a - b);
  expect(versions).toEqual(Array.from({ length: Number(final.version) - 1 }, (_, i) => i + 2));
});
