/**
 * Access tokens for platform calls. Access tokens live in this process's memory only, cached
 * until shortly before they expire (per platform: Trustpilot's 100 h token is refreshed only in
 * its last minutes, since early refreshes are throttled). Refreshes are single-flight per
 * connection. A refresh that returns a new refresh token stores it (sealed, compare-and-set)
 * BEFORE the new access token is handed out (RFC 6749 §6); without one the old one is kept.
 * A dead refresh token (Google `invalid_grant`, Facebook 190) turns the connection to
 * `reauth-required` once (conditional), with an audit entry and a metric.
 */
import type { Clock } from '../../shared/clock';
import { randomId } from '../../shared/ids';
import type { Connection } from '../domain/connection';
import { OAUTH_PROVIDERS, isOAuthPlatform, type OAuthPlatform } from '../domain/oauth-providers';
import { PlatformCallError, isPlatformCallError } from '../domain/platform';
import type { AppCredentials, OAuthClient, TokenSlot } from '../oauth-ports';
import type { AuditLog, CallContext, ConnectionStore, Credentials, TokenProvider } from '../ports';
import type { TokenSafe } from './token-safe';

export interface TokenProviderDeps {
  readonly connections: ConnectionStore;
  readonly safe: TokenSafe;
  /** Only refreshes: a provider never runs the connect flow. */
  readonly oauth: Pick<OAuthClient, 'refresh'>;
  readonly app: AppCredentials;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Counts `ConnectionReauthRequired` and `RefreshTokenRotated` (CloudWatch metrics). */
  readonly onMetric?: (name: string) => void;
}

/** Facebook Page tokens travel in Credentials.settings under this prefix, one per Page id. */
export { PAGE_TOKEN_SETTING } from '../domain/connection';
import { PAGE_TOKEN_SETTING } from '../domain/connection';

/** Without `expires_in`, assume an hour (Google's usual lifetime) rather than forever. */
const DEFAULT_LIFETIME_SECONDS = 3600;

interface CachedToken {
  readonly credentials: Credentials;
  /** Epoch ms after which the token is refreshed (its expiry minus the platform's margin). */
  readonly refreshAtMs: number;
}

export class VaultTokenProvider implements TokenProvider {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<Credentials>>();

  constructor(private readonly deps: TokenProviderDeps) {}

  async credentialsFor(connection: Connection, context: CallContext): Promise<Credentials> {
    if (connection.platform === 'yelp') {
      return { accessToken: await this.deps.app.yelpApiKey(), ...settingsOf(connection) };
    }
    const cached = this.cache.get(connection.connectionId);
    if (cached && cached.refreshAtMs > this.nowMs()) return withSettingsOf(connection, cached.credentials);
    return this.singleFlight(connection, context);
  }

  async refreshAfterRejection(connection: Connection, context: CallContext): Promise<Credentials> {
    if (connection.platform === 'yelp') {
      throw new PlatformCallError('yelp', context.operation, {
        kind: 'permanent',
        reason: "Yelp refused the app's API key (check the YelpApiKey secret)",
      });
    }
    if (connection.platform === 'facebook') {
      // Page tokens from a long-lived user token do not expire and cannot be refreshed: a refusal
      // means the grant is gone (Facebook 190).
      this.cache.delete(connection.connectionId);
      return this.markReauthRequired(connection, context, 'Facebook refused the Page token (190)');
    }
    // Join a refresh already under way (it is the one refresh); otherwise drop the token and refresh.
    const running = this.inFlight.get(connection.connectionId);
    if (running) return running;
    this.cache.delete(connection.connectionId);
    return this.singleFlight(connection, context);
  }

  /** Forgets a connection's access token (disconnect). */
  forget(connectionId: string): void {
    this.cache.delete(connectionId);
  }

  private singleFlight(connection: Connection, context: CallContext): Promise<Credentials> {
    const running = this.inFlight.get(connection.connectionId);
    if (running) return running;
    const started = this.load(connection, context).finally(() =>
      this.inFlight.delete(connection.connectionId),
    );
    this.inFlight.set(connection.connectionId, started);
    return started;
  }

  private async load(connection: Connection, context: CallContext): Promise<Credentials> {
    const platform = connection.platform as OAuthPlatform;
    if (!isOAuthPlatform(connection.platform)) throw new Error('unreachable: yelp has no tokens');
    const stored = await this.deps.safe.read(connection, 'refresh');
    if (!stored) {
      return this.markReauthRequired(connection, context, 'no token is stored for this connection');
    }
    if (platform === 'facebook') return this.facebookCredentials(connection, stored.token);

    // A refresh is not the breaker's concern (the OAuth endpoint, not the API): no gate on its entry.
    const { gate: _gate, ...withoutGate } = context;
    const refreshContext: CallContext = { ...withoutGate, operation: 'token-refresh' };
    let grant;
    try {
      grant = await this.deps.oauth.refresh(platform, stored.token, refreshContext);
    } catch (error) {
      if (isPlatformCallError(error) && error.failure.kind === 'reauth-required') {
        return this.markReauthRequired(connection, context, error.failure.reason);
      }
      throw error;
    }
    if (grant.refreshToken && grant.refreshToken !== stored.token) {
      // Rotation: the new refresh token is stored before the new access token is used. If another
      // process rotated it meanwhile, its write stands (ours would overwrite a newer one).
      const saved = await this.deps.safe.write(connection, 'refresh', grant.refreshToken, stored.version);
      await this.audit(connection, context, saved ? 'stored' : 'another process stored a newer one first');
      if (saved) this.deps.onMetric?.('RefreshTokenRotated');
    }
    const lifetimeMs = (grant.expiresInSeconds ?? DEFAULT_LIFETIME_SECONDS) * 1000;
    const margin = Math.min(OAUTH_PROVIDERS[platform].refreshMarginMs, lifetimeMs / 2);
    const credentials: Credentials = { accessToken: grant.accessToken, ...settingsOf(connection) };
    this.cache.set(connection.connectionId, { credentials, refreshAtMs: this.nowMs() + lifetimeMs - margin });
    return credentials;
  }

  /** The user token plus each chosen Page's token (stored sealed at connect time). */
  private async facebookCredentials(connection: Connection, userToken: string): Promise<Credentials> {
    const settings: Record<string, string> = { ...(connection.settings ?? {}) };
    for (const location of connection.locations) {
      const slot: TokenSlot = `page#${location.locationId}`;
      const page = await this.deps.safe.read(connection, slot);
      if (page) settings[`${PAGE_TOKEN_SETTING}${location.locationId}`] = page.token;
    }
    const credentials: Credentials = { accessToken: userToken, settings };
    // Page tokens made from a long-lived user token do not expire; re-read them hourly anyway.
    this.cache.set(connection.connectionId, { credentials, refreshAtMs: this.nowMs() + 3_600_000 });
    return credentials;
  }

  private async markReauthRequired(
    connection: Connection,
    context: CallContext,
    reason: string,
  ): Promise<never> {
    const at = this.deps.clock.now().toISOString();
    const changed = await this.deps.connections.setStatus(
      connection.connectionId,
      'active',
      'reauth-required',
      reason,
      at,
    );
    if (changed) {
      this.deps.onMetric?.('ConnectionReauthRequired');
      await this.deps.audit.append([
        {
          auditId: randomId('aud'),
          supplierId: connection.supplierId,
          platform: connection.platform,
          connectionId: connection.connectionId,
          action: { kind: 'reauth-required' },
          at,
          outcome: 'reauth-required',
          correlationId: context.correlationId,
          detail: reason.slice(0, 200),
        },
      ]);
    }
    throw new PlatformCallError(connection.platform, 'token-refresh', { kind: 'reauth-required', reason });
  }

  private audit(connection: Connection, context: CallContext, detail: string): Promise<void> {
    return this.deps.audit.append([
      {
        auditId: randomId('aud'),
        supplierId: connection.supplierId,
        platform: connection.platform,
        connectionId: connection.connectionId,
        action: { kind: 'token-rotated' },
        at: this.deps.clock.now().toISOString(),
        outcome: 'ok',
        correlationId: context.correlationId,
        detail: `refresh token rotated: ${detail}`,
      },
    ]);
  }

  private nowMs(): number {
    return this.deps.clock.now().getTime();
  }
}

/**
 * A cached token with the connection's settings as they are now: a setting changed since the
 * token was cached (Trustpilot's reply author) applies to the next call, not after the next refresh.
 */
const withSettingsOf = (connection: Connection, credentials: Credentials): Credentials =>
  connection.settings
    ? { ...credentials, settings: { ...(credentials.settings ?? {}), ...connection.settings } }
    : credentials;

const settingsOf = (connection: Connection): Pick<Credentials, 'settings'> =>
  connection.settings ? { settings: connection.settings } : {};
