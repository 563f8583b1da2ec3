/**
 * The HTTP API's routes as the Lambda functions need them at run time (issue 12, ADR 0022 "Sixth
 * round"): operation, method, path, who may call, the area (which names the function that serves
 * the route, src/catalog/functions.ts) and whether it honours an Idempotency-Key. No schemas: each
 * area's request schemas are in src/catalog/route-requests/, the answers' schemas and the prose
 * only in src/catalog/routes.ts, which composes the whole route table (the CDK stacks, the local
 * gateway and the OpenAPI document read that one). This module imports nothing, so an area's
 * function bundles every route's path (for 404/405) and only its own area's schemas.
 */
import type * as z from '../shared/zod';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * Who may call: a supplier's API key, also a couple's review-link token, an ops key, or anyone
 * (`public`: no authorizer in API Gateway or the local gateway, no credential read by the handler).
 */
export type RouteAuth = 'supplier' | 'supplier-or-review-token' | 'ops' | 'public';

/**
 * The area a route belongs to: which function serves it, and its tag in the API description (one
 * tag per area, except that the platforms' inbound notifications are tagged as the platforms).
 */
export type RouteArea =
  | 'reviews'
  | 'webhooks'
  | 'models'
  | 'meta'
  | 'platforms'
  // Inbound platform notifications (issue 8): public, in a function of their own (ADR 0022 tenth round)
  | 'notifications'
  | 'imports'
  | 'access'
  // Real-time updates (issue 14)
  | 'realtime'
  | 'privacy';

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

/** A route as the functions route and authorize it; src/catalog/routes.ts adds its schemas and docs. */
export interface RouteEntry {
  readonly operation: OperationId;
  readonly method: HttpMethod;
  /** API Gateway path template, `{name}` for a path parameter. */
  readonly path: string;
  readonly auth: RouteAuth;
  /** The area: its tag in the API description, and which function serves the route. */
  readonly area: RouteArea;
  /**
   * Honours an `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header): the same key
   * with the same body replays the first answer; see functions/api/idempotency.ts.
   */
  readonly idempotent?: true;
}

/**
 * How a route's request is checked, beside its entry: the query string it accepts (a strict object
 * of strings; without it, any query is a 400), the JSON body it takes (without it and without
 * `rawBody`, any body is a 400), or a body taken unparsed. Each area's are in
 * src/catalog/route-requests/<area>.ts (a type-only zod import here: nothing is bundled).
 */
export interface RouteRequest {
  readonly query?: z.ZodMiniObject;
  readonly body?: z.ZodMiniType;
  readonly rawBody?: RawBodyDefinition;
}

/** An area's request checks, by operation (a unit test checks each names only its area's operations). */
export type AreaRequests = Partial<Record<OperationId, RouteRequest>>;

export const ROUTE_TABLE: readonly RouteEntry[] = [
  {
    operation: 'classifyTexts',
    method: 'POST',
    path: '/v1/classify',
    auth: 'supplier',
    area: 'models',
  },
  {
    operation: 'getModelsStatus',
    method: 'GET',
    path: '/v1/ops/models',
    auth: 'ops',
    area: 'models',
  },
  {
    operation: 'createReviewRequest',
    method: 'POST',
    path: '/v1/review-requests',
    auth: 'supplier',
    idempotent: true,
    area: 'reviews',
  },
  {
    operation: 'getReviewRequest',
    method: 'GET',
    path: '/v1/review-requests/{id}',
    auth: 'supplier',
    area: 'reviews',
  },
  {
    operation: 'submitReview',
    method: 'POST',
    path: '/v1/reviews',
    auth: 'supplier-or-review-token',
    idempotent: true,
    area: 'reviews',
  },
  {
    operation: 'getReviewSummary',
    method: 'GET',
    path: '/v1/reviews/summary',
    auth: 'supplier',
    area: 'reviews',
  },
  {
    operation: 'getReview',
    method: 'GET',
    path: '/v1/reviews/{id}',
    auth: 'supplier',
    area: 'reviews',
  },
  {
    operation: 'listReviews',
    method: 'GET',
    path: '/v1/reviews',
    auth: 'supplier',
    area: 'reviews',
  },
  {
    operation: 'replyToReview',
    method: 'POST',
    path: '/v1/reviews/{id}/reply',
    auth: 'supplier',
    area: 'reviews',
  },
  {
    operation: 'deleteReviewReply',
    method: 'DELETE',
    path: '/v1/reviews/{id}/reply',
    auth: 'supplier',
    area: 'reviews',
  },
  {
    operation: 'createWebhookEndpoint',
    method: 'POST',
    path: '/v1/webhook-endpoints',
    auth: 'supplier',
    idempotent: true,
    area: 'webhooks',
  },
  {
    operation: 'listWebhookEndpoints',
    method: 'GET',
    path: '/v1/webhook-endpoints',
    auth: 'supplier',
    area: 'webhooks',
  },
  {
    operation: 'getWebhookEndpoint',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}',
    auth: 'supplier',
    area: 'webhooks',
  },
  {
    operation: 'updateWebhookEndpoint',
    method: 'PATCH',
    path: '/v1/webhook-endpoints/{id}',
    auth: 'supplier',
    area: 'webhooks',
  },
  {
    operation: 'deleteWebhookEndpoint',
    method: 'DELETE',
    path: '/v1/webhook-endpoints/{id}',
    auth: 'supplier',
    area: 'webhooks',
  },
  {
    operation: 'rotateWebhookSecret',
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/rotate-secret',
    auth: 'supplier',
    area: 'webhooks',
  },
  {
    operation: 'getWebhookSecret',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/secret',
    auth: 'supplier',
    area: 'webhooks',
  },
  {
    operation: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/deliveries',
    auth: 'supplier',
    area: 'webhooks',
  },
  {
    operation: 'replayWebhookEvents',
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/replay',
    auth: 'supplier',
    area: 'webhooks',
  },
  {
    operation: 'getReplayJob',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/replays/{jobId}',
    auth: 'supplier',
    area: 'webhooks',
  },
  {
    operation: 'retryWebhookDelivery',
    method: 'POST',
    path: '/v1/deliveries/{id}/retry',
    auth: 'supplier',
    area: 'webhooks',
  },
  {
    operation: 'listAudit',
    method: 'GET',
    path: '/v1/audit',
    auth: 'supplier',
    area: 'platforms',
  },
  {
    operation: 'listOpsAudit',
    method: 'GET',
    path: '/v1/ops/audit',
    auth: 'ops',
    area: 'platforms',
  },
  {
    operation: 'getIntegrationHealth',
    method: 'GET',
    path: '/v1/integrations/health',
    auth: 'supplier',
    area: 'platforms',
  },
  {
    operation: 'getOpsIntegrationHealth',
    method: 'GET',
    path: '/v1/ops/integrations/health',
    auth: 'ops',
    area: 'platforms',
  },
  {
    operation: 'getOpenApiDocument',
    method: 'GET',
    path: '/v1/openapi.json',
    auth: 'public',
    area: 'meta',
  },
  {
    operation: 'startConnection',
    method: 'POST',
    path: '/v1/connections',
    auth: 'supplier',
    area: 'platforms',
  },
  {
    operation: 'completeOAuthCallback',
    method: 'GET',
    path: '/v1/oauth/callback',
    auth: 'public',
    area: 'platforms',
  },
  {
    operation: 'listConnections',
    method: 'GET',
    path: '/v1/connections',
    auth: 'supplier',
    area: 'platforms',
  },
  {
    operation: 'getConnection',
    method: 'GET',
    path: '/v1/connections/{connectionId}',
    auth: 'supplier',
    area: 'platforms',
  },
  {
    operation: 'chooseConnectionLocations',
    method: 'PUT',
    path: '/v1/connections/{connectionId}/locations',
    auth: 'supplier',
    area: 'platforms',
  },
  {
    operation: 'deleteConnection',
    method: 'DELETE',
    path: '/v1/connections/{connectionId}',
    auth: 'supplier',
    area: 'platforms',
  },
  {
    operation: 'updateConnection',
    method: 'PATCH',
    path: '/v1/connections/{connectionId}',
    auth: 'supplier',
    area: 'platforms',
  },
  {
    operation: 'createImport',
    method: 'POST',
    path: '/v1/imports',
    auth: 'supplier',
    area: 'imports',
  },
  {
    operation: 'startImport',
    method: 'POST',
    path: '/v1/imports/{importId}/start',
    auth: 'supplier',
    area: 'imports',
  },
  {
    operation: 'getImport',
    method: 'GET',
    path: '/v1/imports/{importId}',
    auth: 'supplier',
    area: 'imports',
  },
  {
    operation: 'listImportErrors',
    method: 'GET',
    path: '/v1/imports/{importId}/errors',
    auth: 'supplier',
    area: 'imports',
  },
  // Inbound platform notifications (issue 8): public, authenticated by each platform's own proof
  // (Facebook's signature and verify token, the secret token in Google's and Trustpilot's URLs).
  {
    operation: 'verifyPlatformNotifications',
    method: 'GET',
    path: '/v1/platforms/{platform}/notifications',
    auth: 'public',
    area: 'notifications',
  },
  {
    operation: 'receivePlatformNotification',
    method: 'POST',
    path: '/v1/platforms/{platform}/notifications',
    auth: 'public',
    area: 'notifications',
  },
  // Real-time updates (issue 14): a short-lived token to open the WebSocket (docs/realtime.md).
  {
    operation: 'createRealtimeToken',
    method: 'POST',
    path: '/v1/realtime/tokens',
    auth: 'supplier',
    area: 'realtime',
  },
  // API keys and the admin audit trail (issue 9). A revoked or expired key is refused within the
  // authorizer cache TTL + 4 s in AWS (34 s by default), 5 s locally (src/access/domain/revocation.ts).
  {
    operation: 'createApiKey',
    method: 'POST',
    path: '/v1/api-keys',
    auth: 'supplier',
    area: 'access',
  },
  {
    operation: 'listApiKeys',
    method: 'GET',
    path: '/v1/api-keys',
    auth: 'supplier',
    area: 'access',
  },
  {
    operation: 'revokeApiKey',
    method: 'DELETE',
    path: '/v1/api-keys/{keyId}',
    auth: 'supplier',
    area: 'access',
  },
  {
    operation: 'listAdminAudit',
    method: 'GET',
    path: '/v1/audit/admin',
    auth: 'supplier',
    area: 'access',
  },
  {
    operation: 'listOpsAdminAudit',
    method: 'GET',
    path: '/v1/ops/audit/admin',
    auth: 'ops',
    area: 'access',
  },
  // Data subject requests (issue 9): ops only; the address travels in the body, never in a URL.
  {
    operation: 'exportSubjectData',
    method: 'POST',
    path: '/v1/ops/privacy/exports',
    auth: 'ops',
    area: 'privacy',
  },
  {
    operation: 'requestSubjectErasure',
    method: 'POST',
    path: '/v1/ops/privacy/erasures',
    auth: 'ops',
    area: 'privacy',
  },
  {
    operation: 'getSubjectErasure',
    method: 'GET',
    path: '/v1/ops/privacy/erasures/{erasureId}',
    auth: 'ops',
    area: 'privacy',
  },
  // Deep health (issue 11): what Route 53's health checkers call; they cannot send a credential, so
  // the route is public and its body names only the dependencies and how each probe ended.
  {
    operation: 'getHealth',
    method: 'GET',
    path: '/v1/health',
    auth: 'public',
    area: 'meta',
  },
];

export interface RouteMatch<R extends RouteEntry = RouteEntry> {
  readonly route: R;
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

/**
 * Literal segments win over parameters (`/v1/reviews/summary` before `/v1/reviews/{id}`). A path
 * parameter that is not valid percent-encoded UTF-8 (`/v1/reviews/%E0%A4%A`) is `malformed-path`
 * (a 400), never an exception.
 */
export type RouteMatchResult<R extends RouteEntry = RouteEntry> =
  | { kind: 'match'; match: RouteMatch<R> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'malformed-path'; parameter: string }
  | { kind: 'not-found' };

/** A matcher over a route list (compiled once): the run-time table here, the whole one in routes.ts. */
export function routeMatcher<R extends RouteEntry>(
  routes: readonly R[],
): (method: string, path: string) => RouteMatchResult<R> {
  const compiled = routes.map((route) => ({ route, segments: templateSegments(route.path) }));
  return (method, path) => {
    const parts = (path.endsWith('/') ? path.slice(0, -1) : path).split('/');
    const candidates = compiled.flatMap(({ route, segments }) => {
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
  };
}

/** Matches against the run-time table: what every API function routes with. */
export const matchRoute = routeMatcher(ROUTE_TABLE);
