/**
 * Replies through the whole local mode (gateway, workers in their threads, DynamoDB Local, fauxqs,
 * the fake platforms on loopback):
 * - Trustpilot: a reply without the connection's reply author fails with a reason saying how to
 *   set it; once set (PATCH /v1/connections/{id}), POST /v1/reviews/{id}/reply publishes it on the
 *   fake Trustpilot as that business user, and a later sync that sees it there changes nothing;
 * - Google: a reply the business already had on Google arrives with the review (source
 *   `platform`), in GET /v1/reviews/{id} and the list; deleted on Google, a sync clears it;
 * - a CSV import's `reply` column is stored as the review's reply (source `import`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEMO_GOOGLE_LOCATIONS,
  DEMO_TRUSTPILOT_BUSINESS_USER,
  DEMO_TRUSTPILOT_UNIT,
  startDemoPlatforms,
  type DemoPlatforms,
} from '../../../local/platform-fakes/demo';
import { SqsSyncQueue } from '../../../src/platforms/adapters/sqs-sync-queue';
import { eventually, startTestStack, type TestStack } from '../support/stack';

jest.setTimeout(240_000);

let demo: DemoPlatforms;
let stack: TestStack;
let keyDir: string;
let supplier: { supplierId: string; apiKey: string };

interface Reply {
  action: string;
  state: string;
  source?: string;
  comment?: string;
  requestedAt?: string;
  updatedAt: string;
  repliedAt?: string;
  reason?: string;
}
interface ListedReview {
  reviewId: string;
  platform: string;
  externalId?: string;
  reply?: Reply;
}

const GOOGLE_LOCATION = DEMO_GOOGLE_LOCATIONS[0];

beforeAll(async () => {
  demo = await startDemoPlatforms({ googleReviews: [3, 0], facebookRatings: 0, trustpilotReviews: 2 });
  keyDir = mkdtempSync(join(tmpdir(), 'vault-key-'));
  process.env.WEDSYNC_PLATFORM_ORIGINS = JSON.stringify(demo.origins);
  process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE = join(keyDir, 'token-vault.key');
  stack = await startTestStack({ syncSchedule: true });
  supplier = await stack.newSupplier('Replies Florist');
});
afterAll(async () => {
  await stack?.cleanup();
  await demo?.close();
  delete process.env.WEDSYNC_PLATFORM_ORIGINS;
  delete process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE;
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

/** Connects through the public API; the fake's consent page approves at once. */
async function connect(body: Record<string, string>): Promise<Record<string, unknown>> {
  const started = await stack.call('POST', '/v1/connections', { key: supplier.apiKey, body });
  expect(started.status).toBe(201);
  const consent = await fetch(String(started.json.authorizationUrl), { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location')!);
  const finished = await stack.call('GET', `${callback.pathname}${callback.search}`);
  expect(finished.status).toBe(200);
  expect(finished.json.status).toBe('active');
  return finished.json;
}

async function reviewsOf(platform: string): Promise<ListedReview[]> {
  const page = await stack.call('GET', `/v1/reviews?platform=${platform}&limit=100`, {
    key: supplier.apiKey,
  });
  expect(page.status).toBe(200);
  return page.json.items as ListedReview[];
}

async function replyOf(reviewId: string): Promise<Reply | undefined> {
  const review = await stack.call('GET', `/v1/reviews/${reviewId}`, { key: supplier.apiKey });
  expect(review.status).toBe(200);
  return review.json.reply as Reply | undefined;
}

/** A full sync of one location now (a deletion of a reply does not move a review's updateTime). */
async function fullSync(connectionId: string, locationId: string): Promise<void> {
  await new SqsSyncQueue(stack.sqsClient, stack.queues.Sync.url).send([
    {
      message: {
        kind: 'sync',
        mode: 'full',
        connectionId,
        supplierId: supplier.supplierId,
        locationId,
        correlationId: `cor_test_${Date.now()}`,
        startedAt: new Date().toISOString(),
      },
    },
  ]);
}

const drained = () =>
  eventually(
    async () => (await stack.queueDepth('Sync')) === 0 && (await stack.queueDepth('Ingest')) === 0,
    'sync and ingest drained',
    60_000,
  );

let google: Record<string, unknown>;
let trustpilot: Record<string, unknown>;
const existing = { comment: 'Thank you, it was a pleasure!', reviewId: '' };

it('syncs a Google review with the reply the business already had there, and the others without', async () => {
  const [first] = demo.google.reviews(GOOGLE_LOCATION);
  existing.reviewId = first!.reviewId;
  demo.google.setOwnerReply(GOOGLE_LOCATION, existing.reviewId, existing.comment);
  google = await connect({ platform: 'google' });
  trustpilot = await connect({ platform: 'trustpilot', businessUnitId: DEMO_TRUSTPILOT_UNIT });
  expect(trustpilot).not.toHaveProperty('authorBusinessUserId');

  await stack.syncSchedule!.runOnce();
  await eventually(
    async () => (await reviewsOf('google')).length === 3 && (await reviewsOf('trustpilot')).length === 2,
    'the reviews synced',
    90_000,
  );
  await drained();
  const listed = await reviewsOf('google');
  const withReply = listed.find((r) => r.externalId === existing.reviewId)!;
  const googleReply = demo.google.replyOf(GOOGLE_LOCATION, existing.reviewId)!;
  // The list and the review itself show it: published, seen on the platform, Google's time.
  expect(withReply.reply).toEqual({
    action: 'reply',
    state: 'published',
    source: 'platform',
    comment: existing.comment,
    updatedAt: expect.any(String),
    repliedAt: new Date(googleReply.updateTime).toISOString(),
  });
  expect(await replyOf(withReply.reviewId)).toEqual(withReply.reply);
  expect(listed.filter((r) => r.reply !== undefined)).toHaveLength(1);
});

it('clears a reply deleted on Google at the next sync that lists the review', async () => {
  const reviewId = (await reviewsOf('google')).find((r) => r.externalId === existing.reviewId)!.reviewId;
  const before = (await replyOf(reviewId))!;
  demo.google.setOwnerReply(GOOGLE_LOCATION, existing.reviewId, null);
  await fullSync(String(google.connectionId), GOOGLE_LOCATION);
  await eventually(
    async () => (await replyOf(reviewId))?.action === 'delete-reply',
    'the deletion seen',
    60_000,
  );
  const after = (await replyOf(reviewId))!;
  expect(after).toEqual({
    action: 'delete-reply',
    state: 'published',
    source: 'platform',
    updatedAt: expect.any(String),
  });
  expect(after.updatedAt > before.updatedAt).toBe(true);
});

it('Trustpilot: fails clearly without a reply author; with one set, publishes as that business user', async () => {
  const [review] = await reviewsOf('trustpilot');
  const path = `/v1/reviews/${review!.reviewId}/reply`;
  const connectionPath = `/v1/connections/${String(trustpilot.connectionId)}`;

  const first = await stack.call('POST', path, { key: supplier.apiKey, body: { comment: 'Thank you!' } });
  expect(first.status).toBe(202);
  await eventually(
    async () => (await replyOf(review!.reviewId))?.state === 'failed',
    'the reply failed',
    60_000,
  );
  const failed = (await replyOf(review!.reviewId))!;
  expect(failed.reason).toContain('no authorBusinessUserId');
  expect(failed.reason).toContain(`PATCH ${connectionPath}`);
  expect(demo.trustpilot.replyOf(review!.externalId!)).toBeUndefined();

  // A Google connection takes no reply author (422); the Trustpilot one does.
  const wrong = await stack.call('PATCH', `/v1/connections/${String(google.connectionId)}`, {
    key: supplier.apiKey,
    body: { authorBusinessUserId: DEMO_TRUSTPILOT_BUSINESS_USER },
  });
  expect(wrong.status).toBe(422);
  const set = await stack.call('PATCH', connectionPath, {
    key: supplier.apiKey,
    body: { authorBusinessUserId: DEMO_TRUSTPILOT_BUSINESS_USER },
  });
  expect(set.status).toBe(200);
  expect(set.json.authorBusinessUserId).toBe(DEMO_TRUSTPILOT_BUSINESS_USER);
  expect((await stack.call('GET', connectionPath, { key: supplier.apiKey })).json.authorBusinessUserId).toBe(
    DEMO_TRUSTPILOT_BUSINESS_USER,
  );

  const second = await stack.call('POST', path, {
    key: supplier.apiKey,
    body: { comment: 'Thank you both, what a day!' },
  });
  expect(second.status).toBe(202);
  await eventually(
    async () => (await replyOf(review!.reviewId))?.state === 'published',
    'the reply published',
    60_000,
  );
  expect(demo.trustpilot.replyOf(review!.externalId!)).toMatchObject({
    text: 'Thank you both, what a day!',
    authorBusinessUserId: DEMO_TRUSTPILOT_BUSINESS_USER,
  });
  const published = (await replyOf(review!.reviewId))!;
  expect(published).toMatchObject({ action: 'reply', state: 'published', source: 'api' });

  // A sync that sees our reply on Trustpilot leaves our record as it is (no flip to `platform`).
  await fullSync(String(trustpilot.connectionId), DEMO_TRUSTPILOT_UNIT);
  await drained();
  expect(await replyOf(review!.reviewId)).toEqual(published);
});

it('stores the reply column of a CSV import as the review reply', async () => {
  const content = [
    'date,rating,author,title,text,reply,reply_date',
    '2025-05-01,5,Jo & Sam,Perfect,"Perfect day, thank you",Thank you Jo & Sam!,2025-05-03',
    '2025-05-02,4,Ann,Lovely,Lovely flowers,,',
  ].join('\n');
  const created = await stack.call('POST', '/v1/imports', {
    key: supplier.apiKey,
    body: { platform: 'theknot', format: 'csv', content },
  });
  expect(created.status).toBe(201);
  // The reply is merged right after its review is stored.
  await eventually(
    async () => (await reviewsOf('theknot')).some((r) => r.reply !== undefined),
    'the imported reply',
    90_000,
  );
  const imported = await reviewsOf('theknot');
  expect(imported).toHaveLength(2);
  const replied = imported.find((r) => r.reply !== undefined);
  expect(replied?.reply).toEqual({
    action: 'reply',
    state: 'published',
    source: 'import',
    comment: 'Thank you Jo & Sam!',
    updatedAt: expect.any(String),
    repliedAt: '2025-05-03T00:00:00.000Z',
  });
  expect(imported.filter((r) => r.reply === undefined)).toHaveLength(1);
});
