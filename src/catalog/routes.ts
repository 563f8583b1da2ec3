/**
 * The HTTP API, defined once. The CDK service stack builds API Gateway resources, methods and
 * request models from this table; the API Lambda and the local gateway route with it, the API
 * handler validates each route's body and query with the schemas named here, and the OpenAPI
 * document (src/catalog/openapi.ts) is generated from it: request and response schemas, examples,
 * auth and the errors each route can answer.
 */
import * as z from 'zod';
import { modelsRoutesResponses, modelsRoutesSchemas } from '../models';
import { platformRoutesResponses, platformRoutesSchemas } from '../platforms';
import { reviewRoutesResponses, reviewRoutesSchemas } from '../reviews';
import { replyAcceptedResponse, replyBody } from '../platforms';
import { webhookRoutesResponses, webhookRoutesSchemas } from '../webhooks';
import { auditRoutesResponses, auditRoutesSchemas } from '../platforms';
import { importRoutesResponses, importRoutesSchemas } from '../imports';
import {
  NOTIFICATION_MAX_BODY_BYTES,
  NOTIFICATION_MEDIA_TYPES,
  notificationRoutesResponses,
  notificationRoutesSchemas,
} from '../platforms';
import { privacyRoutesResponses, privacyRoutesSchemas } from '../privacy';
import type { ProblemKind } from '../shared/problem';
// API keys and the admin audit trail (issue 9)
import { apiKeyRoutesResponses, apiKeyRoutesSchemas } from '../access';
import { adminActPageResponse, listAdminActsQuery, listOpsAdminActsQuery } from '../audit';
// Real-time updates (issue 14)
import { realtimeTokenBody, realtimeTokenResponse } from '../realtime';
// Deep health (issue 11)
import { healthReportSchema } from '../recovery';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * Who may call: a supplier's API key, also a couple's review-link token, an ops key, or anyone
 * (`public`: no authorizer in API Gateway or the local gateway, no credential read by the handler).
 */
export type RouteAuth = 'supplier' | 'supplier-or-review-token' | 'ops' | 'public';

/** The area a route belongs to: its tag in the API description. */
export type RouteArea =
  | 'reviews'
  | 'webhooks'
  | 'models'
  | 'meta'
  | 'platforms'
  | 'imports'
  | 'access'
  // Real-time updates (issue 14)
  | 'realtime'
  | 'privacy';

/** The success answer of a route. */
export interface RouteResponse {
  readonly status: 200 | 201 | 202 | 204;
  readonly description: string;
  /**
   * The body's schema (none for 204): a zod schema with `.meta({ id, examples })`, so the API
   * description names it and shows its first example.
   */
  readonly schema?: z.ZodType;
  /** Headers of the success answer: name -> description. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Other success answers the same operation gives (e.g. 201 for a shareable link, 202 for an e-mail). */
  readonly alternatives?: readonly Omit<RouteResponse, 'alternatives'>[];
  /** The body's media type when it is not `application/json` (e.g. `text/plain` for a handshake). */
  readonly mediaType?: string;
}

/**
 * A body the route takes UNPARSED: the API handler checks only its media type (415) and size
 * (413) and hands the operation the bytes exactly as received (signatures such as Facebook's
 * `X-Hub-Signature-256` are computed over them). API Gateway has no request model for it either
 * (no route has one), so the local gateway and AWS answer the same. Exclusive with `body`.
 */
export interface RawBodyDefinition {
  /** Accepted media types (the Content-Type without parameters, lower case). */
  readonly mediaTypes: readonly string[];
  /** The largest body the operation reads (below API Gateway's own 10 MB). */
  readonly maxBytes: number;
  /** What the body is, for the API description. */
  readonly description: string;
}

export type OperationId =
  | 'createReviewRequest'
  | 'getReviewRequest'
  | 'submitReview'
  | 'getReview'
  | 'listReviews'
  | 'getReviewSummary'
  | 'classifyTexts'
  | 'getModelsStatus'
  | 'createWebhookEndpoint'
  | 'listWebhookEndpoints'
  | 'getWebhookEndpoint'
  | 'updateWebhookEndpoint'
  | 'deleteWebhookEndpoint'
  | 'rotateWebhookSecret'
  | 'getWebhookSecret'
  | 'listWebhookDeliveries'
  | 'replayWebhookEvents'
  | 'getReplayJob'
  | 'retryWebhookDelivery'
  | 'getOpenApiDocument'
  | 'startConnection'
  | 'completeOAuthCallback'
  | 'listConnections'
  | 'getConnection'
  | 'chooseConnectionLocations'
  | 'deleteConnection'
  | 'listAudit'
  | 'listOpsAudit'
  | 'getIntegrationHealth'
  | 'getOpsIntegrationHealth'
  | 'createImport'
  | 'startImport'
  | 'getImport'
  | 'listImportErrors'
  | 'replyToReview'
  | 'deleteReviewReply'
  | 'updateConnection'
  | 'verifyPlatformNotifications'
  | 'receivePlatformNotification'
  // API keys and the admin audit trail (issue 9)
  | 'createApiKey'
  | 'listApiKeys'
  | 'revokeApiKey'
  | 'listAdminAudit'
  | 'listOpsAdminAudit'
  // Real-time updates (issue 14)
  | 'createRealtimeToken'
  // Data subject requests (issue 9)
  | 'exportSubjectData'
  | 'requestSubjectErasure'
  | 'getSubjectErasure'
  // Deep health (issue 11)
  | 'getHealth';

export interface RouteDefinition {
  readonly operation: OperationId;
  readonly method: HttpMethod;
  /** API Gateway path template, `{name}` for a path parameter. */
  readonly path: string;
  readonly auth: RouteAuth;
  /** The query string the route accepts (a strict object of strings); without it, any query is a 400. */
  readonly query?: z.ZodObject;
  /** The JSON body the route takes; without it (and without `rawBody`), any body is a 400. */
  readonly body?: z.ZodType;
  /** A body taken unparsed, byte for byte (inbound platform notifications); see RawBodyDefinition. */
  readonly rawBody?: RawBodyDefinition;
  readonly summary: string;
  /** Request headers the operation reads, besides Authorization and Content-Type: name -> description. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly area: RouteArea;
  readonly response: RouteResponse;
  /**
   * Problems the operation itself may answer beyond those that follow from the route's auth, path
   * parameters and body (400, 401, 403, 404, 413, 415, 422, 429, 503), e.g. `conflict`.
   */
  readonly problems?: readonly ProblemKind[];
  /**
   * Honours an `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header): the same key
   * with the same body replays the first answer; see functions/api/idempotency.ts.
   */
  readonly idempotent?: true;
}

/** The answer of GET /v1/openapi.json (the document itself is described by OpenAPI 3.1). */
export const openApiDocumentResponse = z
  .looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({
    id: 'OpenApiDocument',
    description: 'This API description (OpenAPI 3.1, JSON Schema 2020-12).',
    examples: [
      { openapi: '3.1.0', info: { title: 'WedSync Integration Platform API', version: '0.1.0' }, paths: {} },
    ],
  });

const LOCATION = { Location: 'Where the created or accepted resource is read.' };

/** The query parameter names a route accepts, from its schema. */
export const queryParameterNames = (route: RouteDefinition): string[] =>
  route.query ? Object.keys(route.query.shape) : [];

export const ROUTES: readonly RouteDefinition[] = [
  {
    operation: 'classifyTexts',
    method: 'POST',
    path: '/v1/classify',
    auth: 'supplier',
    body: modelsRoutesSchemas.classifyTextsBody,
    summary: 'Classify 1-100 texts with an in-process model (sentiment or expense category).',
    area: 'models',
    response: {
      status: 200,
      description: 'One label per text.',
      schema: modelsRoutesResponses.classifyTexts,
    },
  },
  {
    operation: 'getModelsStatus',
    method: 'GET',
    path: '/v1/ops/models',
    auth: 'ops',
    query: modelsRoutesSchemas.modelsStatusQuery,
    summary: 'Loaded models, cards, and per-variant traffic, label mix, confidence, drift and agreement.',
    area: 'models',
    response: {
      status: 200,
      description: 'The models and their window.',
      schema: modelsRoutesResponses.modelsStatus,
    },
  },
  {
    operation: 'createReviewRequest',
    method: 'POST',
    path: '/v1/review-requests',
    auth: 'supplier',
    body: reviewRoutesSchemas.createReviewRequestBody,
    summary:
      'Create a review request: its private link is e-mailed to the couple (202, no token in the answer; reviews made with it are verified), or with delivery=link a shareable link is returned (201; never verified). At most REVIEW_REQUESTS_PER_DAY a day (429 with Retry-After).',
    idempotent: true,
    area: 'reviews',
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
  {
    operation: 'getReviewRequest',
    method: 'GET',
    path: '/v1/review-requests/{id}',
    auth: 'supplier',
    summary: 'One review request of the calling supplier: delivery and e-mail status (queued, sent, failed).',
    area: 'reviews',
    response: {
      status: 200,
      description: 'The review request (never its token).',
      schema: reviewRoutesResponses.reviewRequest,
    },
  },
  {
    operation: 'submitReview',
    method: 'POST',
    path: '/v1/reviews',
    auth: 'supplier-or-review-token',
    body: reviewRoutesSchemas.submitReviewBody,
    headers: {
      'Idempotency-Key':
        'Also the natural key of a supplier import without platform + externalId: the same key always gives ' +
        'the same review id. 1-200 visible ASCII characters; the same key and body replays the first answer ' +
        '(`Idempotent-Replayed: true`), another body is a 422 `idempotency-key-reuse`, one still running a 409.',
    },
    idempotent: true,
    summary: 'Submit (couple, with token) or import (supplier, with API key) a review; 202 once queued.',
    area: 'reviews',
    response: {
      status: 202,
      description: 'Queued for storage.',
      schema: reviewRoutesResponses.reviewAccepted,
      headers: LOCATION,
    },
  },
  {
    operation: 'getReviewSummary',
    method: 'GET',
    path: '/v1/reviews/summary',
    auth: 'supplier',
    summary: 'Count, average rating, counts by rating and by platform.',
    area: 'reviews',
    response: { status: 200, description: 'The summary.', schema: reviewRoutesResponses.reviewSummary },
  },
  {
    operation: 'getReview',
    method: 'GET',
    path: '/v1/reviews/{id}',
    auth: 'supplier',
    summary: 'One review of the calling supplier.',
    area: 'reviews',
    response: { status: 200, description: 'The review.', schema: reviewRoutesResponses.review },
  },
  {
    operation: 'listReviews',
    method: 'GET',
    path: '/v1/reviews',
    auth: 'supplier',
    query: reviewRoutesSchemas.listReviewsQuery,
    summary: "The calling supplier's reviews, newest first, filtered, with an opaque cursor.",
    area: 'reviews',
    response: { status: 200, description: 'A page of reviews.', schema: reviewRoutesResponses.reviewPage },
  },
  {
    operation: 'replyToReview',
    method: 'POST',
    path: '/v1/reviews/{id}/reply',
    auth: 'supplier',
    body: replyBody,
    summary:
      "Reply to a review on its platform (Google, Trustpilot, Facebook, Yelp with partner access): queued (202); the review's `reply` shows pending, then published or failed. 409 when the review was not synced from a connected platform, was removed there, or the platform takes no replies by API.",
    area: 'reviews',
    response: {
      status: 202,
      description: 'The reply is queued for the platform.',
      schema: replyAcceptedResponse,
    },
    problems: ['conflict'],
  },
  {
    operation: 'deleteReviewReply',
    method: 'DELETE',
    path: '/v1/reviews/{id}/reply',
    auth: 'supplier',
    summary:
      "Delete the supplier's reply to a review on its platform: queued (202), the review's `reply` shows the state. 409 as for a reply.",
    area: 'reviews',
    response: {
      status: 202,
      description: 'The deletion is queued for the platform.',
      schema: replyAcceptedResponse,
    },
    problems: ['conflict'],
  },
  {
    operation: 'createWebhookEndpoint',
    method: 'POST',
    path: '/v1/webhook-endpoints',
    auth: 'supplier',
    body: webhookRoutesSchemas.createWebhookEndpointBody,
    idempotent: true,
    summary:
      'Register a webhook endpoint (https URL, event types, optional secretRotation); returns its signing secret.',
    area: 'webhooks',
    response: {
      status: 201,
      description: 'The endpoint, with its secret (also readable later with GET .../secret).',
      schema: webhookRoutesResponses.endpointWithSecret,
      headers: LOCATION,
    },
    // 409: the supplier already has the maximum number of endpoints.
    problems: ['conflict'],
  },
  {
    operation: 'listWebhookEndpoints',
    method: 'GET',
    path: '/v1/webhook-endpoints',
    auth: 'supplier',
    query: webhookRoutesSchemas.listEndpointsQuery,
    summary: "The calling supplier's webhook endpoints (without secrets), a page at a time (limit, cursor).",
    area: 'webhooks',
    response: {
      status: 200,
      description: 'A page of endpoints.',
      schema: webhookRoutesResponses.endpointList,
    },
  },
  {
    operation: 'getWebhookEndpoint',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}',
    auth: 'supplier',
    summary: 'One webhook endpoint (without its secret).',
    area: 'webhooks',
    response: { status: 200, description: 'The endpoint.', schema: webhookRoutesResponses.endpoint },
  },
  {
    operation: 'updateWebhookEndpoint',
    method: 'PATCH',
    path: '/v1/webhook-endpoints/{id}',
    auth: 'supplier',
    body: webhookRoutesSchemas.updateWebhookEndpointBody,
    summary: 'Change event types, description, or enabled (re-enabling resets the circuit breaker).',
    area: 'webhooks',
    response: { status: 200, description: 'The changed endpoint.', schema: webhookRoutesResponses.endpoint },
  },
  {
    operation: 'deleteWebhookEndpoint',
    method: 'DELETE',
    path: '/v1/webhook-endpoints/{id}',
    auth: 'supplier',
    summary: 'Delete a webhook endpoint; pending deliveries to it are dropped.',
    area: 'webhooks',
    response: { status: 204, description: 'Deleted; no body.' },
  },
  {
    operation: 'rotateWebhookSecret',
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/rotate-secret',
    auth: 'supplier',
    summary: 'New signing secret; the old one keeps signing alongside it for the overlap.',
    area: 'webhooks',
    response: {
      status: 200,
      description: 'The endpoint, with its new secret.',
      schema: webhookRoutesResponses.endpointWithSecret,
    },
  },
  {
    operation: 'getWebhookSecret',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/secret',
    auth: 'supplier',
    summary:
      'The signing secrets: the current one, and during a rotation overlap the previous one (pick up a scheduled rotation).',
    area: 'webhooks',
    response: {
      status: 200,
      description: 'The current secret; the previous one and its expiry during an overlap.',
      schema: webhookRoutesResponses.endpointSecret,
    },
  },
  {
    operation: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/deliveries',
    auth: 'supplier',
    query: webhookRoutesSchemas.listDeliveriesQuery,
    summary: 'Delivery attempts of an endpoint, newest first: time, status, latency, response, error.',
    area: 'webhooks',
    response: {
      status: 200,
      description: 'A page of deliveries.',
      schema: webhookRoutesResponses.deliveryPage,
    },
  },
  {
    operation: 'replayWebhookEvents',
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/replay',
    auth: 'supplier',
    body: webhookRoutesSchemas.replayWebhookEventsBody,
    summary:
      'Start a replay job: deliver again every subscribed event since a time (at most 14 days back); 202 with the job.',
    area: 'webhooks',
    // 409: the endpoint is disabled.
    problems: ['conflict'],
    response: {
      status: 202,
      description: 'The replay job, queued.',
      schema: webhookRoutesResponses.replayJob,
      headers: LOCATION,
    },
  },
  {
    operation: 'getReplayJob',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/replays/{jobId}',
    auth: 'supplier',
    summary: 'Progress of a replay job: status (queued, running, completed, failed) and counts.',
    area: 'webhooks',
    response: { status: 200, description: 'The replay job.', schema: webhookRoutesResponses.replayJob },
  },
  {
    operation: 'retryWebhookDelivery',
    method: 'POST',
    path: '/v1/deliveries/{id}/retry',
    auth: 'supplier',
    summary: 'Send a delivery again now (a new attempt with the same webhook-id).',
    area: 'webhooks',
    response: { status: 202, description: 'Queued.', schema: webhookRoutesResponses.retryAccepted },
    problems: ['conflict'],
  },
  {
    operation: 'listAudit',
    method: 'GET',
    path: '/v1/audit',
    auth: 'supplier',
    query: auditRoutesSchemas.listAuditQuery,
    summary:
      "The calling supplier's platform audit trail (every platform call, connect, disconnect, token event), newest first, filtered, with an opaque cursor.",
    area: 'platforms',
    response: {
      status: 200,
      description: 'A page of audit entries.',
      schema: auditRoutesResponses.auditPage,
    },
  },
  {
    operation: 'listOpsAudit',
    method: 'GET',
    path: '/v1/ops/audit',
    auth: 'ops',
    query: auditRoutesSchemas.listOpsAuditQuery,
    summary:
      "Ops: any supplier's or any platform's audit trail (supplierId or platform required), newest first.",
    area: 'platforms',
    response: {
      status: 200,
      description: 'A page of audit entries.',
      schema: auditRoutesResponses.auditPage,
    },
  },
  {
    operation: 'getIntegrationHealth',
    method: 'GET',
    path: '/v1/integrations/health',
    auth: 'supplier',
    summary:
      "Health of the calling supplier's platform connections: breaker, last success and failure, error rate over 5 min and 1 h, quota headroom, sync lag.",
    area: 'platforms',
    response: {
      status: 200,
      description: 'Per platform used and per connection.',
      schema: auditRoutesResponses.integrationHealth,
    },
  },
  {
    operation: 'getOpsIntegrationHealth',
    method: 'GET',
    path: '/v1/ops/integrations/health',
    auth: 'ops',
    summary:
      'Ops: health of every platform, with sync lag over all active connections and the most lagging ones.',
    area: 'platforms',
    response: {
      status: 200,
      description: 'Per platform, with its most lagging connections.',
      schema: auditRoutesResponses.integrationHealth,
    },
  },
  {
    operation: 'getOpenApiDocument',
    method: 'GET',
    path: '/v1/openapi.json',
    auth: 'public',
    summary: 'This API description (OpenAPI 3.1), generated from the route table; no credentials needed.',
    area: 'meta',
    response: { status: 200, description: 'The OpenAPI document.', schema: openApiDocumentResponse },
  },
  {
    operation: 'startConnection',
    method: 'POST',
    path: '/v1/connections',
    auth: 'supplier',
    body: platformRoutesSchemas.startConnectionBody,
    summary:
      'Connect a review platform: OAuth platforms answer the consent URL (PKCE S256, signed state, 10 min); Yelp (API key) is active at once.',
    area: 'platforms',
    response: {
      status: 201,
      description: 'The connection (pending until the callback, active for Yelp) and where to consent.',
      schema: platformRoutesResponses.connectionStarted,
      headers: LOCATION,
    },
  },
  {
    operation: 'completeOAuthCallback',
    method: 'GET',
    path: '/v1/oauth/callback',
    auth: 'public',
    query: platformRoutesSchemas.oauthCallbackQuery,
    summary:
      "The platforms' OAuth redirect: verifies the state (signature, expiry, single use), exchanges the code and activates the connection.",
    area: 'platforms',
    response: {
      status: 200,
      description: 'The active connection with the locations the account offers.',
      schema: platformRoutesResponses.connection,
    },
    // 400: bad or expired state, consent refused, the platform refused the code; 409: state already used.
    problems: ['bad-request', 'conflict'],
  },
  {
    operation: 'listConnections',
    method: 'GET',
    path: '/v1/connections',
    auth: 'supplier',
    summary: "The calling supplier's platform connections.",
    area: 'platforms',
    response: {
      status: 200,
      description: 'Every connection.',
      schema: platformRoutesResponses.connectionList,
    },
  },
  {
    operation: 'getConnection',
    method: 'GET',
    path: '/v1/connections/{connectionId}',
    auth: 'supplier',
    summary: 'One connection, with the locations its platform account offers.',
    area: 'platforms',
    response: { status: 200, description: 'The connection.', schema: platformRoutesResponses.connection },
  },
  {
    operation: 'chooseConnectionLocations',
    method: 'PUT',
    path: '/v1/connections/{connectionId}/locations',
    auth: 'supplier',
    body: platformRoutesSchemas.chooseLocationsBody,
    summary: 'Choose which of the offered locations sync (kept locations keep their sync position).',
    area: 'platforms',
    response: { status: 200, description: 'The connection.', schema: platformRoutesResponses.connection },
    // 409: the connection is not active.
    problems: ['conflict'],
  },
  {
    operation: 'deleteConnection',
    method: 'DELETE',
    path: '/v1/connections/{connectionId}',
    auth: 'supplier',
    summary: 'Disconnect: revoke the grant at the platform where possible, erase the stored tokens.',
    area: 'platforms',
    response: { status: 204, description: 'Disconnected; no body.' },
  },
  {
    operation: 'updateConnection',
    method: 'PATCH',
    path: '/v1/connections/{connectionId}',
    auth: 'supplier',
    body: platformRoutesSchemas.updateConnectionBody,
    summary:
      "Set a connection's settings: Trustpilot's `authorBusinessUserId`, the business user replies are written as " +
      '(Trustpilot offers no documented way to look it up).',
    area: 'platforms',
    response: { status: 200, description: 'The connection.', schema: platformRoutesResponses.connection },
    // 409: the connection is disconnected (422 for a platform that takes no such setting).
    problems: ['conflict'],
  },
  {
    operation: 'createImport',
    method: 'POST',
    path: '/v1/imports',
    auth: 'supplier',
    body: importRoutesSchemas.createImportBody,
    summary:
      'Create a review import (CSV template for weddingwire/theknot, or JSON lines): 201 with a pre-signed PUT ' +
      'URL for the file, or with `content` (a small file in the body) an import already queued. docs/imports.md.',
    area: 'imports',
    response: {
      status: 201,
      description: 'The import, and where to upload its file (absent when the file came in the body).',
      schema: importRoutesResponses.importCreated,
      headers: LOCATION,
    },
  },
  {
    operation: 'startImport',
    method: 'POST',
    path: '/v1/imports/{importId}/start',
    auth: 'supplier',
    summary:
      'Start an import once its file is uploaded (409 if it is not there yet); calling it again is harmless.',
    area: 'imports',
    // 409: no file uploaded yet; 413: the file is larger than 50 MiB (the import fails).
    problems: ['conflict', 'payload-too-large'],
    response: {
      status: 202,
      description: 'The import, queued (or its current state if it was started before).',
      schema: importRoutesResponses.importJob,
      headers: LOCATION,
    },
  },
  {
    operation: 'getImport',
    method: 'GET',
    path: '/v1/imports/{importId}',
    auth: 'supplier',
    summary:
      'An import’s status (awaiting-upload, queued, running, completed, failed), row counts and progress.',
    area: 'imports',
    response: { status: 200, description: 'The import.', schema: importRoutesResponses.importJob },
  },
  {
    operation: 'listImportErrors',
    method: 'GET',
    path: '/v1/imports/{importId}/errors',
    auth: 'supplier',
    query: importRoutesSchemas.listImportErrorsQuery,
    summary: 'Rejected rows of an import in line order, with the reason, a page at a time (limit, cursor).',
    area: 'imports',
    response: {
      status: 200,
      description: 'A page of rejected rows.',
      schema: importRoutesResponses.importErrorPage,
    },
  }, // Inbound platform notifications (issue 8): public, authenticated by each platform's own proof
  // (Facebook's signature and verify token, the secret token in Google's and Trustpilot's URLs).
  {
    operation: 'verifyPlatformNotifications',
    method: 'GET',
    path: '/v1/platforms/{platform}/notifications',
    auth: 'public',
    query: notificationRoutesSchemas.challengeQuery,
    summary:
      "Facebook's webhook subscription handshake: answers `hub.challenge` as text/plain when `hub.verify_token` " +
      'matches the FacebookVerifyToken secret (403 otherwise, 400 when hub.mode is not subscribe).',
    area: 'platforms',
    response: {
      status: 200,
      description: 'The challenge, exactly as sent.',
      schema: notificationRoutesResponses.challenge,
      mediaType: 'text/plain',
    },
    // 401: no verify token configured; 403: wrong verify token.
    problems: ['unauthorized', 'forbidden'],
  },
  {
    operation: 'receivePlatformNotification',
    method: 'POST',
    path: '/v1/platforms/{platform}/notifications',
    auth: 'public',
    query: notificationRoutesSchemas.notificationQuery,
    rawBody: {
      mediaTypes: NOTIFICATION_MEDIA_TYPES,
      maxBytes: NOTIFICATION_MAX_BODY_BYTES,
      description:
        "The platform's notification, byte for byte: a Facebook Page webhook (signed: `X-Hub-Signature-256`), " +
        'a Google Pub/Sub push, or a Trustpilot review webhook. Never trusted: each review it names is re-fetched.',
    },
    headers: {
      'X-Hub-Signature-256': 'Facebook: `sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.',
    },
    summary:
      'Inbound platform notification (facebook, google, trustpilot): verified on the raw body, replays dropped, ' +
      'a targeted sync queued per named review; the review is re-fetched from the platform (stored, updated or removed).',
    area: 'platforms',
    response: {
      status: 200,
      description:
        'Verified; its reviews are queued to be re-fetched (a replay is acknowledged the same way).',
      schema: notificationRoutesResponses.accepted,
    },
    // 401: bad signature or token; 403: refused; 404 (path): a platform without notifications.
    problems: ['unauthorized', 'forbidden'],
  }, // Real-time updates (issue 14): a short-lived token to open the WebSocket (docs/realtime.md).
  {
    operation: 'createRealtimeToken',
    method: 'POST',
    path: '/v1/realtime/tokens',
    auth: 'supplier',
    body: realtimeTokenBody,
    summary:
      'A 5-minute token to open the real-time WebSocket (`wss://…?token=`): a supplier key gets its reviews channel; ' +
      "the WedSync app's key names a wedding (`weddingId`) and gets its schedule and budget channels. docs/realtime.md.",
    area: 'realtime',
    response: {
      status: 201,
      description: 'The token and the channels it may subscribe to.',
      schema: realtimeTokenResponse,
    },
    // 403: a supplier other than the WedSync app naming a wedding.
    problems: ['forbidden'],
  },
  // API keys and the admin audit trail (issue 9). A revoked or expired key is refused within the
  // authorizer cache TTL + 4 s in AWS (34 s by default), 5 s locally (src/access/domain/revocation.ts).
  {
    operation: 'createApiKey',
    method: 'POST',
    path: '/v1/api-keys',
    auth: 'supplier',
    body: apiKeyRoutesSchemas.createApiKeyBody,
    summary:
      'Create an API key (at most 2 active: rotate by creating the second, switching, revoking the first); ' +
      'the key is in this answer only. Optional expiry (expiresInDays, 1-365). Audited (api_key.created).',
    area: 'access',
    // 409: two active keys already.
    problems: ['conflict'],
    response: {
      status: 201,
      description: 'The new key, with its secret (shown once).',
      schema: apiKeyRoutesResponses.createdApiKey,
    },
  },
  {
    operation: 'listApiKeys',
    method: 'GET',
    path: '/v1/api-keys',
    auth: 'supplier',
    summary:
      "The supplier's keys, newest first: id, label, creation, expiry, last use (recorded at most every 5 minutes) and status; never a secret or hash.",
    area: 'access',
    response: { status: 200, description: 'The keys.', schema: apiKeyRoutesResponses.apiKeyList },
  },
  {
    operation: 'revokeApiKey',
    method: 'DELETE',
    path: '/v1/api-keys/{keyId}',
    auth: 'supplier',
    summary:
      'Revoke a key: refused within the authorizer cache TTL + 4 s (34 s in AWS by default, 5 s locally). ' +
      'Revoking the last active key is a 409 (create its replacement first); revoking twice is harmless. Audited (api_key.revoked).',
    area: 'access',
    // 409: the last active key.
    problems: ['conflict'],
    response: { status: 200, description: 'The revoked key.', schema: apiKeyRoutesResponses.apiKey },
  },
  {
    operation: 'listAdminAudit',
    method: 'GET',
    path: '/v1/audit/admin',
    auth: 'supplier',
    query: listAdminActsQuery,
    summary:
      'The admin acts on the calling supplier’s data (keys created, revoked; endpoints created, changed, deleted, secrets rotated; connections made, removed; ...), newest first, with actor, source IP and request id; filtered, with a cursor.',
    area: 'access',
    response: { status: 200, description: 'A page of admin acts.', schema: adminActPageResponse },
  },
  {
    operation: 'listOpsAdminAudit',
    method: 'GET',
    path: '/v1/ops/audit/admin',
    auth: 'ops',
    query: listOpsAdminActsQuery,
    summary:
      'Ops: every admin act (any supplier, and system-wide acts), newest first; supplierId, kind, actorType, target, from, to, cursor.',
    area: 'access',
    response: { status: 200, description: 'A page of admin acts.', schema: adminActPageResponse },
  },
  // Data subject requests (issue 9): ops only; the address travels in the body, never in a URL.
  {
    operation: 'exportSubjectData',
    method: 'POST',
    path: '/v1/ops/privacy/exports',
    auth: 'ops',
    body: privacyRoutesSchemas.subjectExportBody,
    summary:
      'Ops: everything held about a person, by e-mail address (review requests, reviews, logged events and their deliveries), as one JSON document; audited.',
    area: 'privacy',
    response: {
      status: 200,
      description: 'The export document (docs/privacy.md).',
      schema: privacyRoutesResponses.subjectExport,
    },
  },
  {
    operation: 'requestSubjectErasure',
    method: 'POST',
    path: '/v1/ops/privacy/erasures',
    auth: 'ops',
    body: privacyRoutesSchemas.erasureBody,
    summary:
      "Ops: erase a person's data by e-mail address (review requests deleted, reviews anonymised, logged payloads purged, suppliers told); a tombstone keeps it from coming back. Idempotent.",
    area: 'privacy',
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
  {
    operation: 'getSubjectErasure',
    method: 'GET',
    path: '/v1/ops/privacy/erasures/{erasureId}',
    auth: 'ops',
    summary: 'Ops: the state of an erasure (in progress or done) and what it changed.',
    area: 'privacy',
    response: { status: 200, description: 'The erasure.', schema: privacyRoutesResponses.erasure },
  },
  // Deep health (issue 11): what Route 53's health checkers call; they cannot send a credential, so
  // the route is public and its body names only the dependencies and how each probe ended.
  {
    operation: 'getHealth',
    method: 'GET',
    path: '/v1/health',
    auth: 'public',
    summary:
      "This region's deep health: DynamoDB, SQS and the signing secret each probed within 1 s. 503 (a problem " +
      'with the same `region` and `checks`) when any fails: Route 53 then routes clients to another region.',
    area: 'meta',
    response: {
      status: 200,
      description: 'Every dependency answered.',
      schema: healthReportSchema,
      headers: { 'Cache-Control': 'no-store: every call probes again.' },
    },
  },
];

export interface RouteMatch {
  readonly route: RouteDefinition;
  readonly pathParameters: Record<string, string>;
}

/** A route's path template as segments: a literal, or the name of a `{parameter}`. */
type Segment = { readonly literal: string } | { readonly parameter: string };

function templateSegments(path: string): readonly Segment[] {
  return path
    .split('/')
    .map((segment) =>
      /^\{\w+\}$/.test(segment) ? { parameter: segment.slice(1, -1) } : { literal: segment },
    );
}

/**
 * Compared segment by segment, as API Gateway routes: a literal matches only itself, a parameter
 * any non-empty segment, and one trailing slash is ignored. (Compiling a RegExp with named groups
 * per route cost the API function several milliseconds of its init, ADR 0022.)
 */
function matchSegments(
  template: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (template.length !== parts.length) return undefined;
  const groups: Record<string, string> = {};
  for (const [index, segment] of template.entries()) {
    const part = parts[index] ?? '';
    if ('literal' in segment) {
      if (part !== segment.literal) return undefined;
    } else if (part === '') return undefined;
    else groups[segment.parameter] = part;
  }
  return groups;
}

const COMPILED = ROUTES.map((route) => ({ route, segments: templateSegments(route.path) }));

/**
 * Literal segments win over parameters (`/v1/reviews/summary` before `/v1/reviews/{id}`). A path
 * parameter that is not valid percent-encoded UTF-8 (`/v1/reviews/%E0%A4%A`) is `malformed-path`
 * (a 400), never an exception.
 */
export function matchRoute(
  method: string,
  path: string,
):
  | { kind: 'match'; match: RouteMatch }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'malformed-path'; parameter: string }
  | { kind: 'not-found' } {
  const parts = (path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  const candidates = COMPILED.flatMap(({ route, segments }) => {
    const groups = matchSegments(segments, parts);
    return groups ? [{ route, groups }] : [];
  });
  if (candidates.length === 0) return { kind: 'not-found' };
  const hit = candidates.find(({ route }) => route.method === method.toUpperCase());
  if (!hit)
    return { kind: 'method-not-allowed', allowed: [...new Set(candidates.map((c) => c.route.method))] };
  const { groups } = hit;
  const pathParameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(groups)) {
    try {
      pathParameters[key] = decodeURIComponent(value);
    } catch {
      return { kind: 'malformed-path', parameter: key };
    }
  }
  return { kind: 'match', match: { route: hit.route, pathParameters } };
}
