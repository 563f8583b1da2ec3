/**
 * The supplier's connections: start an OAuth authorization, finish it on the public callback,
 * read them, choose which locations sync, disconnect. Every client mistake (an unknown platform,
 * a bad, expired or replayed state, a refused consent, a platform that refuses the code) is a 4xx
 * problem; nothing a caller sends produces a 5xx.
 */
import type { Clock } from '../../shared/clock';
import { randomId } from '../../shared/ids';
import { ProblemError } from '../../shared/problem';
import type { AuditAction } from '../domain/audit';
import type { ConnectedLocation, Connection, ConnectionStatus } from '../domain/connection';
import { createPkce, newNonce, signState, STATE_TTL_SECONDS, verifyState } from '../domain/oauth-security';
import {
  OAUTH_PROVIDERS,
  authorizationUrl,
  isOAuthPlatform,
  type OAuthPlatform,
} from '../domain/oauth-providers';
import { isPlatformCallError, type ConnectedPlatform, type PlatformFailureKind } from '../domain/platform';
import type {
  AppCredentials,
  AvailableLocation,
  ConnectionLifecycleStore,
  OAuthClient,
} from '../oauth-ports';
import type { AuditLog, CallContext, ConnectionStore } from '../ports';
import type { TokenSafe } from './token-safe';

/**
 * Trustpilot's reply call names the business user the reply is written as
 * (`authorBusinessUserId`, PLATFORMS.md §5: "Store it with the connection"). No documented call
 * finds it from the OAuth grant, so the supplier gives it (at connect, or later with PATCH) and it
 * travels to the adapter in the connection's settings under this name.
 */
export const AUTHOR_SETTING = 'authorBusinessUserId';

export interface ConnectionDeps {
  readonly connections: ConnectionStore & ConnectionLifecycleStore;
  readonly safe: TokenSafe;
  readonly oauth: OAuthClient;
  readonly app: AppCredentials;
  /** Signs `state` (a key derived from the review-token secret; current first). */
  readonly stateKeys: { keyRing(): Promise<readonly string[]> };
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Our public callback, registered with every platform app (`.../v1/oauth/callback`). */
  readonly redirectUri: string;
  /** The local mode sends the consent screen to the fake platform's origin. */
  readonly authorizeOrigin?: (platform: OAuthPlatform) => string | undefined;
  /** Called when a connection stops being usable for the supplier to see (disconnect, revoke failure). */
  readonly onRevokeFailed?: (error: unknown, connection: Connection) => void;
}

export type StartConnectionBody =
  | { readonly platform: 'google' | 'facebook' }
  | {
      readonly platform: 'trustpilot';
      readonly businessUnitId: string;
      /** The business user replies are written as (Trustpilot's reply call requires one). */
      readonly authorBusinessUserId?: string;
    }
  | { readonly platform: 'yelp'; readonly businessId: string };

/** What the API shows of a connection (no token, no verifier, no nonce). */
export interface ConnectionView {
  readonly connectionId: string;
  readonly platform: ConnectedPlatform;
  readonly status: ConnectionStatus;
  readonly statusReason?: string;
  readonly accountId?: string;
  /** Trustpilot: the business user replies are written as. */
  readonly authorBusinessUserId?: string;
  readonly locations: readonly { locationId: string; name?: string; lastSyncAt?: string }[];
  readonly availableLocations?: readonly AvailableLocation[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function viewOf(connection: Connection, available?: readonly AvailableLocation[]): ConnectionView {
  return {
    connectionId: connection.connectionId,
    platform: connection.platform,
    status: connection.status,
    ...(connection.statusReason ? { statusReason: connection.statusReason } : {}),
    ...(connection.accountId ? { accountId: connection.accountId } : {}),
    ...(connection.settings?.[AUTHOR_SETTING]
      ? { authorBusinessUserId: connection.settings[AUTHOR_SETTING] }
      : {}),
    locations: connection.locations.map((l) => ({
      locationId: l.locationId,
      ...(l.name ? { name: l.name } : {}),
      ...(l.lastSyncAt ? { lastSyncAt: l.lastSyncAt } : {}),
    })),
    ...(available ? { availableLocations: available } : {}),
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
  };
}

/**
 * Starts a connection.
 * 1. Yelp (no OAuth): an active connection to the named business, called with the app's API key.
 * 2. OAuth platforms: a pending connection holding a PKCE verifier and a one-time nonce (expiring
 *    with the state), and the consent screen URL with the S256 challenge and a signed state.
 */
export async function startConnection(
  supplierId: string,
  body: StartConnectionBody,
  deps: ConnectionDeps,
): Promise<{ connection: ConnectionView; authorizationUrl?: string }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const connectionId = randomId('con');
  if (body.platform === 'yelp') {
    const connection: Connection = {
      connectionId,
      supplierId,
      platform: 'yelp',
      status: 'active',
      accountId: body.businessId,
      locations: [{ locationId: body.businessId }],
      createdAt: at,
      updatedAt: at,
    };
    await deps.connections.put(connection);
    await audit(deps, connection, { kind: 'connect' }, 'ok', randomId('cor'), 'Yelp business (app API key)');
    return { connection: viewOf(connection) };
  }
  const platform = body.platform;
  const provider = OAUTH_PROVIDERS[platform];
  const expiresAt = Math.floor(now.getTime() / 1000) + STATE_TTL_SECONDS;
  const pkce = createPkce();
  const nonce = newNonce();
  const connection: Connection = {
    connectionId,
    supplierId,
    platform,
    status: 'pending',
    locations: [],
    ...(body.platform === 'trustpilot'
      ? {
          settings: {
            businessUnitId: body.businessUnitId,
            ...(body.authorBusinessUserId ? { [AUTHOR_SETTING]: body.authorBusinessUserId } : {}),
          },
        }
      : {}),
    statusReason: 'waiting for the platform account owner to consent',
    createdAt: at,
    updatedAt: at,
  };
  await deps.connections.createPending(connection, {
    nonce,
    codeVerifier: pkce.verifier,
    redirectUri: deps.redirectUri,
    expiresAt,
  });
  const [current] = await deps.stateKeys.keyRing();
  const state = signState({ supplierId, connectionId, nonce, expiresAt }, current!);
  const url = authorizationUrl(
    provider,
    {
      clientId: deps.app.clientId(platform),
      redirectUri: deps.redirectUri,
      state,
      codeChallenge: pkce.challenge,
    },
    deps.authorizeOrigin?.(platform),
  );
  return { connection: viewOf(connection), authorizationUrl: url };
}

export interface CallbackQuery {
  readonly code?: string;
  readonly state?: string;
  readonly error?: string;
  readonly error_description?: string;
}

const badState = (detail: string) =>
  new ProblemError('bad-request', detail, [{ path: 'state', message: detail }]);

/**
 * Finishes an authorization (the platform redirects the supplier's browser here).
 * 1. Verify the state: signature (current or previous key), expiry, then consume its nonce once.
 * 2. A refusal on the consent screen (`error=access_denied`) closes the pending connection.
 * 3. Exchange the code (PKCE verifier, client secret) and list the account's locations.
 * 4. Seal and store the refresh token (Facebook: the long-lived user token and each Page token).
 * 5. Activate the connection with every offered location chosen (the supplier narrows it later).
 */
export async function completeAuthorization(
  query: CallbackQuery,
  deps: ConnectionDeps,
): Promise<ConnectionView> {
  if (!query.state) throw badState('the state parameter is missing');
  const verdict = verifyState(
    query.state,
    await deps.stateKeys.keyRing(),
    Math.floor(deps.clock.now().getTime() / 1000),
  );
  if (!verdict.ok) {
    throw badState(
      verdict.reason === 'expired'
        ? 'this authorization expired; start the connection again'
        : 'the state is not one we issued',
    );
  }
  const { supplierId, connectionId, nonce } = verdict.state;
  const connection = await deps.connections.get(supplierId, connectionId);
  const pending = connection ? await deps.connections.claimAuthorization(connectionId, nonce) : undefined;
  if (!connection || !pending || !isOAuthPlatform(connection.platform)) {
    throw new ProblemError('conflict', 'this authorization was already used or is no longer pending');
  }
  const platform = connection.platform;
  const correlationId = randomId('cor');
  const close = async (kind: PlatformFailureKind | 'denied', reason: string): Promise<never> => {
    await deps.connections.setStatus(
      connectionId,
      'pending',
      'disconnected',
      reason,
      deps.clock.now().toISOString(),
    );
    await audit(
      deps,
      connection,
      { kind: 'connect' },
      kind === 'denied' ? 'permanent' : kind,
      correlationId,
      reason,
    );
    throw new ProblemError('bad-request', reason);
  };
  if (query.error) {
    return close('denied', `the platform account owner did not grant access (${query.error.slice(0, 64)})`);
  }
  if (!query.code) return close('permanent', 'the platform sent no authorization code');

  const context: CallContext = {
    platform,
    operation: 'token-exchange',
    supplierId,
    connectionId,
    correlationId,
  };
  let account;
  try {
    account = await deps.oauth.authorize(
      platform,
      { code: query.code, codeVerifier: pending.codeVerifier, redirectUri: pending.redirectUri },
      context,
    );
  } catch (error) {
    if (!isPlatformCallError(error)) throw error;
    return close(
      error.failure.kind,
      `${platform} did not complete the authorization (${error.failure.kind}); start the connection again`,
    );
  }
  const refreshToken = platform === 'facebook' ? account.grant.accessToken : account.grant.refreshToken;
  if (!refreshToken) {
    return close('permanent', `${platform} issued no refresh token; start the connection again and consent`);
  }
  await deps.safe.erase(connectionId);
  await deps.safe.write(connection, 'refresh', refreshToken, 0);
  for (const location of account.locations) {
    if (location.pageToken)
      await deps.safe.write(connection, `page#${location.locationId}`, location.pageToken, 0);
  }
  const available = account.locations.map((l) => ({
    locationId: l.locationId,
    ...(l.name ? { name: l.name } : {}),
  }));
  const trustpilotUnit = connection.settings?.businessUnitId;
  const chosen: ConnectedLocation[] = trustpilotUnit ? [{ locationId: trustpilotUnit }] : available;
  const at = deps.clock.now().toISOString();
  const activated = await deps.connections.activate(connectionId, {
    ...(account.accountId ? { accountId: account.accountId } : {}),
    available: trustpilotUnit ? chosen : available,
    locations: chosen,
    at,
  });
  if (!activated) throw new ProblemError('conflict', 'the connection changed while it was being completed');
  await audit(
    deps,
    connection,
    { kind: 'connect' },
    'ok',
    correlationId,
    `${available.length} locations offered`,
  );
  const stored = await deps.connections.get(supplierId, connectionId);
  return viewOf(stored!, await deps.connections.availableLocations(connectionId));
}

async function own(supplierId: string, connectionId: string, deps: Pick<ConnectionDeps, 'connections'>) {
  const connection = await deps.connections.get(supplierId, connectionId);
  if (!connection) throw new ProblemError('not-found', 'no such connection');
  return connection;
}

export async function listConnections(supplierId: string, deps: Pick<ConnectionDeps, 'connections'>) {
  const all = await deps.connections.list(supplierId);
  return all.map((c) => viewOf(c));
}

export async function getConnection(
  supplierId: string,
  connectionId: string,
  deps: Pick<ConnectionDeps, 'connections'>,
): Promise<ConnectionView> {
  const connection = await own(supplierId, connectionId, deps);
  return viewOf(connection, await deps.connections.availableLocations(connectionId));
}

/**
 * Chooses which locations sync.
 * 1. The connection must be active; every id must be one the platform account offers (422 names
 *    the others).
 * 2. Kept locations keep their sync cursor; new ones start without one.
 */
export async function chooseLocations(
  supplierId: string,
  connectionId: string,
  locationIds: readonly string[],
  deps: Pick<ConnectionDeps, 'connections' | 'clock'>,
): Promise<ConnectionView> {
  const connection = await own(supplierId, connectionId, deps);
  if (connection.status !== 'active') {
    throw new ProblemError(
      'conflict',
      `the connection is ${connection.status}; locations can be chosen when it is active`,
    );
  }
  const available = await deps.connections.availableLocations(connectionId);
  const offered = new Map(available.map((l) => [l.locationId, l]));
  const unknown = locationIds.map((id, index) => ({ id, index })).filter(({ id }) => !offered.has(id));
  if (unknown.length > 0) {
    throw new ProblemError(
      'validation-error',
      'some locations are not offered by this platform account',
      unknown.map(({ index }) => ({
        path: `locationIds.${index}`,
        message: 'not a location of this account',
      })),
    );
  }
  const current = new Map(connection.locations.map((l) => [l.locationId, l]));
  const chosen = [...new Set(locationIds)].map(
    (id): ConnectedLocation =>
      current.get(id) ?? {
        locationId: id,
        ...(offered.get(id)?.name ? { name: offered.get(id)!.name } : {}),
      },
  );
  const at = deps.clock.now().toISOString();
  if (!(await deps.connections.setLocations(connectionId, chosen, at))) {
    throw new ProblemError('conflict', 'the connection is no longer active');
  }
  return viewOf({ ...connection, locations: chosen, updatedAt: at }, available);
}

/**
 * Sets the connection's settings the supplier owns (today Trustpilot's reply author).
 * 1. The connection must be the supplier's (404) and a Trustpilot one (422 on the field: no other
 *    platform takes a reply author); a disconnected one cannot change (409).
 * 2. The new value replaces the old; every other setting is kept. Replies queued after this use it.
 */
export async function updateConnectionSettings(
  supplierId: string,
  connectionId: string,
  update: { readonly authorBusinessUserId: string },
  deps: Pick<ConnectionDeps, 'connections' | 'clock'>,
): Promise<ConnectionView> {
  const connection = await own(supplierId, connectionId, deps);
  if (connection.platform !== 'trustpilot') {
    throw new ProblemError('validation-error', 'this setting is not used by the platform', [
      { path: AUTHOR_SETTING, message: `only Trustpilot connections take one, not ${connection.platform}` },
    ]);
  }
  if (connection.status === 'disconnected') {
    throw new ProblemError('conflict', 'the connection is disconnected; connect again');
  }
  const settings = { ...(connection.settings ?? {}), [AUTHOR_SETTING]: update.authorBusinessUserId };
  const at = deps.clock.now().toISOString();
  if (!(await deps.connections.setSettings(connectionId, settings, at))) {
    throw new ProblemError('conflict', 'the connection is disconnected; connect again');
  }
  return viewOf(
    { ...connection, settings, updatedAt: at },
    await deps.connections.availableLocations(connectionId),
  );
}

/**
 * Disconnects.
 * 1. Revoke the grant at the platform where it offers that (Google's revoke endpoint, Facebook's
 *    permissions); a failed revocation does not stop the rest (the tokens are erased anyway).
 * 2. Erase every stored token of the connection.
 * 3. Mark it disconnected, with no locations, and audit it.
 */
export async function disconnect(
  supplierId: string,
  connectionId: string,
  deps: ConnectionDeps,
): Promise<void> {
  const connection = await own(supplierId, connectionId, deps);
  const correlationId = randomId('cor');
  let revoked = 'no grant to revoke';
  if (isOAuthPlatform(connection.platform)) {
    const stored = await deps.safe.read(connection, 'refresh').catch((error: unknown) => {
      deps.onRevokeFailed?.(error, connection);
      return undefined;
    });
    if (stored) {
      try {
        const done = await deps.oauth.revoke(connection.platform, stored.token, {
          platform: connection.platform,
          operation: 'token-revoke',
          supplierId,
          connectionId,
          correlationId,
        });
        revoked = done ? 'grant revoked at the platform' : 'the platform offers no revocation';
      } catch (error) {
        deps.onRevokeFailed?.(error, connection);
        revoked = `revocation failed (${isPlatformCallError(error) ? error.failure.kind : 'error'})`;
      }
    }
  }
  const erased = await deps.safe.erase(connectionId);
  const at = deps.clock.now().toISOString();
  await deps.connections.put({
    ...connection,
    status: 'disconnected',
    statusReason: 'disconnected by the supplier',
    locations: [],
    updatedAt: at,
  });
  await audit(
    deps,
    connection,
    { kind: 'disconnect' },
    'ok',
    correlationId,
    `${revoked}; ${erased} stored tokens erased`,
  );
}

function audit(
  deps: Pick<ConnectionDeps, 'audit' | 'clock'>,
  connection: Connection,
  action: AuditAction,
  outcome: 'ok' | PlatformFailureKind,
  correlationId: string,
  detail: string,
): Promise<void> {
  return deps.audit.append([
    {
      auditId: randomId('aud'),
      supplierId: connection.supplierId,
      platform: connection.platform,
      connectionId: connection.connectionId,
      action,
      at: deps.clock.now().toISOString(),
      outcome,
      correlationId,
      detail: detail.slice(0, 200),
    },
  ]);
}
