/**
 * Data subject requests end to end (issue 9), through the local gateway, the Privacy queue and the
 * PrivacyWorker, DynamoDB Local and the SQS emulator: an export finds the person's review request,
 * their review, a platform review named in the request and the logged events about them; an
 * erasure deletes, anonymises and purges them, tells the supplier, audits every step without the
 * address, and a replay, a re-sync and a re-import of the same reviews do not bring anything back;
 * erasing twice reports the same outcome; a supplier key is refused.
 */
import { createOpsKey } from '../../src/access/use-cases/create-supplier';
import { IngestReviewSink } from '../../src/platforms/adapters/ingest-review-sink';
import type { Connection } from '../../src/platforms';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { reviewIdFor } from '../../src/reviews';
import { ANONYMISED_NAME, ERASED_TEXT } from '../../src/privacy';
import { systemClock } from '../../src/shared/clock';
import { eventually, startTestStack, type TestStack } from './support/stack';

jest.setTimeout(120_000);

let stack: TestStack;
let opsKey: string;

beforeAll(async () => {
  stack = await startTestStack();
  opsKey = (await createOpsKey(new DynamoTenantStore(stack.doc, stack.tableName('Tenants')), 'privacy ops'))
    .apiKey;
}, 120_000);

afterAll(async () => {
  await stack?.cleanup();
});

const EMAIL = 'Jo.Max@Example.com';

async function waitForReview(
  key: string,
  reviewId: string,
  what: (review: Record<string, unknown>) => boolean,
) {
  let body: Record<string, unknown> = {};
  await eventually(async () => {
    const response = await stack.call('GET', `/v1/reviews/${reviewId}`, { key });
    body = response.json;
    return response.status === 200 && what(body);
  }, `review ${reviewId}`);
  return body;
}

const loggedEventsAbout = async (reviewId: string) =>
  (await stack.scanAll('EventLog')).filter(
    (item) =>
      item.entity === 'event' &&
      // The erasure's own notice names the review (ids only, by design).
      item.eventType !== 'privacy.erasure_requested' &&
      String(item.body).includes(reviewId),
  );

/** Every ingest message handled (queue and in-flight both empty, twice in a row). */
async function ingestSettled() {
  let quiet = 0;
  await eventually(async () => {
    quiet = (await stack.queueDepth('Ingest')) === 0 ? quiet + 1 : 0;
    return quiet >= 3;
  }, 'the ingest queue drained');
}

describe('data subject requests', () => {
  it('exports, erases for good, and erases twice with the same outcome', async () => {
    const supplier = await stack.newSupplier('Rose & Co');
    // A review request to the person (link delivery: the token comes back here) and their review.
    const created = await stack.call('POST', '/v1/review-requests', {
      key: supplier.apiKey,
      body: { coupleName: 'Jo & Max', email: EMAIL, weddingDate: '2026-06-20', delivery: 'link' },
    });
    expect(created.status).toBe(201);
    const requestId = String(created.json.requestId);
    const token = String(created.json.token);
    const submission = {
      rating: 2,
      title: 'Late flowers',
      body: 'Jo Max here: the bouquets came late.',
      reviewerName: 'Jo Max',
    };
    expect((await stack.call('POST', '/v1/reviews', { key: token, body: submission })).status).toBe(202);
    const linkReviewId = reviewIdFor(supplier.supplierId, { kind: 'review-link', requestId });
    await waitForReview(supplier.apiKey, linkReviewId, (r) => r.reviewerName === 'Jo Max');

    // The same person's Google review, synced from the platform (no address on it).
    const connection: Connection = {
      connectionId: 'con_privacytest0000000000000000',
      supplierId: supplier.supplierId,
      platform: 'google',
      status: 'active',
      locations: [{ locationId: 'locations/1', name: 'Rose & Co' }],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    } as Connection;
    const sink = new IngestReviewSink(stack.sqsClient, stack.queues.Ingest.url, systemClock);
    const googleReview = {
      externalId: 'g-privacy-1',
      rating: 3,
      body: 'Jo Max: decent, but late.',
      reviewerName: 'Jo Max',
      createdAt: '2026-07-01T10:00:00.000Z',
      updatedAt: '2026-07-01T10:00:00.000Z',
    };
    await sink.submit(connection, 'locations/1', [googleReview], 'privacy-sync-1');
    const googleReviewId = reviewIdFor(supplier.supplierId, {
      kind: 'external',
      platform: 'google',
      externalId: 'g-privacy-1',
    });
    await waitForReview(supplier.apiKey, googleReviewId, (r) => r.reviewerName === 'Jo Max');
    await eventually(async () => (await loggedEventsAbout(linkReviewId)).length >= 2, 'events logged');
    await eventually(async () => (await loggedEventsAbout(googleReviewId)).length >= 1, 'events logged');
    const named = [{ supplierId: supplier.supplierId, reviewId: googleReviewId }];

    // A supplier key is refused on every privacy route.
    for (const [method, path, body] of [
      ['POST', '/v1/ops/privacy/exports', { email: EMAIL }],
      ['POST', '/v1/ops/privacy/erasures', { email: EMAIL }],
      ['GET', '/v1/ops/privacy/erasures/era_00000000000000000000000000', undefined],
    ] as const) {
      const refused = await stack.call(method, path, { key: supplier.apiKey, body });
      expect(refused.status).toBe(403);
    }
    // Not an address: 422, nothing audited.
    const invalid = await stack.call('POST', '/v1/ops/privacy/exports', {
      key: opsKey,
      body: { email: 'jo' },
    });
    expect(invalid.status).toBe(422);

    // Export: the request, both reviews and the logged events, one document (address in any case).
    const exported = await stack.call('POST', '/v1/ops/privacy/exports', {
      key: opsKey,
      body: { email: ' jo.max@EXAMPLE.com ', reviews: named },
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('cache-control')).toBe('no-store');
    const doc = exported.json as {
      reviewRequests: Record<string, unknown>[];
      reviews: Record<string, unknown>[];
      events: { eventType: string; payload: { data: { reviewId: string } } }[];
    };
    expect(doc.reviewRequests).toEqual([
      expect.objectContaining({ requestId, coupleName: 'Jo & Max', email: EMAIL }),
    ]);
    expect(doc.reviewRequests[0]).not.toHaveProperty('pk');
    expect(doc.reviews.map((r) => r.reviewId).sort()).toEqual([linkReviewId, googleReviewId].sort());
    expect(doc.events.map((e) => e.eventType)).toEqual(
      expect.arrayContaining(['review.received', 'review.negative']),
    );
    expect(new Set(doc.events.map((e) => e.payload.data.reviewId))).toEqual(
      new Set([linkReviewId, googleReviewId]),
    );

    // Erase, with the text: accepted, run by the PrivacyWorker, followed at Location.
    const erase = await stack.call('POST', '/v1/ops/privacy/erasures', {
      key: opsKey,
      body: { email: EMAIL, eraseText: true, reviews: named },
    });
    expect(erase.status).toBe(202);
    const location = erase.headers.get('location')!;
    expect(location).toMatch(/^\/v1\/ops\/privacy\/erasures\/era_[0-9a-f]{26}$/);
    let erasure: Record<string, unknown> = {};
    await eventually(async () => {
      erasure = (await stack.call('GET', location, { key: opsKey })).json;
      return erasure.status === 'done';
    }, 'the erasure done');
    expect(erasure).toMatchObject({
      eraseText: true,
      reviewRequests: 1,
      suppliersNotified: [supplier.supplierId],
      counts: { reviewRequestsDeleted: 1, reviewsAnonymised: 2 },
    });
    expect((erasure.counts as { eventsPurged: number }).eventsPurged).toBeGreaterThanOrEqual(3);

    // Gone: the request; anonymised: both reviews; purged: their logged events.
    expect(
      (await stack.call('GET', `/v1/review-requests/${requestId}`, { key: supplier.apiKey })).status,
    ).toBe(404);
    const expectErased = (review: Record<string, unknown>) =>
      expect(review).toMatchObject({ reviewerName: ANONYMISED_NAME, title: ERASED_TEXT, body: ERASED_TEXT });
    expectErased((await stack.call('GET', `/v1/reviews/${linkReviewId}`, { key: supplier.apiKey })).json);
    expectErased((await stack.call('GET', `/v1/reviews/${googleReviewId}`, { key: supplier.apiKey })).json);
    expect(await loggedEventsAbout(linkReviewId)).toEqual([]);
    expect(await loggedEventsAbout(googleReviewId)).toEqual([]);

    // The supplier is told (ids only), and every step is audited, nowhere with the address.
    await eventually(
      async () =>
        (await stack.scanAll('EventLog')).some(
          (item) => item.eventType === 'privacy.erasure_requested' && item.supplierId === supplier.supplierId,
        ),
      'privacy.erasure_requested logged',
    );
    const audit = await stack.scanAll('Audit');
    const acts = audit.filter((item) => String(item.kind).startsWith('privacy.'));
    expect(new Set(acts.map((a) => a.kind))).toEqual(
      new Set(['privacy.exported', 'privacy.erasure_requested', 'privacy.erased']),
    );
    expect(acts.every((a) => /^subject:[0-9a-f]{16}$/.test(String(a.target)))).toBe(true);
    expect(acts.every((a) => (a.actor as { type: string }).type === 'ops')).toBe(true);
    expect(JSON.stringify(audit).toLowerCase()).not.toContain('jo.max@example.com');
    expect(JSON.stringify(await stack.scanAll('EventLog'))).not.toContain('Late flowers');
    expect(JSON.stringify(await stack.scanAll('Deliveries'))).not.toContain('Late flowers');

    // Nothing comes back: a replay of the couple's submission, a re-sync with an edit, a re-import.
    expect((await stack.call('POST', '/v1/reviews', { key: token, body: submission })).status).toBe(202);
    await sink.submit(
      connection,
      'locations/1',
      [{ ...googleReview, body: 'Jo Max: edited', updatedAt: '2026-07-02T10:00:00.000Z' }],
      'privacy-sync-2',
    );
    const reimport = await stack.call('POST', '/v1/imports', {
      key: supplier.apiKey,
      body: {
        platform: 'google',
        format: 'jsonl',
        content: JSON.stringify({
          rating: 3,
          title: 'Again',
          body: 'Jo Max again',
          reviewerName: 'Jo Max',
          externalId: 'g-privacy-1',
        }),
      },
    });
    expect(reimport.status).toBe(201);
    await eventually(async () => {
      const job = await stack.call('GET', `/v1/imports/${String(reimport.json.importId)}`, {
        key: supplier.apiKey,
      });
      return job.json.status === 'completed';
    }, 'the re-import completed');
    await ingestSettled();
    expectErased((await stack.call('GET', `/v1/reviews/${linkReviewId}`, { key: supplier.apiKey })).json);
    expectErased((await stack.call('GET', `/v1/reviews/${googleReviewId}`, { key: supplier.apiKey })).json);
    expect(JSON.stringify(await stack.scanAll('Reviews'))).not.toContain('Jo Max');

    // A new review request to the erased address is refused.
    const again = await stack.call('POST', '/v1/review-requests', {
      key: supplier.apiKey,
      body: { coupleName: 'Jo & Max', email: 'jo.max@example.com', weddingDate: '2026-06-20' },
    });
    expect(again.status).toBe(409);

    // Erasing twice: harmless, the same outcome at once (200).
    const twice = await stack.call('POST', '/v1/ops/privacy/erasures', {
      key: opsKey,
      body: { email: EMAIL, eraseText: true, reviews: named },
    });
    expect(twice.status).toBe(200);
    expect(twice.json).toEqual(erasure);

    // The export now says what was erased and holds nothing personal.
    const after = await stack.call('POST', '/v1/ops/privacy/exports', {
      key: opsKey,
      body: { email: EMAIL },
    });
    expect(after.json).toMatchObject({ reviewRequests: [], events: [], erasure: { status: 'done' } });
    expect(JSON.stringify((after.json as { reviews: unknown[] }).reviews)).not.toContain('Jo Max');
  });
});
