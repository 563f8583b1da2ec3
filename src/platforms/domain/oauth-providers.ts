/**
 * Each platform's OAuth facts (../shared/PLATFORMS.md §1, §2, §5, §6), as data: where the consent
 * screen and token endpoints are, what the authorization request must say, and how long before an
 * access token's expiry we refresh it. Yelp has no OAuth (an app API key), so it has no entry.
 *
 * Every URL is absolute on the real platform; `withOrigin` swaps the scheme, host and port for
 * another (the local mode's fake platform servers keep the real paths).
 */
import type { ConnectedPlatform } from './platform';

export type OAuthPlatform = Exclude<ConnectedPlatform, 'yelp'>;

export const OAUTH_PLATFORMS: readonly OAuthPlatform[] = ['google', 'facebook', 'trustpilot'];

export const isOAuthPlatform = (platform: ConnectedPlatform): platform is OAuthPlatform =>
  platform !== 'yelp';

/** The Graph API version we pin (PLATFORMS.md §2: pin it explicitly). */
export const FACEBOOK_GRAPH_VERSION = 'v21.0';

export interface OAuthProvider {
  readonly platform: OAuthPlatform;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  /** Trustpilot refreshes on its own endpoint. */
  readonly refreshUrl: string;
  /** Where a grant is revoked on disconnect, if the platform offers it. */
  readonly revokeUrl?: string;
  readonly scopes: readonly string[];
  /** Extra authorization request parameters. */
  readonly authorizeParams: Readonly<Record<string, string>>;
  /** How the client authenticates at the token endpoint. */
  readonly clientAuth: 'body' | 'basic';
  /**
   * Refresh when less than this is left. Trustpilot's token lasts 100 h and refreshing early is
   * throttled (429), so it is refreshed only in its last minutes; Google's lasts about an hour.
   */
  readonly refreshMarginMs: number;
  /** Does the platform accept PKCE? (Google does; the others ignore it, it is sent anyway.) */
  readonly pkce: boolean;
}

const graph = `https://graph.facebook.com/${FACEBOOK_GRAPH_VERSION}`;

export const OAUTH_PROVIDERS: Readonly<Record<OAuthPlatform, OAuthProvider>> = {
  google: {
    platform: 'google',
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    refreshUrl: 'https://oauth2.googleapis.com/token',
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
    scopes: ['https://www.googleapis.com/auth/business.manage'],
    // offline: the first exchange returns a refresh token; consent: one is issued again on reconnect.
    authorizeParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
    clientAuth: 'body',
    refreshMarginMs: 60_000,
    pkce: true,
  },
  facebook: {
    platform: 'facebook',
    authorizeUrl: `https://www.facebook.com/${FACEBOOK_GRAPH_VERSION}/dialog/oauth`,
    tokenUrl: `${graph}/oauth/access_token`,
    // A long-lived user token is not refreshed; Page tokens made from it do not expire.
    refreshUrl: `${graph}/oauth/access_token`,
    revokeUrl: `${graph}/me/permissions`,
    scopes: [
      'pages_show_list',
      'pages_read_engagement',
      'pages_read_user_content',
      'pages_manage_engagement',
      'pages_manage_metadata',
    ],
    authorizeParams: {},
    clientAuth: 'body',
    refreshMarginMs: 60_000,
    pkce: true,
  },
  trustpilot: {
    platform: 'trustpilot',
    authorizeUrl: 'https://authenticate.trustpilot.com',
    tokenUrl: 'https://api.trustpilot.com/v1/oauth/oauth-business-users-for-applications/accesstoken',
    refreshUrl: 'https://api.trustpilot.com/v1/oauth/oauth-business-users-for-applications/refresh',
    scopes: [],
    authorizeParams: {},
    clientAuth: 'basic',
    refreshMarginMs: 10 * 60_000,
    pkce: true,
  },
};

/** Google's account and location listings (Account Management and Business Information v1). */
export const GOOGLE_ACCOUNTS_URL = 'https://mybusinessaccountmanagement.googleapis.com/v1/accounts';
export const googleLocationsUrl = (accountName: string): string =>
  `https://mybusinessbusinessinformation.googleapis.com/v1/${accountName}/locations?readMask=name,title&pageSize=100`;
export const FACEBOOK_ACCOUNTS_URL = `${graph}/me/accounts?fields=id,name,access_token&limit=100`;

/** The same URL on another origin (the fakes keep the real paths); unchanged without one. */
export function withOrigin(url: string, origin: string | undefined): string {
  if (!origin) return url;
  const real = new URL(url);
  const target = new URL(origin);
  real.protocol = target.protocol;
  real.host = target.host;
  return real.toString();
}

/** The consent screen URL the supplier is sent to. */
export function authorizationUrl(
  provider: OAuthProvider,
  input: { clientId: string; redirectUri: string; state: string; codeChallenge: string },
  origin?: string,
): string {
  const url = new URL(withOrigin(provider.authorizeUrl, origin));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  if (provider.scopes.length > 0) {
    url.searchParams.set('scope', provider.scopes.join(provider.platform === 'facebook' ? ',' : ' '));
  }
  url.searchParams.set('state', input.state);
  url.searchParams.set('code_challenge', input.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  for (const [name, value] of Object.entries(provider.authorizeParams)) url.searchParams.set(name, value);
  return url.toString();
}

/** A token endpoint's answer, normalised. */
export interface TokenGrant {
  readonly accessToken: string;
  /** Absent when the platform did not issue (or rotate) one: keep the old one (RFC 6749 §6). */
  readonly refreshToken?: string;
  readonly expiresInSeconds?: number;
}

/** Reads a token endpoint's JSON answer (RFC 6749 §5.1); undefined when it is not one. */
export function parseTokenGrant(body: unknown): TokenGrant | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  // Trustpilot names them in camelCase.
  const access = fields.access_token ?? fields.accessToken;
  const refresh = fields.refresh_token ?? fields.refreshToken;
  const expires = fields.expires_in ?? fields.expiresIn;
  if (typeof access !== 'string' || access.length === 0) return undefined;
  const seconds = typeof expires === 'string' ? Number(expires) : expires;
  return {
    accessToken: access,
    ...(typeof refresh === 'string' && refresh.length > 0 ? { refreshToken: refresh } : {}),
    ...(typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
      ? { expiresInSeconds: seconds }
      : {}),
  };
}
