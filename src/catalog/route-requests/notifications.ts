/** The request schemas (query, raw body) of the `notifications` area's routes (inbound platform notifications). */
import {
  NOTIFICATION_MAX_BODY_BYTES,
  NOTIFICATION_MEDIA_TYPES,
  notificationRoutesSchemas,
} from '../../platforms';
import type { AreaRequests } from '../route-table';

export const NOTIFICATIONS_REQUESTS = {
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
