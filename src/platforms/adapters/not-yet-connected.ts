/**
 * MERGE PLACEHOLDERS. The real ConnectionStore (DynamoDB), TokenProvider (KMS-encrypted refresh
 * tokens) and platform adapters are built on other branches of issue 8; until they are plugged
 * into src/wiring.ts (`platformConnectionStore`, `platformTokenProvider`, `platformAdapters`),
 * these stand in with the honest behaviour of a deployment that has no platform connections:
 * no connection exists, no credentials can be had, and no platform takes replies (the reply
 * route answers 409, a queued reply fails `not-connected`). Nothing here pretends to succeed.
 */
import {
  CONNECTED_PLATFORMS,
  PlatformCallError,
  type ConnectedPlatform,
  type NotificationVerdict,
} from '../domain/platform';
import type { Connection } from '../domain/connection';
import type { CallContext, ConnectionStore, Credentials, PlatformAdapter, TokenProvider } from '../ports';

const NOT_BUILT = 'platform connections are not wired into this build yet';

export const noConnections: ConnectionStore = {
  get: async () => undefined,
  getById: async () => undefined,
  list: async () => [],
  listActive: async () => ({ items: [] }),
  put: async () => {
    throw new Error(NOT_BUILT);
  },
  setStatus: async () => false,
  saveCursor: async () => {
    throw new Error(NOT_BUILT);
  },
};

export const noTokens: TokenProvider = {
  credentialsFor: (connection: Connection, context: CallContext): Promise<Credentials> =>
    Promise.reject(
      new PlatformCallError(connection.platform, context.operation, {
        kind: 'reauth-required',
        reason: NOT_BUILT,
      }),
    ),
  refreshAfterRejection: (connection: Connection, context: CallContext): Promise<Credentials> =>
    Promise.reject(
      new PlatformCallError(connection.platform, context.operation, {
        kind: 'reauth-required',
        reason: NOT_BUILT,
      }),
    ),
};

function unsupportedAdapter(platform: ConnectedPlatform): PlatformAdapter {
  const refuse = (operation: CallContext['operation']) =>
    Promise.reject(new PlatformCallError(platform, operation, { kind: 'unsupported', reason: NOT_BUILT }));
  return {
    platform,
    supportsReplies: false,
    listChanges: () => refuse('list'),
    get: () => refuse('get'),
    reply: () => refuse('reply'),
    deleteReply: () => refuse('delete-reply'),
    verifyNotification: (): NotificationVerdict => ({ kind: 'rejected', status: 403, reason: NOT_BUILT }),
  };
}

export const noAdapters = (): Record<ConnectedPlatform, PlatformAdapter> =>
  Object.fromEntries(CONNECTED_PLATFORMS.map((p) => [p, unsupportedAdapter(p)])) as Record<
    ConnectedPlatform,
    PlatformAdapter
  >;
