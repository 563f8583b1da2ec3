/**
 * The request schemas (query, raw body) of the `notifications` area's routes (inbound platform
 * notifications). Each route's are built the first time they are read (ADR 0022, twelfth round).
 */
import {
  NOTIFICATION_MAX_BODY_BYTES,
  NOTIFICATION_MEDIA_TYPES,
  notificationRoutesSchemas,
} from '../../platforms';
import { lazyRecord } from '../../shared/lazy';
import type { AreaRequests } from '../route-table';

export const NOTIFICATIONS_REQUESTS = /* @__PURE__ */ lazyRecord({
  verifyPlatformNotifications: () => ({
    query: notificationRoutesSchemas.challengeQuery,
  }),
  receivePlatformNotification: () => ({
    query: notificationRoutesSchemas.notificationQuery,
    rawBody: {
      mediaTypes: NOTIFICATION_MEDIA_TYPES,
      maxBytes: NOTIFICATION_MAX_BODY_BYTES,
      description:
        "The platform's notification, byte for byte: a Facebook Page webhook (signed: `X-Hub-Signature-256`), " +
        'a Google Pub/Sub push, or a Trustpilot review webhook. Never trusted: each review it names is re-fetched.',
    },
  }),
}) satisfies AreaRequests;
