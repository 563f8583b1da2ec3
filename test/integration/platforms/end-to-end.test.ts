/**
 * The whole platform path, as a supplier uses it, against the four fake platforms on loopback and
 * the local mode (every function in its own thread with its catalog grants): connect all four
 * platforms through the public API (OAuth consent at the fakes), run the sync schedule, see every
 * platform review stored once, see an edit on the platform arrive as an edit, reply and see the
 * reply published on the platform, and read the audit trail and the integration health.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretDefinition } from '../../../src/catalog/secrets';
import {
  connectAll,
  DEMO_GOOGLE_LOCATIONS,
  startDemoPlatforms,
  type DemoPlatforms,
} from '../../../local/platform-fakes/demo';
import { eventually, startTestStack, type TestStack } from '../support/stack';

jest.setTimeout(180_000);

const GOOGLE = [12, 5] as const;
const FACEBOOK = 4;
const TRUSTPILOT = 6;
const YELP_EXCERPTS = 3;
const TOTAL = GOOGLE[0] + GOOGLE[1] + FACEBOOK + TRUSTPILOT + YELP_EXCERPTS;

let demo: DemoPlatforms;
let stack: TestStack;
let keyDir: string;
let supplier: { supplierId: string; apiKey: string };

interface ListedReview {
  reviewId: string;
  platform: string;
  externalId?: string;
  rating: number | null;
  recommendation?: string;
  excerpt?: boolean;
  body: string;
  reply?: { state: string; comment?: string };
}

/** Every item of a paged list of the supplier's (its `nextCursor` followed to the end). */
async function listAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await stack.call('GET', `${path}?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
      key: supplier.apiKey,
    });
    expect(page.status).toBe(200);
    items.push(...(page.json.items as T[]));
    cursor = page.json.nextCursor as string | undefined;
  } while (cursor);
  return items;
}

const allReviews = () => listAll<ListedReview>('/v1/reviews');

beforeAll(async () => {
  demo = await startDemoPlatforms({
    googleReviews: GOOGLE,
    facebookRatings: FACEBOOK,
    trustpilotReviews: TRUSTPILOT,
  });
  keyDir = mkdtempSync(join(tmpdir(), 'vault-key-'));
  // Read by the functions' threads (local overrides), so set before the stack starts.
  process.env.WEDSYNC_PLATFORM_ORIGINS = JSON.stringify(demo.origins);
  process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE = join(keyDir, 'token-vault.key');
  stack = await startTestStack({ syncSchedule: true });
  const secrets = JSON.parse(stack.env.WEDSYNC_LOCAL_SECRETS!) as Record<string, string[]>;
  demo.acceptYelpKey(secrets[stack.env[secretDefinition('YelpApiKey').envVar]!]![0]!);
  supplier = await stack.newSupplier('Rose Garden Weddings');
});
afterAll(async () => {
  await stack?.cleanup();
  await demo?.close();
  delete process.env.WEDSYNC_PLATFORM_ORIGINS;
  delete process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE;
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

it('connects four platforms, syncs their reviews once, follows edits, publishes a reply, and audits every call', async () => {
  const connected = await connectAll(stack.apiUrl, supplier.apiKey);
  expect(connected.map((c) => [c.platform, c.status])).toEqual([
    ['google', 'active'],
    ['facebook', 'active'],
    ['trustpilot', 'active'],
    ['yelp', 'active'],
  ]);

  // The schedule's run enqueues a sync per location; the workers page through and ingest.
  await stack.syncSchedule!.runOnce();
  await eventually(
    async () => (await allReviews()).length >= TOTAL,
    `${TOTAL} platform reviews stored`,
    90_000,
  );
  // A second run finds nothing new: still exactly one stored review per platform review.
  await stack.syncSchedule!.runOnce();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const reviews = await allReviews();
  const count = (platform: string) => reviews.filter((r) => r.platform === platform).length;
  expect([count('google'), count('facebook'), count('trustpilot'), count('yelp')]).toEqual([
    GOOGLE[0] + GOOGLE[1],
    FACEBOOK,
    TRUSTPILOT,
    YELP_EXCERPTS,
  ]);
  expect(new Set(reviews.map((r) => `${r.platform}/${r.externalId}`)).size).toBe(TOTAL);
  // Facebook: a recommendation, no stars. Yelp: excerpts, said so.
  expect(
    reviews.filter((r) => r.platform === 'facebook').every((r) => r.rating === null && r.recommendation),
  ).toBe(true);
  expect(reviews.filter((r) => r.platform === 'yelp').every((r) => r.excerpt === true)).toBe(true);

  // An edit on Google arrives as an edit of the same review.
  const location = DEMO_GOOGLE_LOCATIONS[0];
  const edited = demo.google.reviews(location)[0]!;
  demo.google.editReview(location, edited.reviewId, {
    rating: 1,
    comment: 'Changed my mind: the roses wilted.',
  });
  await stack.syncSchedule!.runOnce();
  const stored = reviews.find((r) => r.platform === 'google' && r.externalId === edited.reviewId)!;
  expect(stored).toBeDefined();
  await eventually(
    async () => {
      const review = await stack.call('GET', `/v1/reviews/${stored.reviewId}`, { key: supplier.apiKey });
      return review.json.body === 'Changed my mind: the roses wilted.' && review.json.rating === 1;
    },
    'the edit synced',
    60_000,
  );

  // A reply goes out through the Replies queue and is published on Google.
  const reply = await stack.call('POST', `/v1/reviews/${stored.reviewId}/reply`, {
    key: supplier.apiKey,
    body: { comment: 'We are so sorry, please call us so we can make it right.' },
  });
  expect(reply.status).toBe(202);
  await eventually(
    async () =>
      demo.google.replyOf(location, edited.reviewId)?.comment ===
      'We are so sorry, please call us so we can make it right.',
    'the reply on Google',
    60_000,
  );
  await eventually(
    async () =>
      (
        (await stack.call('GET', `/v1/reviews/${stored.reviewId}`, { key: supplier.apiKey })).json.reply as
          { state: string } | undefined
      )?.state === 'published',
    'the reply state on the review',
    30_000,
  );

  // Every call our functions made to a platform is in the supplier's audit trail. The last schedule
  // run also synced the other locations, and a call's entry is written after its answer: read the
  // trail until it holds every call the fakes saw (a lost entry never arrives, and fails here).
  type Entry = { platform: string; kind: string; operation?: string; outcome: string };
  const readCalls = async () => (await listAll<Entry>('/v1/audit')).filter((e) => e.kind === 'call');
  // The fakes saw exactly those calls, plus the consent pages the supplier's browser opened.
  const consentPaths = /\/(o\/oauth2\/v2\/auth|v\d+\.\d+\/dialog\/oauth)$|^\/$/;
  const seenByFakes = () => ({
    google: demo.google.server.count((r) => !consentPaths.test(r.path)),
    facebook: demo.facebook.server.count((r) => !consentPaths.test(r.path)),
    trustpilot: demo.trustpilot.server.count((r) => !consentPaths.test(r.path)),
    yelp: demo.yelp.server.count(),
  });
  const auditedIn = (calls: Entry[]) => ({
    google: calls.filter((e) => e.platform === 'google').length,
    facebook: calls.filter((e) => e.platform === 'facebook').length,
    trustpilot: calls.filter((e) => e.platform === 'trustpilot').length,
    yelp: calls.filter((e) => e.platform === 'yelp').length,
  });
  let calls: Entry[] = [];
  let seen = seenByFakes();
  await eventually(
    async () => {
      seen = seenByFakes();
      calls = await readCalls();
      return JSON.stringify(auditedIn(calls)) === JSON.stringify(seen);
    },
    'an audit entry for every platform call',
    30_000,
  ).catch(() => undefined); // the comparison below names what differs
  expect(auditedIn(calls)).toEqual(seen);
  expect(calls.some((e) => e.platform === 'google' && e.operation === 'reply')).toBe(true);

  // The health view shows the four connections, healthy, with their latest success.
  const health = await stack.call('GET', '/v1/integrations/health', { key: supplier.apiKey });
  expect(health.status).toBe(200);
  const platforms = health.json.platforms as {
    platform: string;
    connections: { connectionId: string; status: string; lastSuccessAt?: string }[];
  }[];
  const connections = platforms.flatMap((p) => p.connections);
  expect(connections.map((c) => c.connectionId).sort()).toEqual(connected.map((c) => c.connectionId).sort());
  expect(connections.every((c) => c.status === 'active' && c.lastSuccessAt !== undefined)).toBe(true);
});
