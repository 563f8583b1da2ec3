/**
 * What the public notification routes take and answer (the route table and OpenAPI read these):
 * Facebook's subscription handshake (GET with `hub.*` query parameters), and the POSTs the
 * platforms send (Facebook Page webhooks signed over the raw body, Google Pub/Sub pushes and
 * Trustpilot webhooks carrying our secret `token` in the URL). The body itself has no schema
 * here: it reaches the platform's verifier byte for byte (see each adapter's verifyNotification).
 * Each schema is built the first time it is read, not at load (ADR 0022, twelfth round).
 */
import * as z from '../../shared/zod';
import { lazy, lazyRecord } from '../../shared/lazy';

/** Notifications are small (Facebook batches up to ~1,000 updates); anything larger is refused (413). */
export const NOTIFICATION_MAX_BODY_BYTES = 1024 * 1024;

/** The media types a notification body may have: all three platforms send JSON. */
export const NOTIFICATION_MEDIA_TYPES = ['application/json'] as const;

const param = (max: number, description: string) =>
  z.optional(z.string().check(z.maxLength(max))).check(z.describe(description));

/** Facebook's verification GET (PLATFORMS.md §2). Checked by the Facebook verifier, not by schema. */
export const notificationChallengeQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    'hub.mode': param(64, 'Always `subscribe`.'),
    'hub.challenge': param(256, 'Echoed back as text/plain when the verify token matches.'),
    'hub.verify_token': param(512, 'Must equal the FacebookVerifyToken secret (else 403).'),
  }),
);

/** The POST's query: Google's push URL and Trustpilot's webhook URL carry our secret token. */
export const notificationQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    token: param(512, 'Google and Trustpilot: the push / webhook token (the secret in the registered URL).'),
    businessUnitId: param(
      200,
      "Trustpilot: the business unit whose webhook this is (its token is derived from it and the app's secret).",
    ),
  }),
);

/** The handshake's answer: the challenge, as text. */
export const notificationChallengeResponse = /* @__PURE__ */ lazy(() =>
  z.string().check(
    z.regex(/^[A-Za-z0-9_.-]{1,256}$/),
    z.meta({
      id: 'NotificationChallenge',
      description: "Facebook's hub.challenge, echoed as text/plain.",
      examples: ['1158201444'],
    }),
  ),
);

/** A verified notification, its targeted syncs on the Sync queue. */
export const notificationAcceptedResponse = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      received: z
        .number()
        .check(
          z.int(),
          z.gte(0),
          z.describe('Notifications (locations) the request named; replays and unknown locations included.'),
        ),
    })
    .check(
      z.meta({
        id: 'NotificationAccepted',
        description:
          'The notification is verified and its reviews are queued to be re-fetched from the platform.',
        examples: [{ received: 1 }],
      }),
    ),
);

/** The request schemas of the notification routes, for the route table. */
export const notificationRoutesSchemas = /* @__PURE__ */ lazyRecord({
  challengeQuery: notificationChallengeQuery,
  notificationQuery,
});

/** The response schemas of the notification routes, for the route table. */
export const notificationRoutesResponses = /* @__PURE__ */ lazyRecord({
  challenge: notificationChallengeResponse,
  accepted: notificationAcceptedResponse,
});
