/** The request schemas (body, query, raw body) of the `platforms` area's routes, for its function and the route table. */
import {
  auditRoutesSchemas,
  NOTIFICATION_MAX_BODY_BYTES,
  NOTIFICATION_MEDIA_TYPES,
  notificationRoutesSchemas,
  platformRoutesSchemas,
} from '../../platforms';
import type { AreaRequests } from '../route-table';

export const PLATFORMS_REQUESTS = {
  listAudit: {
    query: auditRoutesSchemas.listAuditQuery,
  },
  listOpsAudit: {
    query: auditRoutesSchemas.listOpsAuditQuery,
  },
  startConnection: {
    body: platformRoutesSchemas.startConnectionBody,
  },
  completeOAuthCallback: {
    query: platformRoutesSchemas.oauthCallbackQuery,
  },
  chooseConnectionLocations: {
    body: platformRoutesSchemas.chooseLocationsBody,
  },
  updateConnection: {
    body: platformRoutesSchemas.updateConnectionBody,
  },
  verifyPlatformNotifications: {
    query: notificationRoutesSchemas.challengeQuery,
  },
  receivePlatformNotification: {
    query: notificationRoutesSchemas.notificationQuery,
    rawBody: {
      mediaTypes: NOTIFICATION_MEDIA_TYPES,
      maxBytes: NOTIFICATION_MAX_BODY_BYTES,
      description:
        "The platform's notification, byte for byte: a Facebook Page webhook (signed: `X-Hub-Signature-256`), " +
        'a Google Pub/Sub push, or a Trustpilot review webhook. Never trusted: each review it names is re-fetched.',
    },
  },
} as const satisfies AreaRequests;
