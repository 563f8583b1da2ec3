/**
 * The platforms' OAuth endpoints over PlatformHttp (bounded, audited): the code exchange and the
 * account's locations at connect time, refreshes, revocation. Every failure is classified:
 * `invalid_grant` (Google, Trustpilot) and Facebook code 190 mean the grant is dead
 * (reauth-required); 429 and Facebook's throttling codes wait; 5xx, timeouts and answers that are
 * not JSON retry later; any other refusal is permanent.
 */
import {
  FACEBOOK_ACCOUNTS_URL,
  GOOGLE_ACCOUNTS_URL,
  OAUTH_PROVIDERS,
  googleLocationsUrl,
  parseTokenGrant,
  withOrigin,
  type OAuthPlatform,
  type TokenGrant,
} from '../domain/oauth-providers';
import { PlatformCallError, type PlatformFailure } from '../domain/platform';
import type { AppCredentials, AuthorizedAccount, OAuthClient } from '../oauth-ports';
import type { CallContext, PlatformHttp, PlatformHttpRequest, PlatformHttpResponse } from '../ports';

/** Facebook's codes that mean "wait and retry" (PLATFORMS.md §2). */
const FACEBOOK_THROTTLING = new Set([4, 17, 32, 341, 613, 80001]);
/** A Google account with more locations than this is listed up to here (the supplier picks from them). */
const MAX_LOCATION_PAGES = 10;

/**
 * Refreshing alone: what a function that calls platforms with stored grants needs (the token
 * provider); its bundle then holds no connect-time code (ADR 0022). HttpOAuthClient adds the code
 * exchange, the account's locations and revocation.
 */
export class HttpOAuthRefresher implements Pick<OAuthClient, 'refresh'> {
  constructor(
    protected readonly http: PlatformHttp,
    protected readonly app: AppCredentials,
    /** The local mode's fake platforms, by platform (real endpoints without). */
    protected readonly origins: Partial<Record<OAuthPlatform, string>> = {},
  ) {}

  async refresh(platform: OAuthPlatform, refreshToken: string, context: CallContext): Promise<TokenGrant> {
    if (platform === 'facebook') {
      throw new PlatformCallError(platform, context.operation, {
        kind: 'permanent',
        reason: 'Facebook Page tokens are not refreshed',
      });
    }
    return this.tokenRequest(
      platform,
      this.url(platform, OAUTH_PROVIDERS[platform].refreshUrl),
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      { ...context, operation: 'token-refresh' },
    );
  }

  protected async tokenRequest(
    platform: 'google' | 'trustpilot',
    url: string,
    params: Record<string, string>,
    context: CallContext,
  ): Promise<TokenGrant> {
    const clientId = this.app.clientId(platform);
    const secret = await this.app.clientSecret(platform);
    const basic = OAUTH_PROVIDERS[platform].clientAuth === 'basic';
    const form = new URLSearchParams(params);
    if (!basic) {
      form.set('client_id', clientId);
      form.set('client_secret', secret);
    }
    const response = await this.http.request(
      {
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...(basic
            ? { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` }
            : {}),
        },
        body: form.toString(),
      },
      context,
    );
    return this.grantFrom(platform, response, context);
  }

  protected grantFrom(
    platform: OAuthPlatform,
    response: PlatformHttpResponse,
    context: CallContext,
  ): TokenGrant {
    if (response.status !== 200) {
      throw new PlatformCallError(platform, context.operation, classify(platform, response), response.status);
    }
    const grant = parseTokenGrant(parseJson(response.body));
    if (!grant) {
      throw new PlatformCallError(
        platform,
        context.operation,
        {
          kind: 'retry-later',
          reason: 'the token endpoint answered 200 without a token',
        },
        response.status,
      );
    }
    return grant;
  }

  protected async json(
    platform: OAuthPlatform,
    request: PlatformHttpRequest,
    context: CallContext,
  ): Promise<Record<string, unknown>> {
    const response = await this.http.request(request, context);
    if (response.status !== 200) {
      throw new PlatformCallError(platform, context.operation, classify(platform, response), response.status);
    }
    const body = parseJson(response.body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new PlatformCallError(
        platform,
        context.operation,
        { kind: 'retry-later', reason: 'answer is not a JSON object' },
        200,
      );
    }
    return body as Record<string, unknown>;
  }

  protected url(platform: OAuthPlatform, url: string): string {
    return withOrigin(url, this.origins[platform]);
  }
}

/** The whole OAuth client: the connect flow's code exchange and locations, refresh, revocation. */
export class HttpOAuthClient extends HttpOAuthRefresher implements OAuthClient {
  async authorize(
    platform: OAuthPlatform,
    input: { code: string; codeVerifier: string; redirectUri: string },
    context: CallContext,
  ): Promise<AuthorizedAccount> {
    const exchange = { ...context, operation: 'token-exchange' as const };
    const listing = { ...context, operation: 'list-locations' as const };
    switch (platform) {
      case 'google': {
        const grant = await this.tokenRequest(
          platform,
          this.url(platform, OAUTH_PROVIDERS.google.tokenUrl),
          {
            grant_type: 'authorization_code',
            code: input.code,
            code_verifier: input.codeVerifier,
            redirect_uri: input.redirectUri,
          },
          exchange,
        );
        return { grant, ...(await this.googleLocations(grant.accessToken, listing)) };
      }
      case 'facebook': {
        const short = await this.facebookToken(
          { code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier },
          exchange,
        );
        // The short-lived user token (about 1 h) becomes a long-lived one (about 60 days); Page
        // tokens obtained with it do not expire (PLATFORMS.md §2).
        const long = await this.facebookToken(
          { grant_type: 'fb_exchange_token', fb_exchange_token: short.accessToken },
          exchange,
        );
        const pages = await this.json(
          platform,
          {
            method: 'GET',
            url: this.url(platform, FACEBOOK_ACCOUNTS_URL),
            headers: bearer(long.accessToken),
          },
          listing,
        );
        const data = Array.isArray(pages.data) ? (pages.data as Record<string, unknown>[]) : [];
        return {
          grant: long,
          locations: data
            .filter((p) => typeof p.id === 'string' && typeof p.access_token === 'string')
            .map((p) => ({
              locationId: String(p.id),
              ...(typeof p.name === 'string' ? { name: p.name } : {}),
              pageToken: String(p.access_token),
            })),
        };
      }
      case 'trustpilot': {
        const grant = await this.tokenRequest(
          platform,
          this.url(platform, OAUTH_PROVIDERS.trustpilot.tokenUrl),
          {
            grant_type: 'authorization_code',
            code: input.code,
            code_verifier: input.codeVerifier,
            redirect_uri: input.redirectUri,
          },
          exchange,
        );
        // The business unit was named when the connection started (no documented listing).
        return { grant, locations: [] };
      }
    }
  }

  async revoke(platform: OAuthPlatform, token: string, context: CallContext): Promise<boolean> {
    const revokeUrl = OAUTH_PROVIDERS[platform].revokeUrl;
    if (!revokeUrl) return false;
    const call = { ...context, operation: 'token-revoke' as const };
    const response =
      platform === 'facebook'
        ? await this.http.request(
            { method: 'DELETE', url: this.url(platform, revokeUrl), headers: bearer(token) },
            call,
          )
        : await this.http.request(
            {
              method: 'POST',
              url: this.url(platform, revokeUrl),
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ token }).toString(),
            },
            call,
          );
    if (response.status >= 200 && response.status < 300) return true;
    const failure = classify(platform, response);
    // A token the platform no longer knows is as revoked as it gets.
    if (
      failure.kind === 'reauth-required' ||
      (response.status === 400 && /invalid_token/.test(response.body))
    ) {
      return true;
    }
    throw new PlatformCallError(platform, call.operation, failure, response.status);
  }

  private async googleLocations(accessToken: string, context: CallContext) {
    const accounts = await this.json(
      'google',
      { method: 'GET', url: this.url('google', GOOGLE_ACCOUNTS_URL), headers: bearer(accessToken) },
      context,
    );
    const accountNames = (
      Array.isArray(accounts.accounts) ? (accounts.accounts as Record<string, unknown>[]) : []
    )
      .map((a) => a.name)
      .filter((name): name is string => typeof name === 'string' && /^accounts\/[^/]+$/.test(name));
    const locations: { locationId: string; name?: string }[] = [];
    for (const account of accountNames) {
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_LOCATION_PAGES; page += 1) {
        const url = new URL(this.url('google', googleLocationsUrl(account)));
        if (pageToken) url.searchParams.set('pageToken', pageToken);
        const body = await this.json(
          'google',
          { method: 'GET', url: url.toString(), headers: bearer(accessToken) },
          context,
        );
        for (const location of Array.isArray(body.locations)
          ? (body.locations as Record<string, unknown>[])
          : []) {
          if (typeof location.name !== 'string' || !/^locations\/[^/]+$/.test(location.name)) continue;
          // The Reviews API v4 names a location under its account: accounts/{a}/locations/{l}.
          locations.push({
            locationId: `${account}/${location.name}`,
            ...(typeof location.title === 'string' ? { name: location.title } : {}),
          });
        }
        pageToken =
          typeof body.nextPageToken === 'string' && body.nextPageToken ? body.nextPageToken : undefined;
        if (!pageToken) break;
      }
    }
    return { ...(accountNames[0] ? { accountId: accountNames[0] } : {}), locations };
  }

  /** Facebook's token endpoint takes GET with the client credentials in the query. */
  private async facebookToken(params: Record<string, string>, context: CallContext): Promise<TokenGrant> {
    const url = new URL(this.url('facebook', OAUTH_PROVIDERS.facebook.tokenUrl));
    url.searchParams.set('client_id', this.app.clientId('facebook'));
    url.searchParams.set('client_secret', await this.app.clientSecret('facebook'));
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return this.grantFrom(
      'facebook',
      await this.http.request({ method: 'GET', url: url.toString() }, context),
      context,
    );
  }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** How a refused OAuth call is handled (see the module comment). */
export function classify(platform: OAuthPlatform, response: PlatformHttpResponse): PlatformFailure {
  const body = parseJson(response.body) as Record<string, unknown> | undefined;
  const retryAfter = Number(response.headers['retry-after']);
  const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 60_000;
  const fbError =
    platform === 'facebook' && typeof body?.error === 'object'
      ? (body.error as Record<string, unknown>)
      : undefined;
  if (fbError && typeof fbError.code === 'number') {
    // Facebook: branch on the code, not the HTTP status (PLATFORMS.md §2).
    if (fbError.code === 190)
      return { kind: 'reauth-required', reason: 'Facebook token invalid or expired (190)' };
    if (FACEBOOK_THROTTLING.has(fbError.code)) {
      return {
        kind: 'rate-limited',
        reason: `Facebook throttling (${fbError.code})`,
        waitMs,
        window: 'hour',
      };
    }
  }
  const error = typeof body?.error === 'string' ? body.error.toLowerCase() : undefined;
  if (error === 'invalid_grant') {
    return { kind: 'reauth-required', reason: `${platform} refused the refresh token (invalid_grant)` };
  }
  if (response.status === 429)
    return { kind: 'rate-limited', reason: `${platform} answered 429`, waitMs, window: 'minute' };
  if (response.status >= 500)
    return { kind: 'retry-later', reason: `${platform} answered ${response.status}` };
  if (response.status === 401 && platform !== 'facebook' && error === undefined) {
    return { kind: 'auth-expired', reason: `${platform} refused the access token (401)` };
  }
  return {
    kind: 'permanent',
    reason: `${platform} refused the request (${response.status}${error ? ` ${error.slice(0, 40)}` : ''})`,
    status: response.status,
  };
}
