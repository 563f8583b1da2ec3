/**
 * The platforms' OAuth facts as data and the classification of refused OAuth calls: consent URLs
 * per platform, token answers (snake_case and Trustpilot's camelCase, no refresh token kept as
 * absent), the fakes' origin swap, and which refusals mean reauth, wait, retry or give up.
 */
import { classify } from '#src/platforms/adapters/oauth-http-client';
import {
  OAUTH_PROVIDERS,
  authorizationUrl,
  parseTokenGrant,
  withOrigin,
} from '#src/platforms/domain/oauth-providers';
import type { PlatformHttpResponse } from '#src/platforms/ports';

const input = {
  clientId: 'cid',
  redirectUri: 'https://api.example/v1/oauth/callback',
  state: 's.t',
  codeChallenge: 'ch',
};

describe('authorizationUrl', () => {
  it('asks Google for offline access with consent, business.manage and PKCE S256', () => {
    const url = new URL(authorizationUrl(OAUTH_PROVIDERS.google, input));
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'cid',
      redirect_uri: input.redirectUri,
      scope: 'https://www.googleapis.com/auth/business.manage',
      state: 's.t',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
    });
  });

  it("joins Facebook's permissions with commas on a pinned Graph version", () => {
    const url = new URL(authorizationUrl(OAUTH_PROVIDERS.facebook, input));
    expect(url.pathname).toMatch(/^\/v\d+\.\d+\/dialog\/oauth$/);
    expect(url.searchParams.get('scope')).toContain('pages_read_user_content,');
  });

  it('sends the consent screen to the fake when given its origin, keeping the real path', () => {
    const url = new URL(authorizationUrl(OAUTH_PROVIDERS.google, input, 'http://127.0.0.1:4567'));
    expect(url.origin).toBe('http://127.0.0.1:4567');
    expect(url.pathname).toBe('/o/oauth2/v2/auth');
    expect(withOrigin('https://oauth2.googleapis.com/token', undefined)).toBe(
      'https://oauth2.googleapis.com/token',
    );
  });
});

describe('parseTokenGrant', () => {
  it('reads an RFC 6749 answer, with or without a refresh token', () => {
    expect(parseTokenGrant({ access_token: 'a', refresh_token: 'r', expires_in: 3599 })).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      expiresInSeconds: 3599,
    });
    expect(parseTokenGrant({ access_token: 'a', expires_in: 3599 })).toEqual({
      accessToken: 'a',
      expiresInSeconds: 3599,
    });
    expect(parseTokenGrant({ access_token: 'a', refresh_token: '' })).toEqual({ accessToken: 'a' });
  });

  it("reads Trustpilot's string expiry and camelCase names", () => {
    expect(parseTokenGrant({ accessToken: 'a', refreshToken: 'r', expiresIn: '359999' })).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      expiresInSeconds: 359999,
    });
  });

  it.each([undefined, null, 'text', {}, { access_token: '' }, { access_token: 5 }])('refuses %p', (body) => {
    expect(parseTokenGrant(body)).toBeUndefined();
  });
});

describe('classify', () => {
  const response = (
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): PlatformHttpResponse => ({
    status,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    latencyMs: 1,
  });

  it('invalid_grant is a dead grant (Google, Trustpilot)', () => {
    expect(
      classify(
        'google',
        response(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }),
      ).kind,
    ).toBe('reauth-required');
    expect(classify('trustpilot', response(400, { error: 'INVALID_GRANT' })).kind).toBe('reauth-required');
  });

  it('Facebook is classified by code, whatever the HTTP status', () => {
    expect(classify('facebook', response(400, { error: { code: 190, type: 'OAuthException' } })).kind).toBe(
      'reauth-required',
    );
    expect(classify('facebook', response(403, { error: { code: 4 } }))).toMatchObject({
      kind: 'rate-limited',
    });
    expect(classify('facebook', response(400, { error: { code: 100 } })).kind).toBe('permanent');
  });

  it('429 waits for Retry-After (60 s without one); 5xx and HTML retry later; 401 is an expired access token', () => {
    expect(classify('trustpilot', response(429, {}, { 'retry-after': '120' }))).toMatchObject({
      kind: 'rate-limited',
      waitMs: 120_000,
    });
    expect(classify('google', response(429, 'slow down'))).toMatchObject({
      kind: 'rate-limited',
      waitMs: 60_000,
    });
    expect(classify('google', response(503, '<html>down</html>')).kind).toBe('retry-later');
    expect(classify('google', response(401, { error: { code: 401, status: 'UNAUTHENTICATED' } })).kind).toBe(
      'auth-expired',
    );
  });

  it('any other refusal is permanent, without echoing long provider text', () => {
    const failure = classify('google', response(400, { error: 'invalid_client'.padEnd(500, 'x') }));
    expect(failure.kind).toBe('permanent');
    expect(failure.reason.length).toBeLessThan(100);
  });
});
