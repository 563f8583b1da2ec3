/**
 * The HTTP API, defined once, in three parts (issue 12, ADR 0022 "Sixth round"): what the Lambda
 * functions route with (src/catalog/route-table.ts: method, path, auth, area, idempotency), each
 * area's request schemas (src/catalog/route-requests/), and here what only the description needs
 * (summary, request headers, the success answers' schemas and examples, the problems an operation
 * may answer). `ROUTES` composes the three, in the route table's order: the CDK stacks build API
 * Gateway resources and methods from it, the local gateway routes with it, and the OpenAPI document
 * (src/catalog/openapi.ts) is generated from it. The functions never import this module: an area's
 * function bundles its own request schemas and no response schema.
 */
import * as z from '../shared/zod';
import { lazy } from '../shared/lazy';
import { modelsRoutesResponses } from '../models';
import { platformRoutesResponses } from '../platforms';
import { reviewRoutesResponses } from '../reviews';
import { replyAcceptedResponse } from '../platforms';
import { webhookRoutesResponses } from '../webhooks';
import { auditRoutesResponses } from '../platforms';
import { importRoutesResponses } from '../imports';
import { notificationRoutesResponses } from '../platforms';
import { privacyRoutesResponses } from '../privacy';
import type { ProblemKind } from '../shared/problem';
// API keys and the admin audit trail (issue 9)
import { apiKeyRoutesResponses } from '../access';
import { adminActPageResponse } from '../audit';
// Real-time updates (issue 14)
import { realtimeTokenResponse } from '../realtime';
// Deep health (issue 11)
import { healthReportSchema } from '../recovery';
import {
  ROUTE_TABLE,
  routeMatcher,
  type AreaRequests,
  type OperationId,
  type RouteEntry,
  type RouteRequest,
} from './route-table';
import { ACCESS_REQUESTS } from './route-requests/access';
import { IMPORTS_REQUESTS } from './route-requests/imports';
import { MODELS_REQUESTS } from './route-requests/models';
import { PLATFORMS_REQUESTS } from './route-requests/platforms';
import { NOTIFICATIONS_REQUESTS } from './route-requests/notifications';
import { PRIVACY_REQUESTS } from './route-requests/privacy';
import { REALTIME_REQUESTS } from './route-requests/realtime';
import { REVIEWS_REQUESTS } from './route-requests/reviews';
import { WEBHOOKS_REQUESTS } from './route-requests/webhooks';

export type {
  HttpMethod,
  OperationId,
  RawBodyDefinition,
  RouteArea,
  RouteAuth,
  RouteEntry,
  RouteRequest,
} from './route-table';

/** The success answer of a route. */
export interface RouteResponse {
  readonly status: 200 | 201 | 202 | 204;
  readonly description: string;
  /**
   * The body's schema (none for 204): a zod schema with `.check(z.meta({ id, examples }))`, so the API
   * description names it and shows its first example.
   */
  readonly schema?: z.ZodMiniType;
  /** Headers of the success answer: name -> description. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Other success answers the same operation gives (e.g. 201 for a shareable link, 202 for an e-mail). */
  readonly alternatives?: readonly Omit<RouteResponse, 'alternatives'>[];
  /** The body's media type when it is not `application/json` (e.g. `text/plain` for a handshake). */
  readonly mediaType?: string;
}

/** What only the API description reads: the prose, the request headers, the answers. */
export interface RouteDocs {
  readonly summary: string;
  /** Request headers the operation reads, besides Authorization and Content-Type: name -> description. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly response: RouteResponse;
  /**
   * Problems the operation itself may answer beyond those that follow from the route's auth, path
   * parameters and body (400, 401, 403, 404, 413, 415, 422, 429, 503), e.g. `conflict`.
   */
  readonly problems?: readonly ProblemKind[];
}

/** A whole route: its run-time entry, its request checks and its description. */
export interface RouteDefinition extends RouteEntry, RouteRequest, RouteDocs {}

/** The answer of GET /v1/openapi.json (the document itself is described by OpenAPI 3.1). */
export const openApiDocumentResponse = /* @__PURE__ */ lazy(() =>
  z
    .looseObject({
      openapi: z.string().check(z.regex(/^3\.1\.\d+$/)),
      info: z.looseObject({ title: z.string(), version: z.string() }),
      paths: z.record(z.string(), z.unknown()),
    })
    .check(
      z.meta({
        id: 'OpenApiDocument',
        description: 'This API description (OpenAPI 3.1, JSON Schema 2020-12).',
        examples: [
          {
            openapi: '3.1.0',
            info: { title: 'WedSync Integration Platform API', version: '0.1.0' },
            paths: {},
          },
        ],
      }),
    ),
);

const LOCATION = { Location: 'Where the created or accepted resource is read.' };

/** The query parameter names a route accepts, from its schema. */
export const queryParameterNames = (route: RouteDefinition): string[] =>
  route.query ? Object.keys(route.query.shape) : [];

/**
 * Each operation's description, built the first time the route table is composed: it reads every
 * answer schema, which the `Api` function needs only when it serves the OpenAPI document (ADR 0022,
 * fifteenth round).
 */
const routeDocs = /* @__PURE__ */ lazy((): Readonly<Record<OperationId, RouteDocs>> => ({
  classifyTexts: {
    summary: 'Classify 1-100 texts with an in-process model (sentiment or expense category).',
    response: {
      status: 200,
      description: 'One label per text.',
      schema: modelsRoutesResponses.classifyTexts,
    },
  },
  getModelsStatus: {
    summary: 'Loaded models, cards, and per-variant traffic, label mix, confidence, drift and agreement.',
    response: {
      status: 200,
      description: 'The models and their window.',
      schema: modelsRoutesResponses.modelsStatus,
    },
  },
  createReviewRequest: {
    summary:
      'Create a review request: its private link is e-mailed to the couple (202, no token in the answer; reviews made with it are verified), or with delivery=link a shareable link is returned (201; never verified). At most REVIEW_REQUESTS_PER_DAY a day (429 with Retry-After).',
    response: {
      status: 202,
      description: 'The request is stored and its e-mail queued; the link never comes back to the supplier.',
      schema: reviewRoutesResponses.reviewRequestQueued,
      headers: LOCATION,
      alternatives: [
        {
          status: 201,
          description: 'delivery=link: a shareable link token (reviews made with it are not verified).',
          schema: reviewRoutesResponses.reviewRequestCreated,
          headers: LOCATION,
        },
      ],
    },
  },
  getReviewRequest: {
    summary: 'One review request of the calling supplier: delivery and e-mail status (queued, sent, failed).',
    response: {
      status: 200,
      description: 'The review request (never its token).',
      schema: reviewRoutesResponses.reviewRequest,
    },
  },
  submitReview: {
    headers: {
      'Idempotency-Key':
        'Also the natural key of a supplier import without platform + externalId: the same key always gives ' +
        'the same review id. 1-200 visible ASCII characters; the same key and body replays the first answer ' +
        '(`Idempotent-Replayed: true`), another body is a 422 `idempotency-key-reuse`, one still running a 409.',
    },
    summary: 'Submit (couple, with token) or import (supplier, with API key) a review; 202 once queued.',
    response: {
      status: 202,
      description: 'Queued for storage.',
      schema: reviewRoutesResponses.reviewAccepted,
      headers: LOCATION,
    },
  },
  getReviewSummary: {
    summary: 'Count, average rating, counts by rating and by platform.',
    response: { status: 200, description: 'The summary.', schema: reviewRoutesResponses.reviewSummary },
  },
  getReview: {
    summary: 'One review of the calling supplier.',
    response: { status: 200, description: 'The review.', schema: reviewRoutesResponses.review },
  },
  listReviews: {
    summary: "The calling supplier's reviews, newest first, filtered, with an opaque cursor.",
    response: { status: 200, description: 'A page of reviews.', schema: reviewRoutesResponses.reviewPage },
  },
  replyToReview: {
    summary:
      "Reply to a review on its platform (Google, Trustpilot, Facebook, Yelp with partner access): queued (202); the review's `reply` shows pending, then published or failed. 409 when the review was not synced from a connected platform, was removed there, or the platform takes no replies by API.",
    response: {
      status: 202,
      description: 'The reply is queued for the platform.',
      schema: replyAcceptedResponse(),
    },
    problems: ['conflict'],
  },
  deleteReviewReply: {
    summary:
      "Delete the supplier's reply to a review on its platform: queued (202), the review's `reply` shows the state. 409 as for a reply.",
    response: {
      status: 202,
      description: 'The deletion is queued for the platform.',
      schema: replyAcceptedResponse(),
    },
    problems: ['conflict'],
  },
  createWebhookEndpoint: {
    summary:
      'Register a webhook endpoint (https URL, event types, optional secretRotation); returns its signing secret.',
    response: {
      status: 201,
      description: 'The endpoint, with its secret (also readable later with GET .../secret).',
      schema: webhookRoutesResponses.endpointWithSecret,
      headers: LOCATION,
    },
    // 409: the supplier already has the maximum number of endpoints.
    problems: ['conflict'],
  },
  listWebhookEndpoints: {
    summary: "The calling supplier's webhook endpoints (without secrets), a page at a time (limit, cursor).",
    response: {
      status: 200,
      description: 'A page of endpoints.',
      schema: webhookRoutesResponses.endpointList,
    },
  },
  getWebhookEndpoint: {
    summary: 'One webhook endpoint (without its secret).',
    response: { status: 200, description: 'The endpoint.', schema: webhookRoutesResponses.endpoint },
  },
  updateWebhookEndpoint: {
    summary: 'Change event types, description, or enabled (re-enabling resets the circuit breaker).',
    response: { status: 200, description: 'The changed endpoint.', schema: webhookRoutesResponses.endpoint },
  },
  deleteWebhookEndpoint: {
    summary: 'Delete a webhook endpoint; pending deliveries to it are dropped.',
    response: { status: 204, description: 'Deleted; no body.' },
  },
  rotateWebhookSecret: {
    summary: 'New signing secret; the old one keeps signing alongside it for the overlap.',
    response: {
      status: 200,
      description: 'The endpoint, with its new secret.',
      schema: webhookRoutesResponses.endpointWithSecret,
    },
  },
  getWebhookSecret: {
    summary:
      'The signing secrets: the current one, and during a rotation overlap the previous one (pick up a scheduled rotation).',
    response: {
      status: 200,
      description: 'The current secret; the previous one and its expiry during an overlap.',
      schema: webhookRoutesResponses.endpointSecret,
    },
  },
  listWebhookDeliveries: {
    summary: 'Delivery attempts of an endpoint, newest first: time, status, latency, response, error.',
    response: {
      status: 200,
      description: 'A page of deliveries.',
      schema: webhookRoutesResponses.deliveryPage,
    },
  },
  replayWebhookEvents: {
    summary:
      'Start a replay job: deliver again every subscribed event since a time (at most 14 days back); 202 with the job.',
    // 409: the endpoint is disabled.
    problems: ['conflict'],
    response: {
      status: 202,
      description: 'The replay job, queued.',
      schema: webhookRoutesResponses.replayJob,
      headers: LOCATION,
    },
  },
  getReplayJob: {
    summary: 'Progress of a replay job: status (queued, running, completed, failed) and counts.',
    response: { status: 200, description: 'The replay job.', schema: webhookRoutesResponses.replayJob },
  },
  retryWebhookDelivery: {
    summary: 'Send a delivery again now (a new attempt with the same webhook-id).',
    response: { status: 202, description: 'Queued.', schema: webhookRoutesResponses.retryAccepted },
    problems: ['conflict'],
  },
  listAudit: {
    summary:
      "The calling supplier's platform audit trail (every platform call, connect, disconnect, token event), newest first, filtered, with an opaque cursor.",
    response: {
      status: 200,
      description: 'A page of audit entries.',
      schema: auditRoutesResponses.auditPage,
    },
  },
  listOpsAudit: {
    summary:
      "Ops: any supplier's or any platform's audit trail (supplierId or platform required), newest first.",
    response: {
      status: 200,
      description: 'A page of audit entries.',
      schema: auditRoutesResponses.auditPage,
    },
  },
  getIntegrationHealth: {
    summary:
      "Health of the calling supplier's platform connections: breaker, last success and failure, error rate over 5 min and 1 h, quota headroom, sync lag.",
    response: {
      status: 200,
      description: 'Per platform used and per connection.',
      schema: auditRoutesResponses.integrationHealth,
    },
  },
  getOpsIntegrationHealth: {
    summary:
      'Ops: health of every platform, with sync lag over all active connections and the most lagging ones.',
    response: {
      status: 200,
      description: 'Per platform, with its most lagging connections.',
      schema: auditRoutesResponses.integrationHealth,
    },
  },
  getOpenApiDocument: {
    summary: 'This API description (OpenAPI 3.1), generated from the route table; no credentials needed.',
    response: { status: 200, description: 'The OpenAPI document.', schema: openApiDocumentResponse() },
  },
  startConnection: {
    summary:
      'Connect a review platform: OAuth platforms answer the consent URL (PKCE S256, signed state, 10 min); Yelp (API key) is active at once.',
    response: {
      status: 201,
      description: 'The connection (pending until the callback, active for Yelp) and where to consent.',
      schema: platformRoutesResponses.connectionStarted,
      headers: LOCATION,
    },
  },
  completeOAuthCallback: {
    summary:
      "The platforms' OAuth redirect: verifies the state (signature, expiry, single use), exchanges the code and activates the connection.",
    response: {
      status: 200,
      description: 'The active connection with the locations the account offers.',
      schema: platformRoutesResponses.connection,
    },
    // 400: bad or expired state, consent refused, the platform refused the code; 409: state already used.
    problems: ['bad-request', 'conflict'],
  },
  listConnections: {
    summary: "The calling supplier's platform connections.",
    response: {
      status: 200,
      description: 'Every connection.',
      schema: platformRoutesResponses.connectionList,
    },
  },
  getConnection: {
    summary: 'One connection, with the locations its platform account offers.',
    response: { status: 200, description: 'The connection.', schema: platformRoutesResponses.connection },
  },
  chooseConnectionLocations: {
    summary: 'Choose which of the offered locations sync (kept locations keep their sync position).',
    response: { status: 200, description: 'The connection.', schema: platformRoutesResponses.connection },
    // 409: the connection is not active.
    problems: ['conflict'],
  },
  deleteConnection: {
    summary: 'Disconnect: revoke the grant at the platform where possible, erase the stored tokens.',
    response: { status: 204, description: 'Disconnected; no body.' },
  },
  updateConnection: {
    summary:
      "Set a connection's settings: Trustpilot's `authorBusinessUserId`, the business user replies are written as " +
      '(Trustpilot offers no documented way to look it up).',
    response: { status: 200, description: 'The connection.', schema: platformRoutesResponses.connection },
    // 409: the connection is disconnected (422 for a platform that takes no such setting).
    problems: ['conflict'],
  },
  createImport: {
    summary:
      'Create a review import (CSV template for weddingwire/theknot, or JSON lines): 201 with a pre-signed PUT ' +
      'URL for the file, or with `content` (a small file in the body) an import already queued. docs/imports.md.',
    response: {
      status: 201,
      description: 'The import, and where to upload its file (absent when the file came in the body).',
      schema: importRoutesResponses.importCreated,
      headers: LOCATION,
    },
  },
  startImport: {
    summary:
      'Start an import once its file is uploaded (409 if it is not there yet); calling it again is harmless.',
    // 409: no file uploaded yet; 413: the file is larger than 50 MiB (the import fails).
    problems: ['conflict', 'payload-too-large'],
    response: {
      status: 202,
      description: 'The import, queued (or its current state if it was started before).',
      schema: importRoutesResponses.importJob,
      headers: LOCATION,
    },
  },
  getImport: {
    summary:
      'An import’s status (awaiting-upload, queued, running, completed, failed), row counts and progress.',
    response: { status: 200, description: 'The import.', schema: importRoutesResponses.importJob },
  },
  listImportErrors: {
    summary: 'Rejected rows of an import in line order, with the reason, a page at a time (limit, cursor).',
    response: {
      status: 200,
      description: 'A page of rejected rows.',
      schema: importRoutesResponses.importErrorPage,
    },
  },
  // Inbound platform notifications (issue 8): public, authenticated by each platform's own proof
  // (Facebook's signature and verify token, the secret token in Google's and Trustpilot's URLs).
  verifyPlatformNotifications: {
    summary:
      "Facebook's webhook subscription handshake: answers `hub.challenge` as text/plain when `hub.verify_token` " +
      'matches the FacebookVerifyToken secret (403 otherwise, 400 when hub.mode is not subscribe).',
    response: {
      status: 200,
      description: 'The challenge, exactly as sent.',
      schema: notificationRoutesResponses.challenge,
      mediaType: 'text/plain',
    },
    // 401: no verify token configured; 403: wrong verify token.
    problems: ['unauthorized', 'forbidden'],
  },
  receivePlatformNotification: {
    headers: {
      'X-Hub-Signature-256': 'Facebook: `sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.',
    },
    summary:
      'Inbound platform notification (facebook, google, trustpilot): verified on the raw body, replays dropped, ' +
      'a targeted sync queued per named review; the review is re-fetched from the platform (stored, updated or removed).',
    response: {
      status: 200,
      description:
        'Verified; its reviews are queued to be re-fetched (a replay is acknowledged the same way).',
      schema: notificationRoutesResponses.accepted,
    },
    // 401: bad signature or token; 403: refused; 404 (path): a platform without notifications.
    problems: ['unauthorized', 'forbidden'],
  },
  // Real-time updates (issue 14): a short-lived token to open the WebSocket (docs/realtime.md).
  createRealtimeToken: {
    summary:
      'A 5-minute token to open the real-time WebSocket (`wss://…?token=`): a supplier key gets its reviews channel; ' +
      "the WedSync app's key names a wedding (`weddingId`) and gets its schedule and budget channels. docs/realtime.md.",
    response: {
      status: 201,
      description: 'The token and the channels it may subscribe to.',
      schema: realtimeTokenResponse(),
    },
    // 403: a supplier other than the WedSync app naming a wedding.
    problems: ['forbidden'],
  },
  // API keys and the admin audit trail (issue 9). A revoked or expired key is refused within the
  // authorizer cache TTL + 4 s in AWS (34 s by default), 5 s locally (src/access/domain/revocation.ts).
  createApiKey: {
    summary:
      'Create an API key (at most 2 active: rotate by creating the second, switching, revoking the first); ' +
      'the key is in this answer only. Optional expiry (expiresInDays, 1-365). Audited (api_key.created).',
    // 409: two active keys already.
    problems: ['conflict'],
    response: {
      status: 201,
      description: 'The new key, with its secret (shown once).',
      schema: apiKeyRoutesResponses.createdApiKey,
    },
  },
  listApiKeys: {
    summary:
      "The supplier's keys, newest first: id, label, creation, expiry, last use (recorded at most every 5 minutes) and status; never a secret or hash.",
    response: { status: 200, description: 'The keys.', schema: apiKeyRoutesResponses.apiKeyList },
  },
  revokeApiKey: {
    summary:
      'Revoke a key: refused within the authorizer cache TTL + 4 s (34 s in AWS by default, 5 s locally). ' +
      'Revoking the last active key is a 409 (create its replacement first); revoking twice is harmless. Audited (api_key.revoked).',
    // 409: the last active key.
    problems: ['conflict'],
    response: { status: 200, description: 'The revoked key.', schema: apiKeyRoutesResponses.apiKey },
  },
  listAdminAudit: {
    summary:
      'The admin acts on the calling supplier’s data (keys created, revoked; endpoints created, changed, deleted, secrets rotated; connections made, removed; ...), newest first, with actor, source IP and request id; filtered, with a cursor.',
    response: { status: 200, description: 'A page of admin acts.', schema: adminActPageResponse() },
  },
  listOpsAdminAudit: {
    summary:
      'Ops: every admin act (any supplier, and system-wide acts), newest first; supplierId, kind, actorType, target, from, to, cursor.',
    response: { status: 200, description: 'A page of admin acts.', schema: adminActPageResponse() },
  },
  // Data subject requests (issue 9): ops only; the address travels in the body, never in a URL.
  exportSubjectData: {
    summary:
      'Ops: everything held about a person, by e-mail address (review requests, reviews, logged events and their deliveries), as one JSON document; audited.',
    response: {
      status: 200,
      description: 'The export document (docs/privacy.md).',
      schema: privacyRoutesResponses.subjectExport,
    },
  },
  requestSubjectErasure: {
    summary:
      "Ops: erase a person's data by e-mail address (review requests deleted, reviews anonymised, logged payloads purged, suppliers told); a tombstone keeps it from coming back. Idempotent.",
    response: {
      status: 202,
      description: 'Accepted: the erasure runs on a queue; follow it at Location.',
      schema: privacyRoutesResponses.erasure,
      headers: LOCATION,
      alternatives: [
        {
          status: 200,
          description: 'Already erased, and this request asks for nothing more: the recorded outcome.',
          schema: privacyRoutesResponses.erasure,
        },
      ],
    },
  },
  getSubjectErasure: {
    summary: 'Ops: the state of an erasure (in progress or done) and what it changed.',
    response: { status: 200, description: 'The erasure.', schema: privacyRoutesResponses.erasure },
  },
  // Deep health (issue 11): what Route 53's health checkers call; they cannot send a credential, so
  // the route is public and its body names only the dependencies and how each probe ended.
  getHealth: {
    summary:
      "This region's deep health: DynamoDB, SQS and the signing secret each probed within 1 s. 503 (a problem " +
      'with the same `region` and `checks`) when any fails: Route 53 then routes clients to another region.',
    response: {
      status: 200,
      description: 'Every dependency answered.',
      schema: healthReportSchema(),
      headers: { 'Cache-Control': 'no-store: every call probes again.' },
    },
  },
}));

/** Every area's request checks (the meta area's routes take none); a spread reads, so builds, them all. */
const routeRequests = /* @__PURE__ */ lazy((): AreaRequests => ({
  ...REVIEWS_REQUESTS,
  ...MODELS_REQUESTS,
  ...WEBHOOKS_REQUESTS,
  ...PLATFORMS_REQUESTS,
  ...NOTIFICATIONS_REQUESTS,
  ...IMPORTS_REQUESTS,
  ...REALTIME_REQUESTS,
  ...ACCESS_REQUESTS,
  ...PRIVACY_REQUESTS,
}));

export const ROUTE_REQUESTS: AreaRequests = /* @__PURE__ */ routeRequests();

/**
 * The whole routes, composed on the first call (then kept): what the OpenAPI document is generated
 * from when `GET /v1/openapi.json` is first served, so the `Api` function builds no schema at load.
 */
export const routeDefinitions = /* @__PURE__ */ lazy((): readonly RouteDefinition[] =>
  ROUTE_TABLE.map((entry) => ({
    ...entry,
    ...routeRequests()[entry.operation],
    ...routeDocs()[entry.operation],
  })),
);

/** The whole routes, composed at load: the CDK stacks, the local gateway and the tests read them. */
export const ROUTES: readonly RouteDefinition[] = /* @__PURE__ */ routeDefinitions();

/** The same matching as the functions' (src/catalog/route-table.ts), answering whole routes. */
export const matchRoute = /* @__PURE__ */ routeMatcher(ROUTES);
