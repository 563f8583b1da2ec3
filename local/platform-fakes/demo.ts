/**
 * The four fake platforms with demo data, for `npm start` and the end-to-end tests: each fake
 * serves its review API and (Google, Facebook, Trustpilot) its OAuth endpoints on one loopback
 * origin. `origins` goes into WEDSYNC_PLATFORM_ORIGINS before the local stack starts, so the
 * functions call the fakes instead of the real hosts; `connectAll` connects a supplier to every
 * platform through the public API (the fakes' consent pages approve at once).
 */
import type { ConnectedPlatform } from '../../src/platforms';
import { FakeFacebook } from './facebook';
import { FakeGoogleBusinessProfile } from './google';
import { mountFacebookOAuth, mountGoogleOAuth, mountTrustpilotOAuth, type FakeOAuth } from './oauth';
import { FakeTrustpilot } from './trustpilot';
import { FakeYelp } from './yelp';

/** The demo's platform accounts (the OAuth fakes' defaults name the same ones). */
export const DEMO_GOOGLE_LOCATIONS = ['accounts/100/locations/1001', 'accounts/100/locations/1002'] as const;
export const DEMO_FACEBOOK_PAGE = '5550001';
export const DEMO_TRUSTPILOT_UNIT = 'bu-rose-garden';
/** The demo unit's business user, whom replies are written as (given when connecting). */
export const DEMO_TRUSTPILOT_BUSINESS_USER = 'bu-user-rose-garden-owner';
export const DEMO_YELP_BUSINESS = 'rose-garden-weddings-bath';

const COMMENTS = [
  'The flowers were stunning and arrived early.',
  'Lovely team, the bouquets matched our colours perfectly.',
  'Good value, though the buttonholes were a little late.',
  'Absolutely beautiful arch, our guests loved it.',
  'Communication could have been better but the result was great.',
  'Not what we ordered: wrong colours and wilted roses.',
];

export interface DemoPlatforms {
  readonly google: FakeGoogleBusinessProfile;
  readonly facebook: FakeFacebook;
  readonly trustpilot: FakeTrustpilot;
  readonly yelp: FakeYelp;
  readonly oauth: {
    readonly google: FakeOAuth;
    readonly facebook: FakeOAuth;
    readonly trustpilot: FakeOAuth;
  };
  readonly origins: Record<ConnectedPlatform, string>;
  /** Registers the local Yelp API key (the YelpApiKey secret's local value) with the Yelp fake. */
  acceptYelpKey(apiKey: string): void;
  close(): Promise<void>;
}

export interface DemoOptions {
  /** Reviews per Google location (default 25 and 10). */
  readonly googleReviews?: readonly [number, number];
  readonly facebookRatings?: number;
  readonly trustpilotReviews?: number;
}

export async function startDemoPlatforms(options: DemoOptions = {}): Promise<DemoPlatforms> {
  const google = new FakeGoogleBusinessProfile();
  const facebook = new FakeFacebook();
  const trustpilot = new FakeTrustpilot();
  const yelp = new FakeYelp();
  const oauth = {
    google: mountGoogleOAuth(google.server),
    facebook: mountFacebookOAuth(facebook.server),
    trustpilot: mountTrustpilotOAuth(trustpilot.server),
  };
  const [googleCount, secondCount] = options.googleReviews ?? [25, 10];
  const dayMs = 86_400_000;
  const start = Date.now() - 60 * dayMs;
  for (const [index, location] of DEMO_GOOGLE_LOCATIONS.entries()) {
    const [account, id] = [location.split('/')[1]!, location.split('/')[3]!];
    google.addLocation(account, id);
    const count = index === 0 ? googleCount : secondCount;
    for (let i = 0; i < count; i += 1) {
      google.addReview(location, {
        rating: (i % 5) + 1,
        // Every seventh review is rating-only; every eleventh is anonymous.
        ...(i % 7 === 3 ? {} : { comment: COMMENTS[i % COMMENTS.length]! }),
        anonymous: i % 11 === 5,
        reviewerName: `Google Couple ${i + 1}`,
        createdAtMs: start + i * dayMs,
      });
    }
  }
  facebook.addPage(DEMO_FACEBOOK_PAGE, 'Rose Garden Weddings');
  for (let i = 0; i < (options.facebookRatings ?? 6); i += 1) {
    facebook.addRating(DEMO_FACEBOOK_PAGE, {
      recommendationType: i % 4 === 3 ? 'negative' : 'positive',
      reviewText: COMMENTS[(i + 2) % COMMENTS.length]!,
      reviewerName: `Facebook Couple ${i + 1}`,
    });
  }
  trustpilot.addBusinessUnit(DEMO_TRUSTPILOT_UNIT);
  trustpilot.addBusinessUser(DEMO_TRUSTPILOT_UNIT, DEMO_TRUSTPILOT_BUSINESS_USER);
  for (let i = 0; i < (options.trustpilotReviews ?? 8); i += 1) {
    trustpilot.addReview(DEMO_TRUSTPILOT_UNIT, {
      stars: 5 - (i % 5),
      title: `Trustpilot review ${i + 1}`,
      text: COMMENTS[(i + 1) % COMMENTS.length]!,
      consumerName: `Trustpilot Couple ${i + 1}`,
    });
  }
  yelp.addBusiness(DEMO_YELP_BUSINESS);
  for (let i = 0; i < 5; i += 1) {
    yelp.addReview(DEMO_YELP_BUSINESS, {
      rating: 5 - (i % 3),
      text: `${COMMENTS[i % COMMENTS.length]!} ${'We would book them again for any event. '.repeat(6)}`,
      userName: `Yelp Couple ${i + 1}`,
    });
  }
  await Promise.all([google.start(), facebook.start(), trustpilot.start(), yelp.start()]);
  return {
    google,
    facebook,
    trustpilot,
    yelp,
    oauth,
    origins: {
      google: google.baseUrl,
      facebook: facebook.server.baseUrl,
      trustpilot: trustpilot.server.baseUrl,
      yelp: yelp.baseUrl,
    },
    acceptYelpKey: (apiKey) => {
      yelp.server.issueToken('yelp-api-key', 10 * 365 * 86_400_000, apiKey);
    },
    close: async () => {
      await Promise.all([google.close(), facebook.close(), trustpilot.close(), yelp.close()]);
    },
  };
}

export interface ConnectedDemo {
  readonly platform: ConnectedPlatform;
  readonly connectionId: string;
  readonly status: string;
}

/** Connects the supplier to all four platforms through the public API, as a supplier would. */
export async function connectAll(apiUrl: string, apiKey: string): Promise<ConnectedDemo[]> {
  const bodies: ({ platform: ConnectedPlatform } & Record<string, string>)[] = [
    { platform: 'google' },
    { platform: 'facebook' },
    {
      platform: 'trustpilot',
      businessUnitId: DEMO_TRUSTPILOT_UNIT,
      authorBusinessUserId: DEMO_TRUSTPILOT_BUSINESS_USER,
    },
    { platform: 'yelp', businessId: DEMO_YELP_BUSINESS },
  ];
  const connected: ConnectedDemo[] = [];
  for (const body of bodies) connected.push(await connectPlatform(apiUrl, apiKey, body));
  return connected;
}

/**
 * Connects the supplier to one platform through the public API (`body` is POST /v1/connections'
 * body): starts the connection and, for OAuth platforms, follows the fake consent page (which
 * approves at once) back to the public callback.
 */
export async function connectPlatform(
  apiUrl: string,
  apiKey: string,
  body: { readonly platform: string } & Record<string, string>,
): Promise<ConnectedDemo> {
  const platform = body.platform as ConnectedPlatform;
  const started = await fetch(`${apiUrl}/v1/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await started.json()) as {
    connection: { connectionId: string; status: string };
    authorizationUrl?: string;
  };
  if (started.status !== 201)
    throw new Error(`connect ${platform}: ${started.status} ${JSON.stringify(answer)}`);
  let status = answer.connection.status;
  if (answer.authorizationUrl) {
    // The fake consent page approves at once and redirects to our public callback.
    const consent = await fetch(answer.authorizationUrl, { redirect: 'manual' });
    const callback = consent.headers.get('location');
    if (consent.status !== 302 || !callback)
      throw new Error(`connect ${platform}: consent answered ${consent.status}`);
    const finished = await fetch(callback);
    const connection = (await finished.json()) as { status?: string };
    if (finished.status !== 200)
      throw new Error(`connect ${platform}: callback ${finished.status} ${JSON.stringify(connection)}`);
    status = connection.status ?? status;
  }
  return { platform, connectionId: answer.connection.connectionId, status };
}
