/**
 * The platform side of the bench (issue 8): the fake Google, Trustpilot and Facebook servers with
 * the bench's reviews, started before the local stack (the functions read their origins from
 * WEDSYNC_PLATFORM_ORIGINS when their threads start), and the suppliers connected to them through
 * the public API, as a supplier would (the fakes' consent pages approve at once).
 *
 * One supplier per connection, so a supplier's stored reviews are exactly its platform's:
 * - Google: one connection with GOOGLE_LOCATIONS locations,
 * - Trustpilot: TRUSTPILOT_UNITS connections (one business unit each),
 * - Facebook: one connection with FACEBOOK_PAGES Pages.
 * Every location starts with the same number of reviews; the fakes keep their documented quotas.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConnectedPlatform } from '../src/platforms';
import { createSupplierWithKey } from '../src/access/use-cases/create-supplier';
import { DynamoTenantStore } from '../src/reviews/adapters/dynamo-records';
import { DynamoPlatformSyncStore } from '../src/platforms/adapters/platform-sync-store';
import { tableDefinition } from '../src/catalog/tables';
import { functionDefinition } from '../src/catalog/functions';
import { countStoredReviews } from '../local/inspect';
import type { LocalStack } from '../local/stack';
import { startSyncSchedule, type LocalSyncSchedule } from '../local/sync-schedule';
import { connectPlatform } from '../local/platform-fakes/demo';
import type { FakePlatformServer } from '../local/platform-fakes/fake-platform-server';
import { FakeFacebook } from '../local/platform-fakes/facebook';
import { FakeGoogleBusinessProfile } from '../local/platform-fakes/google';
import { mountFacebookOAuth, mountGoogleOAuth, mountTrustpilotOAuth } from '../local/platform-fakes/oauth';
import { FakeTrustpilot } from '../local/platform-fakes/trustpilot';
import { benchReview } from './support';

export const GOOGLE_LOCATIONS = 4;
export const TRUSTPILOT_UNITS = 2;
export const FACEBOOK_PAGES = 2;
const GOOGLE_ACCOUNT = '700';

type BenchPlatform = Exclude<ConnectedPlatform, 'yelp'>;

export interface BenchPlatforms {
  readonly google: FakeGoogleBusinessProfile;
  readonly trustpilot: FakeTrustpilot;
  readonly facebook: FakeFacebook;
  /** Location ids as the connections name them, per platform. */
  readonly locations: Readonly<Record<BenchPlatform, readonly string[]>>;
  server(platform: BenchPlatform): FakePlatformServer;
  /** Adds `count` reviews to a location, as couples write them; returns how many it now has. */
  addReviews(platform: BenchPlatform, locationId: string, count: number): number;
  /** Reviews on the platform for these locations (the bench never deletes any). */
  reviewsOn(platform: BenchPlatform, locationIds: readonly string[]): number;
  close(): Promise<void>;
}

/**
 * Starts the three fakes with `reviewsPerLocation` reviews in each location and points the local
 * mode at them (WEDSYNC_PLATFORM_ORIGINS, and a throw-away token vault key file): call it before
 * `startLocalStack`.
 */
export async function startBenchPlatforms(reviewsPerLocation: number): Promise<BenchPlatforms> {
  const google = new FakeGoogleBusinessProfile();
  const trustpilot = new FakeTrustpilot();
  const facebook = new FakeFacebook();
  const googleIds = Array.from({ length: GOOGLE_LOCATIONS }, (_, i) => String(7001 + i));
  mountGoogleOAuth(google.server, {
    accounts: [
      {
        name: `accounts/${GOOGLE_ACCOUNT}`,
        accountName: 'Bench Florists',
        locations: googleIds.map((id) => ({ name: `locations/${id}`, title: `Bench Florists ${id}` })),
      },
    ],
  });
  const pages = Array.from({ length: FACEBOOK_PAGES }, (_, i) => ({
    id: String(8800001 + i),
    name: `Bench Page ${i + 1}`,
  }));
  mountFacebookOAuth(facebook.server, { pages });
  mountTrustpilotOAuth(trustpilot.server);
  const locations: Record<BenchPlatform, string[]> = {
    google: googleIds.map((id) => google.addLocation(GOOGLE_ACCOUNT, id)),
    trustpilot: Array.from({ length: TRUSTPILOT_UNITS }, (_, i) => `bu-bench-${i + 1}`),
    facebook: pages.map((page) => page.id),
  };
  for (const unit of locations.trustpilot) trustpilot.addBusinessUnit(unit);
  for (const page of pages) facebook.addPage(page.id, page.name);

  const added = new Map<string, number>();
  const key = (platform: BenchPlatform, locationId: string) => `${platform}#${locationId}`;
  let serial = 0;
  const addReviews = (platform: BenchPlatform, locationId: string, count: number): number => {
    for (let n = 0; n < count; n += 1) {
      const i = (serial += 1);
      const review = benchReview(i);
      if (platform === 'google') {
        google.addReview(locationId, {
          rating: review.rating,
          comment: review.body,
          reviewerName: `Google Couple ${i}`,
        });
      } else if (platform === 'trustpilot') {
        trustpilot.addReview(locationId, {
          stars: review.rating,
          title: review.title,
          text: review.body,
          consumerName: `Trustpilot Couple ${i}`,
        });
      } else {
        facebook.addRating(locationId, {
          recommendationType: review.rating >= 3 ? 'positive' : 'negative',
          reviewText: review.body,
          reviewerName: `Facebook Couple ${i}`,
        });
      }
    }
    const total = (added.get(key(platform, locationId)) ?? 0) + count;
    added.set(key(platform, locationId), total);
    return total;
  };
  for (const platform of ['google', 'trustpilot', 'facebook'] as const) {
    for (const locationId of locations[platform]) addReviews(platform, locationId, reviewsPerLocation);
  }

  await Promise.all([google.start(), trustpilot.start(), facebook.start()]);
  const keyDir = mkdtempSync(join(tmpdir(), 'bench-vault-'));
  process.env.WEDSYNC_PLATFORM_ORIGINS = JSON.stringify({
    google: google.baseUrl,
    trustpilot: trustpilot.server.baseUrl,
    facebook: facebook.server.baseUrl,
  });
  process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE = join(keyDir, 'token-vault.key');
  const servers: Record<BenchPlatform, FakePlatformServer> = {
    google: google.server,
    trustpilot: trustpilot.server,
    facebook: facebook.server,
  };
  return {
    google,
    trustpilot,
    facebook,
    locations,
    server: (platform) => servers[platform],
    addReviews,
    reviewsOn: (platform, ids) => ids.reduce((sum, id) => sum + (added.get(key(platform, id)) ?? 0), 0),
    close: async () => {
      await Promise.all([google.close(), trustpilot.close(), facebook.close()]);
      delete process.env.WEDSYNC_PLATFORM_ORIGINS;
      delete process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE;
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** One connection of the bench, with the supplier that owns it (one connection per supplier). */
export interface BenchConnection {
  readonly platform: BenchPlatform;
  readonly supplierId: string;
  readonly apiKey: string;
  readonly connectionId: string;
  readonly locationIds: readonly string[];
}

/** What the platform phases share: the fakes, the connections, the schedule and the store. */
export interface PlatformBench {
  readonly stack: LocalStack;
  readonly platforms: BenchPlatforms;
  readonly connections: readonly BenchConnection[];
  /** The SyncScheduler in its own function thread; the bench runs it (its timer never fires). */
  readonly schedule: LocalSyncSchedule;
  readonly doc: DynamoDBDocumentClient;
  readonly reviewsTable: string;
  /** Stored reviews of a connection's supplier (= of that connection). */
  stored(connection: BenchConnection): Promise<number>;
  /** Reviews the platform holds for a connection's locations. */
  expected(connection: BenchConnection): number;
  stop(): Promise<void>;
}

/** Creates the suppliers, connects them through the API and starts the schedule's thread. */
export async function preparePlatformBench(
  stack: LocalStack,
  platforms: BenchPlatforms,
  log: (line: string) => void,
): Promise<PlatformBench> {
  const doc = DynamoDBDocumentClient.from(stack.dynamoClient);
  const tenants = new DynamoTenantStore(doc, stack.env[tableDefinition('Tenants').envVar]!);
  const reviewsTable = stack.env[tableDefinition('Reviews').envVar]!;
  const plan: {
    platform: BenchPlatform;
    body: { platform: string } & Record<string, string>;
    locationIds: readonly string[];
  }[] = [
    { platform: 'google', body: { platform: 'google' }, locationIds: platforms.locations.google },
    ...platforms.locations.trustpilot.map((unit) => ({
      platform: 'trustpilot' as const,
      body: { platform: 'trustpilot', businessUnitId: unit },
      locationIds: [unit],
    })),
    { platform: 'facebook', body: { platform: 'facebook' }, locationIds: platforms.locations.facebook },
  ];
  const connections: BenchConnection[] = [];
  for (const [index, { platform, body, locationIds }] of plan.entries()) {
    const supplier = await createSupplierWithKey(tenants, { name: `Bench ${platform} ${index + 1}` });
    const connected = await connectPlatform(stack.apiUrl, supplier.apiKey, body);
    if (connected.status !== 'active')
      throw new Error(`bench: ${platform} connection is ${connected.status}`);
    connections.push({ platform, ...supplier, connectionId: connected.connectionId, locationIds });
  }
  // Each location's daily full sweep is claimed for today and tomorrow before the first run: the
  // sweep lists every review again, and whether it is due depends on the hour (sweepSlotMinute),
  // so without this the work (and the rate) would change with the time of day. Measured here: one
  // listing of each review, as the raw baseline writes each item once.
  const ledger = new DynamoPlatformSyncStore(doc, stack.env[tableDefinition('PlatformSync').envVar]!);
  const today = new Date();
  const days = [today, new Date(today.getTime() + 86_400_000)].map((d) => d.toISOString().slice(0, 10));
  for (const connection of connections) {
    for (const locationId of connection.locationIds) {
      for (const day of days) await ledger.claimDailySweep(connection.connectionId, locationId, day);
    }
  }
  log(`platforms: ${connections.length} connections (${plan.map((p) => p.platform).join(', ')}) active`);
  // The period is a day: the bench runs the schedule itself, when its phases say syncs are due.
  const schedule = await startSyncSchedule(
    stack.functionEnv(functionDefinition('SyncScheduler')),
    stack.region,
    log,
    86_400_000,
  );
  return {
    stack,
    platforms,
    connections,
    schedule,
    doc,
    reviewsTable,
    stored: (connection) => countStoredReviews(doc, reviewsTable, connection.supplierId),
    expected: (connection) => platforms.reviewsOn(connection.platform, connection.locationIds),
    stop: () => schedule.stop(),
  };
}

/** API requests that reached a fake since `fromIndex` of its request log (OAuth and consent pages left out). */
export function apiCallsSince(server: FakePlatformServer, fromIndex: number): number {
  return server.requests.slice(fromIndex).filter((r) => !isOAuthPath(r.path)).length;
}

/** Listing calls per location since `fromIndex` (the calls the quota buckets were charged for). */
export function listingCallsPerLocation(
  platform: BenchPlatform,
  server: FakePlatformServer,
  fromIndex: number,
  locationIds: readonly string[],
): number[] {
  const requests = server.requests.slice(fromIndex);
  return locationIds.map(
    (id) =>
      requests.filter((r) => {
        if (platform === 'google') return r.path === `/v4/${id}/reviews`;
        if (platform === 'trustpilot') return r.path === `/v1/private/business-units/${id}/reviews`;
        return r.path.endsWith(`/${id}/ratings`);
      }).length,
  );
}

const isOAuthPath = (path: string): boolean =>
  path === '/' ||
  path === '/token' ||
  path === '/revoke' ||
  path.startsWith('/o/oauth2/') ||
  path.startsWith('/v1/oauth/') ||
  path.startsWith('/v1/accounts') ||
  /^\/v\d+\.\d+\/(dialog\/oauth|oauth\/|me\/)/.test(path);
