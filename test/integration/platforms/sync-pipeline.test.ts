/**
 * The platform sync pipeline at scale, under faults, end to end: 20 connections of 6 suppliers on
 * the four fake platforms (Google 6 with 2 locations each, Trustpilot 6, Facebook 5, Yelp 3), about
 * 2,000 reviews on the fakes, synced through the real pipeline (the SyncScheduler's run -> Sync
 * queue -> SyncWorker -> Ingest queue -> ingest worker -> Reviews table), every function in its own
 * thread with its catalog grants. During the runs the fakes inject:
 * - 429s: Trustpilot with Retry-After, Google RESOURCE_EXHAUSTED with RetryInfo, Facebook an
 *   X-App-Usage near its limit;
 * - a Google outage (503s and dropped connections) long enough to open its breaker;
 * - access tokens expiring mid-sync (Trustpilot in the first run, Google in the second);
 * - between the runs: edits, deletions and new reviews on every platform.
 * The day's full sweep of each location is enqueued as the scheduler does at its slot (the
 * scheduler's slot and once-a-day claim follow the wall clock, which a test cannot move).
 * At the end: the stored reviews equal the platforms' reviews (none lost, none duplicated, edits
 * applied, deletions marked removed, Yelp only its three excerpts per business); the fakes' call
 * logs never exceed the configured token buckets per app and per location; no call reached Google
 * while its breaker was open except the half-open probes; every call a fake saw is in the audit
 * trail with the status the fake answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretDefinition } from '../../../src/catalog/secrets';
import { DynamoPlatformBreakerStore } from '../../../src/platforms/adapters/platform-breaker-store';
import { SqsSyncQueue } from '../../../src/platforms/adapters/sqs-sync-queue';
import type { BreakerState } from '../../../src/shared/circuit-breaker';
import type { ConnectedPlatform, SyncMessage } from '../../../src/platforms';
import { QUOTA_POLICIES, tightenUntil } from '../../../src/platforms/domain/quota-policy';
import { connectPlatform } from '../../../local/platform-fakes/demo';
import { peakInWindow, type FakeRequest } from '../../../local/platform-fakes/fake-platform-server';
import { FakeFacebook } from '../../../local/platform-fakes/facebook';
import { FakeGoogleBusinessProfile } from '../../../local/platform-fakes/google';
import {
  mountFacebookOAuth,
  mountGoogleOAuth,
  mountTrustpilotOAuth,
  type FakeOAuth,
} from '../../../local/platform-fakes/oauth';
import { FakeTrustpilot } from '../../../local/platform-fakes/trustpilot';
import { FakeYelp } from '../../../local/platform-fakes/yelp';
import { eventually, startTestStack, type TestStack } from '../support/stack';

jest.setTimeout(900_000);

const SUPPLIERS = 6;
const GOOGLE_CONNECTIONS = 6;
const GOOGLE_LOCATIONS_EACH = 2;
const GOOGLE_REVIEWS_PER_LOCATION = 70;
const TRUSTPILOT_CONNECTIONS = 6;
const TRUSTPILOT_REVIEWS_PER_UNIT = 90;
const FACEBOOK_CONNECTIONS = 5;
// Two pages of ratings each (the second short): Facebook has no get by id, so a re-fetch reads pages
// until it finds one, each read a call paced by the Page's bucket; more ratings made the sweep's
// re-fetches outlast the settle time.
const FACEBOOK_RATINGS_PER_PAGE = 110;
/** Ratings deleted per Page between the runs: the sweep re-fetches each (a whole listing each). */
const FACEBOOK_DELETIONS_PER_PAGE = 2;
// Yelp's bucket is paced to the trial plan's 300 calls a day (10 at once): 3 businesses fit two runs.
const YELP_CONNECTIONS = 3;
const YELP_REVIEWS_PER_BUSINESS = 10;
const YELP_EXCERPTS = 3;
/** The Google outage: long enough for several failures in a row (the breaker opens at 3). */
const OUTAGE_MS = 8_000;
/** Windows the call rates are judged over, and the slack for a call's way from the limiter to the fake. */
const RATE_WINDOWS_MS = [1_000, 5_000, 10_000, 30_000, 60_000, 300_000];
const RATE_SLACK_MS = 1_000;
/**
 * A call whose admission read the breaker just before another worker's write opened it: the opener
 * stamps `openedAtMs` before its write lands (slow on a busy machine).
 */
const BREAKER_GRACE_MS = 1_000;
/** The most a Facebook answer takes from the fake's log to the limiter (a busy machine). */
const USAGE_ANSWER_GRACE_MS = 2_000;
/** How long a phase may take to settle on a busy shared machine (idle: well under a minute). */
const SETTLE_TIMEOUT_MS = 300_000;

const googleLocation = (i: number) => `accounts/200/locations/${3001 + i}`;
const trustpilotUnit = (i: number) => `bu-supplier-${i}`;
const facebookPage = (i: number) => String(7_770_001 + i);
const yelpBusiness = (i: number) => `wedding-florist-${i}`;

const TEXTS = [
  'The flowers were stunning and arrived early.',
  'Lovely team, the bouquets matched our colours perfectly.',
  'Good value, though the buttonholes were a little late.',
  'Absolutely beautiful arch, our guests loved it.',
  'Communication could have been better but the result was great.',
  'Not what we ordered: wrong colours and wilted roses.',
];

let stack: TestStack;
let keyDir: string;
const google = new FakeGoogleBusinessProfile();
const facebook = new FakeFacebook();
const trustpilot = new FakeTrustpilot();
const yelp = new FakeYelp();
let oauth: { google: FakeOAuth; facebook: FakeOAuth; trustpilot: FakeOAuth };
const suppliers: { supplierId: string; apiKey: string }[] = [];

interface StoredReview {
  reviewId: string;
  platform: string;
  externalId?: string;
  rating: number | null;
  recommendation?: string;
  excerpt?: boolean;
  body: string;
  state: 'active' | 'removed';
}

/** What a platform holds of one review, as our stored copy should read. */
interface Expected {
  readonly platform: ConnectedPlatform;
  readonly externalId: string;
  readonly rating: number | null;
  readonly body: string;
}

// ------------------------------------------------------------------------------------------------
// The platforms' data

function seedPlatforms(): void {
  const day = 86_400_000;
  const start = Date.now() - 400 * day;
  for (let i = 0; i < GOOGLE_CONNECTIONS * GOOGLE_LOCATIONS_EACH; i += 1) {
    const [account, id] = googleLocation(i)
      .split('/')
      .filter((_, k) => k % 2 === 1) as [string, string];
    google.addLocation(account, id);
    for (let r = 0; r < GOOGLE_REVIEWS_PER_LOCATION; r += 1) {
      google.addReview(googleLocation(i), {
        rating: (r % 5) + 1,
        ...(r % 9 === 4 ? {} : { comment: `${TEXTS[r % TEXTS.length]!} (G${i}-${r})` }),
        reviewerName: `Google Couple ${i}-${r}`,
        createdAtMs: start + r * day + i * 60_000,
      });
    }
  }
  for (let i = 0; i < TRUSTPILOT_CONNECTIONS; i += 1) {
    trustpilot.addBusinessUnit(trustpilotUnit(i));
    for (let r = 0; r < TRUSTPILOT_REVIEWS_PER_UNIT; r += 1) {
      const review = trustpilot.addReview(trustpilotUnit(i), {
        stars: 5 - (r % 5),
        title: `Review ${r}`,
        text: `${TEXTS[(r + 1) % TEXTS.length]!} (T${i}-${r})`,
        consumerName: `Trustpilot Couple ${i}-${r}`,
      });
      trustpilotIds.push(review.id);
    }
  }
  for (let i = 0; i < FACEBOOK_CONNECTIONS; i += 1) {
    facebook.addPage(facebookPage(i), `Florist ${i}`);
    for (let r = 0; r < FACEBOOK_RATINGS_PER_PAGE; r += 1) {
      addFacebookRating(i, `${TEXTS[(r + 2) % TEXTS.length]!} (F${i}-${r})`, r % 4 === 3);
    }
  }
  for (let i = 0; i < YELP_CONNECTIONS; i += 1) {
    yelp.addBusiness(yelpBusiness(i));
    for (let r = 0; r < YELP_REVIEWS_PER_BUSINESS; r += 1) {
      const review = yelp.addReview(yelpBusiness(i), {
        rating: 5 - (r % 3),
        text: `${TEXTS[r % TEXTS.length]!} (Y${i}-${r}) ${'We would book them again for any event. '.repeat(5)}`,
        userName: `Yelp Couple ${i}-${r}`,
        createdAtMs: start + r * day,
      });
      yelpState.set(yelpBusiness(i), [...(yelpState.get(yelpBusiness(i)) ?? []), { ...review }]);
    }
  }
}

/** Every review the platforms hold now, as the product should store it. */
function platformReviews(): Expected[] {
  const expected: Expected[] = [];
  for (let i = 0; i < GOOGLE_CONNECTIONS * GOOGLE_LOCATIONS_EACH; i += 1) {
    for (const review of google.reviews(googleLocation(i))) {
      const stars = ['STAR_RATING_UNSPECIFIED', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'].indexOf(
        review.starRating,
      );
      expected.push({
        platform: 'google',
        externalId: review.reviewId,
        rating: stars > 0 ? stars : null,
        body: review.comment ?? '',
      });
    }
  }
  for (const review of trustpilotReviews()) {
    expected.push({ platform: 'trustpilot', externalId: review.id, rating: review.stars, body: review.text });
  }
  for (const rating of facebookRatings()) {
    expected.push({ platform: 'facebook', externalId: rating.storyId, rating: null, body: rating.text });
  }
  for (let i = 0; i < YELP_CONNECTIONS; i += 1) {
    for (const excerpt of yelpExcerpts(yelpBusiness(i))) {
      expected.push({ platform: 'yelp', externalId: excerpt.id, rating: excerpt.rating, body: excerpt.text });
    }
  }
  return expected;
}

// The fakes keep their reviews private; the tests track what they put there.
const trustpilotIds: string[] = [];
const facebookIds: string[] = [];

function trustpilotReviews() {
  return trustpilotIds.flatMap((id) => {
    const review = trustpilot.review(id);
    return review ? [review] : [];
  });
}

const facebookText = new Map<string, string>();
function addFacebookRating(page: number, text: string, negative = false): string {
  const rating = facebook.addRating(facebookPage(page), {
    recommendationType: negative ? 'negative' : 'positive',
    reviewText: text,
    reviewerName: `Facebook Couple ${page}-${facebookIds.length}`,
  });
  facebookIds.push(rating.storyId);
  facebookText.set(rating.storyId, text);
  return rating.storyId;
}
function facebookRatings(): { storyId: string; text: string }[] {
  return facebookIds
    .filter((id) => facebookText.has(id))
    .map((id) => ({ storyId: id, text: facebookText.get(id)! }));
}

const yelpState = new Map<string, { id: string; rating: number; text: string; createdAtMs: number }[]>();
function yelpExcerpts(business: string): { id: string; rating: number; text: string }[] {
  return [...(yelpState.get(business) ?? [])]
    .sort((a, b) => b.createdAtMs - a.createdAtMs)
    .slice(0, YELP_EXCERPTS)
    .map((r) => ({
      id: r.id,
      rating: r.rating,
      text: r.text.length > 160 ? `${r.text.slice(0, 160)}...` : r.text,
    }));
}

// ------------------------------------------------------------------------------------------------
// Reading what we stored

async function storedReviews(): Promise<StoredReview[]> {
  const all: StoredReview[] = [];
  for (const supplier of suppliers) {
    let cursor: string | undefined;
    do {
      const page = await stack.call(
        'GET',
        `/v1/reviews?limit=100&removed=include${cursor ? `&cursor=${cursor}` : ''}`,
        { key: supplier.apiKey },
      );
      expect(page.status).toBe(200);
      all.push(...(page.json.items as StoredReview[]));
      cursor = page.json.nextCursor as string | undefined;
    } while (cursor);
  }
  return all;
}

/** Waits until the Sync and Ingest queues stay empty (nothing visible, in flight or delayed). */
async function settled(what: string, timeoutMs = 120_000): Promise<void> {
  let quietSince: number | undefined;
  const left = async () =>
    `${what} (left: Sync ${await stack.queueDepth('Sync')}, its DLQ ${await stack.queueDepth('Sync', 'dlq')}, Ingest ${await stack.queueDepth('Ingest')})`;
  await eventually(
    async () => {
      const depth = (await stack.queueDepth('Sync')) + (await stack.queueDepth('Ingest'));
      if (depth > 0) {
        quietSince = undefined;
        return false;
      }
      quietSince ??= Date.now();
      return Date.now() - quietSince >= 1500;
    },
    what,
    timeoutMs,
  ).catch(async (error: unknown) => {
    throw new Error(`${(error as Error).message}: ${await left()}`);
  });
}

/**
 * Pairs of probes among audited `calls` whose calls overlap in time, described: each probe's span
 * runs from its first call's start to its last call's end (one admission may make several calls).
 */
function overlappingProbes(calls: readonly Record<string, unknown>[]): string[] {
  const spans = new Map<string, { fromMs: number; toMs: number }>();
  for (const item of calls) {
    if (typeof item.breakerProbeId !== 'string') continue;
    const toMs = Date.parse(String(item.at));
    const fromMs = toMs - Number(item.latencyMs);
    const span = spans.get(item.breakerProbeId);
    spans.set(item.breakerProbeId, {
      fromMs: Math.min(span?.fromMs ?? fromMs, fromMs),
      toMs: Math.max(span?.toMs ?? toMs, toMs),
    });
  }
  const ordered = [...spans].sort(([, x], [, y]) => x.fromMs - y.fromMs);
  return ordered.flatMap(([id, span], i) => {
    const [previousId, previous] = ordered[i - 1] ?? [];
    return previous && span.fromMs < previous.toMs
      ? [`${id} started ${previous.toMs - span.fromMs} ms before ${String(previousId)} ended`]
      : [];
  });
}

// ------------------------------------------------------------------------------------------------
// Watching the Google breaker

interface BreakerSighting {
  readonly version: number;
  readonly state: BreakerState;
}

function watchBreaker(platform: ConnectedPlatform): { stop(): Promise<BreakerSighting[]> } {
  const store = new DynamoPlatformBreakerStore(stack.doc, stack.tableName('PlatformBreakers'));
  const seen = new Map<number, BreakerSighting>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const current = await store.get(platform);
      if (current && !seen.has(current.version)) seen.set(current.version, current);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...seen.values()].sort((a, b) => a.version - b.version);
    },
  };
}

// ------------------------------------------------------------------------------------------------

beforeAll(async () => {
  seedPlatforms();
  oauth = {
    google: mountGoogleOAuth(google.server, {
      accounts: [
        {
          name: 'accounts/200',
          accountName: 'Florists Group',
          locations: Array.from({ length: GOOGLE_CONNECTIONS * GOOGLE_LOCATIONS_EACH }, (_, i) => ({
            name: `locations/${3001 + i}`,
            title: `Florist ${i}`,
          })),
        },
      ],
    }),
    facebook: mountFacebookOAuth(facebook.server, {
      pages: Array.from({ length: FACEBOOK_CONNECTIONS }, (_, i) => ({
        id: facebookPage(i),
        name: `Florist ${i}`,
      })),
    }),
    trustpilot: mountTrustpilotOAuth(trustpilot.server),
  };
  await Promise.all([google.start(), facebook.start(), trustpilot.start(), yelp.start()]);
  keyDir = mkdtempSync(join(tmpdir(), 'vault-key-'));
  // Read by the functions' threads (local overrides), so set before the stack starts.
  process.env.WEDSYNC_PLATFORM_ORIGINS = JSON.stringify({
    google: google.baseUrl,
    facebook: facebook.server.baseUrl,
    trustpilot: trustpilot.server.baseUrl,
    yelp: yelp.baseUrl,
  });
  process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE = join(keyDir, 'token-vault.key');
  // Deployed-like visibility: the 2 s of the other tests would redeliver pages still being worked on this busy machine.
  stack = await startTestStack({
    ownStore: true,
    syncSchedule: true,
    quietFunctions: true,
    visibilityTimeoutSeconds: 60,
  });
  const secrets = JSON.parse(stack.env.WEDSYNC_LOCAL_SECRETS!) as Record<string, string[]>;
  yelp.server.issueToken(
    'yelp-api-key',
    10 * 365 * 86_400_000,
    secrets[stack.env[secretDefinition('YelpApiKey').envVar]!]![0]!,
  );
  for (let i = 0; i < SUPPLIERS; i += 1) suppliers.push(await stack.newSupplier(`Florist ${i}`));
});

afterAll(async () => {
  await stack?.cleanup();
  await Promise.all([google.close(), facebook.close(), trustpilot.close(), yelp.close()]);
  delete process.env.WEDSYNC_PLATFORM_ORIGINS;
  delete process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE;
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

it('syncs 20 connections through 429s, an outage, token expiry, edits and deletions: nothing lost or doubled, rates kept, breaker respected, every call audited', async () => {
  // --- Connect 20 connections through the public API; each supplier keeps its own locations.
  const connections: {
    platform: ConnectedPlatform;
    connectionId: string;
    supplier: number;
    locations: string[];
  }[] = [];
  for (let s = 0; s < SUPPLIERS; s += 1) {
    const { apiKey } = suppliers[s]!;
    const plan: { body: { platform: string } & Record<string, string>; locations: string[] }[] = [];
    if (s < GOOGLE_CONNECTIONS) {
      plan.push({
        body: { platform: 'google' },
        locations: [googleLocation(2 * s), googleLocation(2 * s + 1)],
      });
    }
    if (s < TRUSTPILOT_CONNECTIONS)
      plan.push({
        body: { platform: 'trustpilot', businessUnitId: trustpilotUnit(s) },
        locations: [trustpilotUnit(s)],
      });
    if (s < FACEBOOK_CONNECTIONS) plan.push({ body: { platform: 'facebook' }, locations: [facebookPage(s)] });
    if (s < YELP_CONNECTIONS)
      plan.push({ body: { platform: 'yelp', businessId: yelpBusiness(s) }, locations: [yelpBusiness(s)] });
    for (const { body, locations } of plan) {
      const connected = await connectPlatform(stack.apiUrl, apiKey, body);
      expect(connected.status).toBe('active');
      if (body.platform === 'google' || body.platform === 'facebook') {
        const chosen = await stack.call('PUT', `/v1/connections/${connected.connectionId}/locations`, {
          key: apiKey,
          body: { locationIds: locations },
        });
        expect(chosen.status).toBe(200);
      }
      connections.push({
        platform: connected.platform,
        connectionId: connected.connectionId,
        supplier: s,
        locations,
      });
    }
  }
  expect(connections).toHaveLength(20);

  // --- Run 1: the first sync of everything, with faults injected as it goes.
  const isApi = (fake: { locationOf(r: FakeRequest): string | undefined }) => (r: FakeRequest) =>
    fake.locationOf(r) !== undefined;
  // Trustpilot: three 429s with Retry-After on listing calls, after the first two calls.
  let trustpilotCalls = 0;
  trustpilot.server.fault(
    {
      kind: 'status',
      response: { status: 429, headers: { 'retry-after': '2' }, json: { message: 'Too Many Requests' } },
    },
    3,
    (r) => isApi(trustpilot)(r) && (trustpilotCalls += 1) > 2,
  );
  // Facebook: the first answer reports the app's usage at 85 % (the app bucket pauses).
  facebook.reportUsage(85, 1);
  const breakerWatch = watchBreaker('google');
  let breakerSightings: BreakerSighting[] = [];
  let outage: { from: number; to: number } | undefined;
  let trustpilotExpired = false;
  const director = setInterval(() => {
    // Trustpilot's access tokens expire once its sync is under way.
    if (!trustpilotExpired && trustpilot.server.count(isApi(trustpilot)) >= 8) {
      trustpilotExpired = true;
      oauth.trustpilot.expireAccessTokens();
    }
    // Google goes down after ten calls, for OUTAGE_MS: 503s, and every third call hangs up.
    if (!outage && google.server.count(isApi(google)) >= 10) {
      outage = { from: Date.now(), to: Date.now() + OUTAGE_MS };
      let n = 0;
      google.server.fault(
        { kind: 'hang', hangMs: 1500 },
        Infinity,
        (r) => isApi(google)(r) && (n += 1) % 3 === 0,
      );
      google.server.fault(
        {
          kind: 'status',
          response: {
            status: 503,
            json: {
              error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' },
            },
          },
        },
        Infinity,
        isApi(google),
      );
      setTimeout(() => {
        google.server.clearFaults();
        outage = { ...outage!, to: Date.now() };
      }, OUTAGE_MS);
    }
  }, 20);
  await stack.syncSchedule!.runOnce();
  try {
    await settled('the first sync', SETTLE_TIMEOUT_MS);
  } finally {
    clearInterval(director);
    // The outage is over by now: the breaker's whole story is in the sightings.
    breakerSightings = await breakerWatch.stop();
  }
  expect(outage).toBeDefined();
  expect(trustpilotExpired).toBe(true);
  const afterFirst = await storedReviews();
  expect(afterFirst.length).toBe(platformReviews().length);

  // --- Between the runs: reviewers edit and delete, couples write new reviews.
  const deleted = new Set<string>();
  const edited = new Set<string>();
  for (let i = 0; i < GOOGLE_CONNECTIONS * GOOGLE_LOCATIONS_EACH; i += 1) {
    const location = googleLocation(i);
    const held = google.reviews(location);
    for (const [k, review] of [held[5]!, held[40]!].entries()) {
      google.editReview(location, review.reviewId, {
        rating: k === 0 ? 1 : 4,
        comment: `Edited after the wedding (G${i}-${review.reviewId.slice(-4)})`,
      });
      edited.add(`google/${review.reviewId}`);
    }
    google.deleteReview(location, held[50]!.reviewId);
    deleted.add(`google/${held[50]!.reviewId}`);
    google.addReview(location, { rating: 5, comment: `A new review (G${i})`, reviewerName: 'New Couple' });
  }
  for (let i = 0; i < TRUSTPILOT_CONNECTIONS; i += 1) {
    const unit = trustpilotReviews().filter((r) => r.businessUnitId === trustpilotUnit(i));
    for (const review of [unit[3]!, unit[70]!]) {
      trustpilot.editReview(review.id, { stars: 2, text: `Edited: it rained but they coped (T${i})` });
      edited.add(`trustpilot/${review.id}`);
    }
    trustpilot.deleteReview(unit[85]!.id);
    deleted.add(`trustpilot/${unit[85]!.id}`);
    for (let n = 0; n < 2; n += 1) {
      const review = trustpilot.addReview(trustpilotUnit(i), { stars: 4, text: `A new review ${n} (T${i})` });
      trustpilotIds.push(review.id);
    }
  }
  for (let i = 0; i < FACEBOOK_CONNECTIONS; i += 1) {
    const onPage = facebookIds.filter((id) => facebookText.get(id)?.includes(`(F${i}-`));
    const editedId = onPage[10]!;
    const text = `Edited: still the best florist (F${i}-edited)`;
    facebook.editRating(editedId, { reviewText: text });
    facebookText.set(editedId, text);
    edited.add(`facebook/${editedId}`);
    for (const gone of onPage.slice(30, 30 + FACEBOOK_DELETIONS_PER_PAGE)) {
      facebook.deleteRating(gone);
      facebookText.delete(gone);
      deleted.add(`facebook/${gone}`);
    }
    addFacebookRating(i, `A new recommendation (F${i}-new)`);
  }
  for (let i = 0; i < YELP_CONNECTIONS; i += 1) {
    const business = yelpBusiness(i);
    const newest = yelpExcerpts(business)[0]!;
    const text = `Edited on Yelp: the bouquet was perfect (Y${i})`;
    yelp.editReview(business, newest.id, { rating: 3, text });
    const held = yelpState.get(business)!.find((r) => r.id === newest.id)!;
    Object.assign(held, { rating: 3, text });
    edited.add(`yelp/${newest.id}`);
  }

  // --- Run 2: the schedule's next run; Google throttles twice and its access tokens expire mid-run.
  google.server.fault(
    {
      kind: 'status',
      response: {
        status: 429,
        json: {
          error: {
            code: 429,
            message: 'Quota exceeded',
            status: 'RESOURCE_EXHAUSTED',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
          },
        },
      },
    },
    2,
    isApi(google),
  );
  const googleCallsBefore = google.server.count(isApi(google));
  let googleExpired = false;
  const director2 = setInterval(() => {
    if (!googleExpired && google.server.count(isApi(google)) >= googleCallsBefore + 4) {
      googleExpired = true;
      oauth.google.expireAccessTokens();
    }
  }, 20);
  const refreshesBefore = oauth.google.countGrants('refresh_token');
  await stack.syncSchedule!.runOnce();
  try {
    await settled('the second sync', SETTLE_TIMEOUT_MS);
  } finally {
    clearInterval(director2);
  }
  expect(googleExpired).toBe(true);
  expect(oauth.google.countGrants('refresh_token')).toBeGreaterThan(refreshesBefore);
  expect(oauth.trustpilot.countGrants('refresh_token')).toBeGreaterThan(0);

  // --- The day's full sweep of every location (Yelp's listing is partial: no sweep removes there),
  // as the scheduler enqueues it at each location's slot: it brings in what incremental listings
  // cannot see (Trustpilot and Facebook edits) and re-fetches what it no longer saw (deletions).
  const sweepStart = new Date().toISOString();
  const sweeps: SyncMessage[] = connections
    .filter((c) => c.platform !== 'yelp')
    .flatMap((c) =>
      c.locations.map((locationId) => ({
        kind: 'sync' as const,
        mode: 'full' as const,
        connectionId: c.connectionId,
        supplierId: suppliers[c.supplier]!.supplierId,
        locationId,
        correlationId: `cor_sweep_${c.connectionId}_${locationId.replace(/\W/g, '')}`,
        startedAt: sweepStart,
      })),
    );
  await new SqsSyncQueue(stack.sqsClient, stack.queues.Sync.url).send(sweeps.map((message) => ({ message })));
  await settled('the full sweeps', SETTLE_TIMEOUT_MS);

  // --- 1. The stored reviews equal the platforms' reviews.
  const stored = await storedReviews();
  const key = (r: { platform: string; externalId?: string }) => `${r.platform}/${r.externalId}`;
  const byKey = new Map<string, StoredReview[]>();
  for (const review of stored) byKey.set(key(review), [...(byKey.get(key(review)) ?? []), review]);
  const doubled = [...byKey].filter(([, copies]) => copies.length > 1).map(([k]) => k);
  expect(doubled).toEqual([]);
  const expected = platformReviews();
  expect(expected.length).toBeGreaterThan(1900);
  const mismatches: string[] = [];
  for (const review of expected) {
    const copy = byKey.get(key(review))?.[0];
    if (!copy) mismatches.push(`${key(review)}: missing`);
    else if (copy.state !== 'active') mismatches.push(`${key(review)}: ${copy.state}`);
    else if (copy.rating !== review.rating || (copy.body ?? '') !== review.body)
      mismatches.push(
        `${key(review)}: stored ${copy.rating} "${copy.body}", platform ${review.rating} "${review.body}"`,
      );
  }
  expect(mismatches).toEqual([]);
  const expectedKeys = new Set(expected.map(key));
  const extra = stored.filter((r) => !expectedKeys.has(key(r)));
  expect(extra.map(key).sort()).toEqual([...deleted].sort());
  expect(extra.every((r) => r.state === 'removed')).toBe(true);
  expect(stored.filter((r) => r.state === 'active')).toHaveLength(expected.length);
  for (const edit of edited) expect(expectedKeys.has(edit)).toBe(true);
  // Yelp: exactly its three excerpts per business, said to be excerpts.
  const yelpStored = stored.filter((r) => r.platform === 'yelp');
  expect(yelpStored).toHaveLength(YELP_CONNECTIONS * YELP_EXCERPTS);
  expect(yelpStored.every((r) => r.excerpt === true)).toBe(true);
  expect(
    stored.filter((r) => r.platform === 'facebook').every((r) => r.rating === null && r.recommendation),
  ).toBe(true);

  // --- 2. The configured rates were never exceeded, per platform app and per location.
  const fakes = { google, trustpilot, facebook, yelp } as const;
  const overRate: string[] = [];
  for (const platform of ['google', 'trustpilot', 'facebook', 'yelp'] as const) {
    const fake = fakes[platform];
    const policy = QUOTA_POLICIES[platform];
    const calls = fake.server.requests.filter(isApi(fake));
    const groups = new Map<string, number[]>([[`${platform}/app`, calls.map((r) => r.at)]]);
    for (const call of calls) {
      const bucket = `${platform}/location/${fake.locationOf(call)}`;
      groups.set(bucket, [...(groups.get(bucket) ?? []), call.at]);
    }
    for (const [bucket, times] of groups) {
      const bucketPolicy = bucket.endsWith('/app') ? policy.app : policy.location;
      for (const windowMs of RATE_WINDOWS_MS) {
        const peak = peakInWindow(times, windowMs);
        const allowed =
          bucketPolicy.capacity + bucketPolicy.refillPerSecond * ((windowMs + RATE_SLACK_MS) / 1000);
        if (peak > allowed)
          overRate.push(`${bucket}: ${peak} calls in ${windowMs} ms (allowed ${allowed.toFixed(1)})`);
      }
    }
  }
  expect(overRate).toEqual([]);

  // --- 2b. Facebook's first answer reported 85 % usage: its app bucket stayed empty for the pause
  // the quota policy sets, so no Facebook call was admitted in it (judged on the audit trail, as in
  // 3; a call admitted while that answer was still on its way back may go, hence the grace).
  const usageAnsweredAt = facebook.server.requests.filter(isApi(facebook))[0]!.at;
  const pauseMs = tightenUntil('facebook', { usedRatio: 0.85 }, 0)!;
  const facebookAdmitted = (await stack.scanAll('Audit'))
    .filter(
      (item) =>
        item.platform === 'facebook' &&
        item.actionKind === 'call' &&
        (item.operation === 'list' || item.operation === 'get'),
    )
    .map((item) => Date.parse(String(item.at)) - Number(item.latencyMs) - Number(item.queuedMs));
  expect(
    facebookAdmitted
      .filter((at) => at >= usageAnsweredAt + USAGE_ANSWER_GRACE_MS && at < usageAnsweredAt + pauseMs)
      .map((at) => `admitted ${at - usageAnsweredAt} ms after the 85 % answer`),
  ).toEqual([]);
  expect(facebookAdmitted.some((at) => at >= usageAnsweredAt + pauseMs)).toBe(true);

  // --- 3. No call went to Google while its breaker was open, except the half-open probes. Judged
  // on the audit trail by when each call's admission read the breaker (`at` - latencyMs -
  // queuedMs): a call admitted while the breaker was still closed may reach the platform well after
  // it opened (token waits, a refresh, a busy machine), and is rightly no probe.
  const sightings = breakerSightings;
  const opened = sightings.filter((s) => s.state.status === 'open');
  expect(opened.length).toBeGreaterThan(0);
  const googleCalls = (await stack.scanAll('Audit')).filter(
    (item) =>
      item.platform === 'google' &&
      item.actionKind === 'call' &&
      (item.operation === 'list' || item.operation === 'get'),
  );
  // Every API call went through the gate (the audit says how).
  expect(googleCalls.filter((item) => typeof item.queuedMs !== 'number').map((item) => item.auditId)).toEqual(
    [],
  );
  const admittedAt = (item: Record<string, unknown>) =>
    Date.parse(String(item.at)) - Number(item.latencyMs) - Number(item.queuedMs);
  const describeCall = (item: Record<string, unknown>, fromMs: number) =>
    `${item.operation} admitted ${admittedAt(item) - fromMs} ms after opening, ${item.breakerProbe ? 'probe' : 'not a probe'}, ${String(item.httpStatus)}`;
  const intervals = [...new Map(opened.map((s) => [s.state.openedAtMs, s])).values()].map(
    ({ state, version }) => ({
      from: state.openedAtMs!,
      to: state.openUntilMs!,
      count: state.openCount,
      version,
    }),
  );
  // No call admitted inside a cool-down (bar the admissions that read the breaker as it opened).
  const intoOpen = intervals.flatMap(({ from, to }) =>
    googleCalls
      .filter((item) => admittedAt(item) >= from + BREAKER_GRACE_MS && admittedAt(item) < to)
      .map((item) => describeCall(item, from)),
  );
  expect(intoOpen).toEqual([]);
  // Between a cool-down's end and the next opening, with no close seen in between, only probes were
  // admitted (one at a time: below). A close in between (the probe succeeded; the breaker may open
  // again later) lets calls through, rightly.
  for (let k = 0; k + 1 < intervals.length; k += 1) {
    const [current, next] = [intervals[k]!, intervals[k + 1]!];
    const closedBetween = sightings.some(
      (s) => s.version > current.version && s.version < next.version && s.state.status === 'closed',
    );
    // A close resets `openCount`: a count that did not grow means one was missed between sightings.
    if (closedBetween || next.count <= current.count) continue;
    // From the cool-down's end, but not within the grace after the opening: a probe that failed
    // after its call timed out re-opens with no cool-down left (it runs from the probe's start),
    // and a call that read the breaker as it opened is no probe, rightly (seen: "list admitted
    // 496 ms after opening, not a probe, 200").
    const judgedFrom = Math.max(current.to, current.from + BREAKER_GRACE_MS);
    const between = googleCalls
      .filter((item) => admittedAt(item) >= judgedFrom && admittedAt(item) < next.from)
      .sort((x, y) => admittedAt(x) - admittedAt(y));
    // A close the sightings missed: the first probe answered 200 closed the breaker; calls admitted
    // after it are not probes and are not judged here.
    const firstSuccess = between.findIndex((item) => item.breakerProbe === true && item.httpStatus === 200);
    const judged = firstSuccess === -1 ? between : between.slice(0, firstSuccess + 1);
    expect(
      judged.filter((item) => item.breakerProbe !== true).map((item) => describeCall(item, current.from)),
    ).toEqual([]);
    // Each probe call carries its admission's claim (one admission may make several calls: a
    // targeted sync's gets, a retry after a token refresh).
    expect(
      judged
        .filter((item) => typeof item.breakerProbeId !== 'string')
        .map((item) => describeCall(item, current.from)),
    ).toEqual([]);
  }
  // Probes went one at a time. The breaker hands the probe to one caller (compare-and-set) and
  // takes it back only with its result, a give-back or the end of its lease, each after that
  // probe's calls ended; so no probe's calls overlap another's. Judged on the calls' own times
  // (the audit's `at` is when a call ended, `at` - latencyMs no earlier than when it started), not
  // on admissions dated by the gate's read of the breaker: a read comes before its claim by a
  // compare-and-set round, so counting claims between two openings by their reads put a claim
  // made after the second opening before it (CI, two jest workers: 2 claims, 1 re-opening).
  expect(overlappingProbes(googleCalls)).toEqual([]);
  // The breaker that opened was closed again by a probe that succeeded (it is closed at the end).
  expect(googleCalls.some((item) => item.breakerProbe === true && item.httpStatus === 200)).toBe(true);
  expect(sightings[sightings.length - 1]!.state.status).toBe('closed');

  // --- 4. Every call a fake saw is in the audit trail, with the status the fake answered.
  const consent = /\/(o\/oauth2\/v2\/auth|v\d+\.\d+\/dialog\/oauth)$|^\/$/;
  const audited = new Map<string, (number | 'none')[]>();
  for (const supplier of suppliers) {
    let cursor: string | undefined;
    do {
      const page = await stack.call('GET', `/v1/audit?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        key: supplier.apiKey,
      });
      expect(page.status).toBe(200);
      for (const entry of page.json.items as { platform: string; kind: string; httpStatus?: number }[]) {
        if (entry.kind !== 'call') continue;
        audited.set(entry.platform, [...(audited.get(entry.platform) ?? []), entry.httpStatus ?? 'none']);
      }
      cursor = page.json.nextCursor as string | undefined;
    } while (cursor);
  }
  for (const platform of ['google', 'trustpilot', 'facebook', 'yelp'] as const) {
    const server = fakes[platform].server;
    const seen = server.requests
      .filter((r) => !consent.test(r.path))
      .map((r) => server.statusOf(r) ?? 'none');
    const sort = (statuses: (number | 'none')[]) => statuses.map(String).sort();
    expect({ platform, statuses: sort(audited.get(platform) ?? []) }).toEqual({
      platform,
      statuses: sort(seen),
    });
  }
});
