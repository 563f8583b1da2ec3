/**
 * testSecret's proof of a staged platform secret (issue 9): one cheap call that only succeeds, or
 * fails in a telling way, when the platform accepts the credential. Nothing is stored, nothing is
 * granted: the answer is read and dropped.
 *
 * - Google and Trustpilot (OAuth confidential clients): their refresh endpoint with the client
 *   credentials and a refresh token that does not exist. RFC 6749 §5.2: a client that fails to
 *   authenticate gets `invalid_client` (401); an authenticated client with a bad grant gets
 *   `invalid_grant` (400). So `invalid_grant` proves the secret. Google's `invalid_grant` for a dead
 *   refresh token is in PLATFORMS.md §1; that these endpoints authenticate the client before the
 *   grant is the RFC's order, not confirmed per platform there.
 * - Facebook: an app access token (`GET /oauth/access_token?grant_type=client_credentials`, Meta's
 *   "app access token", not listed in PLATFORMS.md): 200 with a token proves the app secret.
 * - Yelp (an API key sent as a Bearer token, PLATFORMS.md §3): the reviews of a business that does
 *   not exist. 401 means the key is refused; 404 (or 200) means it authenticated.
 * Anything else (429, 5xx, a timeout, an answer of unknown shape) is inconclusive: testSecret fails
 * and Secrets Manager tries again later; nothing is promoted without a proof.
 */
import { randomUUID } from 'node:crypto';
import type { SecretProof } from '../../catalog/secrets';
import {
  OAUTH_PROVIDERS,
  withOrigin,
  type CallContext,
  type ConnectedPlatform,
  type OAuthPlatform,
  type PlatformHttp,
  type PlatformHttpResponse,
} from '../../platforms';
import type { ProofResult, SecretProver } from '../ports';

/** The Yelp Fusion API (src/platforms/adapters/yelp.ts uses the same base). */
const YELP_API = 'https://api.yelp.com';
/** A refresh token no platform ever issued: only the client's authentication is being checked. */
const PROBE_REFRESH_TOKEN = 'wedsync-secret-rotation-probe';
const PROBE_BUSINESS = 'wedsync-secret-rotation-probe';

export class PlatformSecretProver implements SecretProver {
  constructor(
    private readonly http: PlatformHttp,
    private readonly clientIds: Readonly<Partial<Record<OAuthPlatform, string>>>,
    /** Local mode and tests: the fake platforms' origins; the real endpoints without one. */
    private readonly origins: Readonly<Partial<Record<ConnectedPlatform, string>>> = {},
  ) {}

  async prove(proof: Exclude<SecretProof, 'shape'>, value: string): Promise<ProofResult> {
    try {
      switch (proof) {
        case 'google-client':
          return await this.refreshProbe('google', value);
        case 'trustpilot-api':
          return await this.refreshProbe('trustpilot', value);
        case 'facebook-app':
          return await this.facebookAppToken(value);
        case 'yelp-api-key':
          return await this.yelpKey(value);
      }
    } catch (error) {
      // PlatformCallError and the like: no answer to judge by. The message never carries the value
      // (Facebook's URL holds it): scrubbed in case a lower layer quoted the request.
      const message = (error as Error).message.split(value).join('[redacted]');
      return { outcome: 'inconclusive', reason: message.slice(0, 200) };
    }
  }

  private async refreshProbe(platform: 'google' | 'trustpilot', secret: string): Promise<ProofResult> {
    const provider = OAUTH_PROVIDERS[platform];
    const clientId = this.clientId(platform);
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: PROBE_REFRESH_TOKEN });
    const basic = provider.clientAuth === 'basic';
    if (!basic) {
      form.set('client_id', clientId);
      form.set('client_secret', secret);
    }
    const response = await this.http.request(
      {
        method: 'POST',
        url: withOrigin(provider.refreshUrl, this.origins[platform]),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...(basic
            ? { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` }
            : {}),
        },
        body: form.toString(),
      },
      this.context(platform, 'token-refresh'),
    );
    const error = stringField(jsonOf(response), 'error');
    if (response.status === 400 && error === 'invalid_grant') return { outcome: 'accepted' };
    if (response.status === 401 || error === 'invalid_client' || error === 'unauthorized_client') {
      return { outcome: 'refused', reason: `${platform} answered ${response.status} ${error ?? ''}`.trim() };
    }
    return inconclusive(platform, response, error);
  }

  private async facebookAppToken(secret: string): Promise<ProofResult> {
    const url = new URL(withOrigin(OAUTH_PROVIDERS.facebook.tokenUrl, this.origins.facebook));
    url.searchParams.set('grant_type', 'client_credentials');
    url.searchParams.set('client_id', this.clientId('facebook'));
    url.searchParams.set('client_secret', secret);
    const response = await this.http.request(
      { method: 'GET', url: url.toString(), headers: { accept: 'application/json' } },
      this.context('facebook', 'token-exchange'),
    );
    const body = jsonOf(response);
    if (response.status === 200 && stringField(body, 'access_token')) return { outcome: 'accepted' };
    const graphError = body?.error;
    const code =
      typeof graphError === 'object' && graphError !== null
        ? (graphError as { code?: unknown }).code
        : undefined;
    // Graph codes 4, 17, 32 and 613 are rate limits (PLATFORMS.md §2): no verdict.
    if (
      response.status >= 400 &&
      response.status < 500 &&
      typeof code === 'number' &&
      ![4, 17, 32, 613].includes(code)
    ) {
      return { outcome: 'refused', reason: `facebook answered ${response.status} (Graph error ${code})` };
    }
    return inconclusive('facebook', response, undefined);
  }

  private async yelpKey(key: string): Promise<ProofResult> {
    const url = `${this.origins.yelp ?? YELP_API}/v3/businesses/${PROBE_BUSINESS}/reviews?limit=1`;
    const response = await this.http.request(
      { method: 'GET', url, headers: { authorization: `Bearer ${key}`, accept: 'application/json' } },
      this.context('yelp', 'get'),
    );
    if (response.status === 200 || response.status === 404) return { outcome: 'accepted' };
    if (response.status === 401) return { outcome: 'refused', reason: 'yelp answered 401' };
    return inconclusive('yelp', response, undefined);
  }

  private clientId(platform: OAuthPlatform): string {
    const id = this.clientIds[platform];
    if (!id) throw new Error(`no OAuth client id is configured for ${platform} (setting OAuthClientIds)`);
    return id;
  }

  private context(platform: ConnectedPlatform, operation: CallContext['operation']): CallContext {
    return { platform, operation, supplierId: 'wedsync-app', correlationId: `rotation-${randomUUID()}` };
  }
}

function inconclusive(
  platform: string,
  response: PlatformHttpResponse,
  error: string | undefined,
): ProofResult {
  return { outcome: 'inconclusive', reason: `${platform} answered ${response.status} ${error ?? ''}`.trim() };
}

function jsonOf(response: PlatformHttpResponse): Record<string, unknown> | undefined {
  try {
    const body = JSON.parse(response.body) as unknown;
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringField(body: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = body?.[name];
  return typeof value === 'string' ? value : undefined;
}
