/**
 * Fake OAuth endpoints of the platforms, mounted on a FakePlatformServer at the real paths (the
 * client swaps only the origin): authorize (auto-approving by default: a 302 back to the
 * redirect_uri with code and state, so tests and the local demo run without a browser), token
 * (code exchange with PKCE S256 and client authentication; refresh), revoke, and the account
 * listings the connect flow reads (Google accounts/locations, Facebook /me/accounts). Access tokens
 * come from the server's `issueToken`, so the platform's API routes on the same server accept them.
 * Refresh tokens rotate or not (switch), can be revoked or killed, and a dead one answers
 * `invalid_grant` (Google, Trustpilot) or error 190 (Facebook).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FakePlatformServer, FakeRequest, FakeResponse } from './fake-platform-server';

export interface FakeOAuthOptions {
  /** Client credentials the token endpoint requires (any when unset). */
  clientId?: string;
  clientSecret?: string;
  /** Each refresh returns a new refresh token and kills the old one (default false). */
  rotateRefreshTokens?: boolean;
  /** `approve` (default): 302 with a code; `deny`: 302 with error=access_denied. */
  consent?: 'approve' | 'deny';
  accessTokenTtlMs?: number;
}

interface IssuedCode {
  readonly redirectUri: string;
  readonly challenge?: string;
  readonly subject: string;
  used: boolean;
}

interface RefreshGrant {
  readonly subject: string;
  alive: boolean;
  /** Access tokens issued with it (revoked with it). */
  readonly accessTokens: string[];
  readonly issuedAtMs: number;
}

/** What a test controls and inspects of one platform's fake OAuth. */
export class FakeOAuth {
  readonly codes = new Map<string, IssuedCode>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
  /** Token endpoint calls by grant type, for tests to count refreshes. */
  readonly grants: { grantType: string; at: number }[] = [];

  constructor(
    readonly server: FakePlatformServer,
    readonly options: FakeOAuthOptions,
  ) {}

  /** Kills every refresh token (the user revoked access, or the token aged out). */
  killRefreshTokens(): void {
    for (const grant of this.refreshTokens.values()) grant.alive = false;
  }

  /** Revokes one refresh token and the access tokens issued with it. */
  revoke(refreshToken: string): boolean {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant) return false;
    grant.alive = false;
    for (const token of grant.accessTokens) {
      const issued = this.server.tokens.get(token);
      if (issued) issued.revoked = true;
    }
    return true;
  }

  /** Expires every access token now (the next API call gets a 401). */
  expireAccessTokens(): void {
    for (const [value, token] of this.server.tokens) {
      this.server.tokens.set(value, { ...token, expiresAtMs: Date.now() - 1 });
    }
  }

  liveRefreshTokens(): string[] {
    return [...this.refreshTokens].filter(([, grant]) => grant.alive).map(([token]) => token);
  }

  countGrants(grantType: string): number {
    return this.grants.filter((g) => g.grantType === grantType).length;
  }

  /** The consent screen: auto-approves (or denies) and redirects back. */
  authorize(request: FakeRequest, subject: string): FakeResponse {
    const q = request.query;
    const redirectUri = q.get('redirect_uri');
    if (q.get('response_type') !== 'code' || !redirectUri || !q.get('client_id')) {
      return {
        status: 400,
        text: 'invalid_request: response_type=code, client_id and redirect_uri are required',
      };
    }
    if (this.options.clientId && q.get('client_id') !== this.options.clientId) {
      return { status: 400, text: 'invalid_client' };
    }
    const challenge = q.get('code_challenge') ?? undefined;
    if (challenge && q.get('code_challenge_method') !== 'S256') {
      return { status: 400, text: 'invalid_request: only S256 is accepted' };
    }
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (this.options.consent === 'deny') {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = `code_${randomBytes(12).toString('hex')}`;
      this.codes.set(code, { redirectUri, ...(challenge ? { challenge } : {}), subject, used: false });
      back.searchParams.set('code', code);
    }
    if (state !== null) back.searchParams.set('state', state);
    return { status: 302, headers: { location: back.toString() } };
  }

  /**
   * One token request (form fields already read). Returns the grant or an OAuth error
   * (`error` per RFC 6749 §5.2).
   */
  token(
    fields: URLSearchParams,
    client: { id?: string | null; secret?: string | null },
  ):
    | { ok: true; access: string; refresh?: string; expiresIn: number; subject: string }
    | { ok: false; status: number; error: string } {
    const grantType = fields.get('grant_type') ?? '';
    this.grants.push({ grantType, at: Date.now() });
    if (
      (this.options.clientId && client.id !== this.options.clientId) ||
      (this.options.clientSecret && client.secret !== this.options.clientSecret)
    ) {
      return { ok: false, status: 401, error: 'invalid_client' };
    }
    const ttl = this.options.accessTokenTtlMs ?? 3_600_000;
    if (grantType === 'authorization_code') {
      const issued = this.codes.get(fields.get('code') ?? '');
      if (!issued || issued.used) return { ok: false, status: 400, error: 'invalid_grant' };
      issued.used = true;
      if (fields.get('redirect_uri') !== issued.redirectUri)
        return { ok: false, status: 400, error: 'invalid_grant' };
      if (issued.challenge) {
        const verifier = fields.get('code_verifier') ?? '';
        const computed = createHash('sha256').update(verifier).digest('base64url');
        if (computed !== issued.challenge) return { ok: false, status: 400, error: 'invalid_grant' };
      }
      const access = this.server.issueToken(issued.subject, ttl).token;
      const refresh = this.newRefreshToken(issued.subject, access);
      return { ok: true, access, refresh, expiresIn: Math.floor(ttl / 1000), subject: issued.subject };
    }
    if (grantType === 'refresh_token') {
      const presented = fields.get('refresh_token') ?? '';
      const grant = this.refreshTokens.get(presented);
      if (!grant || !grant.alive) return { ok: false, status: 400, error: 'invalid_grant' };
      const access = this.server.issueToken(grant.subject, ttl).token;
      if (this.options.rotateRefreshTokens) {
        grant.alive = false;
        const refresh = this.newRefreshToken(grant.subject, access);
        return { ok: true, access, refresh, expiresIn: Math.floor(ttl / 1000), subject: grant.subject };
      }
      grant.accessTokens.push(access);
      return { ok: true, access, expiresIn: Math.floor(ttl / 1000), subject: grant.subject };
    }
    return { ok: false, status: 400, error: 'unsupported_grant_type' };
  }

  private newRefreshToken(subject: string, access: string): string {
    const refresh = `rt_${randomBytes(16).toString('hex')}`;
    this.refreshTokens.set(refresh, { subject, alive: true, accessTokens: [access], issuedAtMs: Date.now() });
    return refresh;
  }
}

const form = (request: FakeRequest) => new URLSearchParams(request.rawBody.toString('utf8'));

function basicAuth(request: FakeRequest): { id: string | null; secret: string | null } {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Basic ')) return { id: null, secret: null };
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0
    ? { id: null, secret: null }
    : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** Google's 401 for a missing, unknown, expired or revoked bearer token. */
function googleUnauthenticated(): FakeResponse {
  return {
    status: 401,
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    json: {
      error: {
        code: 401,
        message: 'Request had invalid authentication credentials.',
        status: 'UNAUTHENTICATED',
      },
    },
  };
}

export interface FakeGoogleAccount {
  readonly name: string;
  readonly accountName: string;
  readonly locations: readonly { readonly name: string; readonly title: string }[];
}

/**
 * Google: /o/oauth2/v2/auth, POST /token, POST /revoke, GET /v1/accounts (Account Management) and
 * GET /v1/accounts/{a}/locations (Business Information), at their real paths.
 */
export function mountGoogleOAuth(
  server: FakePlatformServer,
  options: FakeOAuthOptions & { accounts?: readonly FakeGoogleAccount[] } = {},
): FakeOAuth {
  const oauth = new FakeOAuth(server, options);
  const accounts = options.accounts ?? [
    {
      name: 'accounts/100',
      accountName: 'Rose Garden Weddings',
      locations: [
        { name: 'locations/1001', title: 'Rose Garden Weddings - Bath' },
        { name: 'locations/1002', title: 'Rose Garden Weddings - Bristol' },
      ],
    },
  ];
  server.on('GET', /^\/o\/oauth2\/v2\/auth$/, (request) => {
    if (request.query.get('access_type') !== 'offline') {
      return { status: 400, text: 'this fake issues refresh tokens only with access_type=offline' };
    }
    // The access token carries the granted scope, which the fake reviews API checks.
    return oauth.authorize(request, request.query.get('scope') ?? '');
  });
  server.on('POST', /^\/token$/, (request) => {
    const fields = form(request);
    const result = oauth.token(fields, { id: fields.get('client_id'), secret: fields.get('client_secret') });
    if (!result.ok) {
      return {
        status: result.status,
        json: { error: result.error, error_description: 'Token has been expired or revoked.' },
      };
    }
    return {
      status: 200,
      json: {
        access_token: result.access,
        expires_in: result.expiresIn,
        token_type: 'Bearer',
        scope: 'https://www.googleapis.com/auth/business.manage',
        ...(result.refresh ? { refresh_token: result.refresh } : {}),
      },
    };
  });
  server.on('POST', /^\/revoke$/, (request) => {
    const token = form(request).get('token') ?? '';
    if (oauth.revoke(token)) return { status: 200, json: {} };
    const access = server.tokens.get(token);
    if (access) {
      access.revoked = true;
      return { status: 200, json: {} };
    }
    return { status: 400, json: { error: 'invalid_token', error_description: 'Token expired or revoked' } };
  });
  server.on('GET', /^\/v1\/accounts$/, (request) => {
    if (!server.bearer(request).ok) return googleUnauthenticated();
    return {
      status: 200,
      json: {
        accounts: accounts.map((a) => ({ name: a.name, accountName: a.accountName, type: 'LOCATION_GROUP' })),
      },
    };
  });
  server.on('GET', /^\/v1\/accounts\/([^/]+)\/locations$/, (request, [accountId]) => {
    if (!server.bearer(request).ok) return googleUnauthenticated();
    if (!request.query.get('readMask')) {
      return {
        status: 400,
        json: { error: { code: 400, message: 'readMask is required', status: 'INVALID_ARGUMENT' } },
      };
    }
    const account = accounts.find((a) => a.name === `accounts/${accountId}`);
    if (!account)
      return { status: 404, json: { error: { code: 404, message: 'not found', status: 'NOT_FOUND' } } };
    return { status: 200, json: { locations: account.locations } };
  });
  return oauth;
}

export interface FakeFacebookPage {
  readonly id: string;
  readonly name: string;
}

/** Facebook Graph error body (branch on `code`, PLATFORMS.md §2). */
const graphError = (code: number, message: string): FakeResponse => ({
  status: code === 190 ? 401 : 400,
  json: { error: { message, type: 'OAuthException', code, fbtrace_id: 'fake' } },
});

/**
 * Facebook: /{v}/dialog/oauth, GET /{v}/oauth/access_token (code, then fb_exchange_token for a
 * long-lived user token), GET /{v}/me/accounts (Pages with their Page tokens), DELETE
 * /{v}/me/permissions (deauthorize: the user token and its Page tokens die).
 */
export function mountFacebookOAuth(
  server: FakePlatformServer,
  options: FakeOAuthOptions & { pages?: readonly FakeFacebookPage[]; version?: string } = {},
): FakeOAuth {
  const oauth = new FakeOAuth(server, options);
  const version = options.version ?? 'v21.0';
  const pages = options.pages ?? [{ id: '5550001', name: 'Rose Garden Weddings' }];
  const pageTokens = new Map<string, string[]>(); // user token -> page tokens
  server.on('GET', new RegExp(`^/${version}/dialog/oauth$`), (request) =>
    oauth.authorize(request, 'facebook-user'),
  );
  server.on('GET', new RegExp(`^/${version}/oauth/access_token$`), (request) => {
    const q = request.query;
    const client = { id: q.get('client_id'), secret: q.get('client_secret') };
    // Meta's app access token (issue 9: the rotation's proof of a staged app secret): the app's
    // credentials alone; a wrong pair is a Graph error, as for the token exchange below.
    if (q.get('grant_type') === 'client_credentials') {
      if (
        !client.id ||
        !client.secret ||
        (options.clientId && client.id !== options.clientId) ||
        (options.clientSecret && client.secret !== options.clientSecret)
      ) {
        return graphError(101, 'Error validating client secret.');
      }
      return { status: 200, json: { access_token: `${client.id}|fake-app-token`, token_type: 'bearer' } };
    }
    if (q.get('grant_type') === 'fb_exchange_token') {
      const short = server.tokens.get(q.get('fb_exchange_token') ?? '');
      if (!short || short.revoked || short.expiresAtMs <= Date.now())
        return graphError(190, 'Invalid OAuth access token.');
      if (
        (options.clientId && client.id !== options.clientId) ||
        (options.clientSecret && client.secret !== options.clientSecret)
      ) {
        return graphError(101, 'Error validating application.');
      }
      const long = server.issueToken(short.subject, 60 * 24 * 3_600_000);
      return { status: 200, json: { access_token: long.token, token_type: 'bearer', expires_in: 5_183_944 } };
    }
    const fields = new URLSearchParams({
      grant_type: 'authorization_code',
      code: q.get('code') ?? '',
      redirect_uri: q.get('redirect_uri') ?? '',
      code_verifier: q.get('code_verifier') ?? '',
    });
    const result = oauth.token(fields, client);
    if (!result.ok) return graphError(100, `Invalid verification code format or expired (${result.error}).`);
    return {
      status: 200,
      json: { access_token: result.access, token_type: 'bearer', expires_in: result.expiresIn },
    };
  });
  server.on('GET', new RegExp(`^/${version}/me/accounts$`), (request) => {
    const user = server.bearer(request);
    if (!user.ok) return graphError(190, 'Error validating access token.');
    const tokens = pages.map((page) => server.issueToken(page.id, 365 * 24 * 3_600_000).token);
    pageTokens.set(user.token.token, tokens);
    return {
      status: 200,
      json: {
        data: pages.map((page, i) => ({
          id: page.id,
          name: page.name,
          access_token: tokens[i],
          category: 'Wedding Planning Service',
        })),
      },
    };
  });
  server.on('DELETE', new RegExp(`^/${version}/me/permissions$`), (request) => {
    const user = server.bearer(request);
    if (!user.ok) return graphError(190, 'Error validating access token.');
    user.token.revoked = true;
    for (const token of pageTokens.get(user.token.token) ?? []) {
      const page = server.tokens.get(token);
      if (page) page.revoked = true;
    }
    return { status: 200, json: { success: true } };
  });
  return oauth;
}

/**
 * Trustpilot business-user OAuth: GET / (authenticate.trustpilot.com), POST .../accesstoken (code)
 * and POST .../refresh, both with HTTP Basic client authentication. Access tokens last 100 h; a
 * refresh sooner than `minRefreshIntervalMs` after the last issue answers 429 (early refreshes are
 * throttled, PLATFORMS.md §5).
 */
export function mountTrustpilotOAuth(
  server: FakePlatformServer,
  options: FakeOAuthOptions & { minRefreshIntervalMs?: number } = {},
): FakeOAuth {
  const oauth = new FakeOAuth(server, { accessTokenTtlMs: 100 * 3_600_000, ...options });
  const base = '/v1/oauth/oauth-business-users-for-applications';
  let lastIssueMs = 0;
  const answer = (result: ReturnType<FakeOAuth['token']>): FakeResponse => {
    if (!result.ok) return { status: result.status, json: { error: result.error } };
    lastIssueMs = Date.now();
    return {
      status: 200,
      json: {
        access_token: result.access,
        expires_in: String(result.expiresIn),
        token_type: 'BearerToken',
        ...(result.refresh ? { refresh_token: result.refresh } : {}),
      },
    };
  };
  server.on('GET', /^\/$/, (request) => oauth.authorize(request, 'trustpilot-business-user'));
  server.on('POST', new RegExp(`^${base}/accesstoken$`), (request) =>
    answer(oauth.token(form(request), basicAuth(request))),
  );
  server.on('POST', new RegExp(`^${base}/refresh$`), (request) => {
    if (options.minRefreshIntervalMs && Date.now() - lastIssueMs < options.minRefreshIntervalMs) {
      return {
        status: 429,
        headers: { 'retry-after': '60' },
        json: { message: 'Too many refresh requests' },
      };
    }
    return answer(oauth.token(form(request), basicAuth(request)));
  });
  return oauth;
}
