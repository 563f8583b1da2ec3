/**
 * The HTTP API, defined once. The CDK service stack builds API Gateway resources and methods from
 * this table; the API Lambda and the local gateway route with it.
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Who may call: a supplier's API key, or also a couple's review-link token. */
export type RouteAuth = 'supplier' | 'supplier-or-review-token';

export type OperationId =
  'createReviewRequest' | 'submitReview' | 'getReview' | 'listReviews' | 'getReviewSummary';

export interface RouteDefinition {
  readonly operation: OperationId;
  readonly method: HttpMethod;
  /** API Gateway path template, `{name}` for a path parameter. */
  readonly path: string;
  readonly auth: RouteAuth;
  /** Query-string parameters the route accepts (anything else is a 400). */
  readonly query?: readonly string[];
  readonly acceptsBody: boolean;
  readonly summary: string;
}

export const ROUTES: readonly RouteDefinition[] = [
  {
    operation: 'createReviewRequest',
    method: 'POST',
    path: '/v1/review-requests',
    auth: 'supplier',
    acceptsBody: true,
    summary: 'Create a review request for a couple; returns a signed, expiring review-link token.',
  },
  {
    operation: 'submitReview',
    method: 'POST',
    path: '/v1/reviews',
    auth: 'supplier-or-review-token',
    acceptsBody: true,
    summary: 'Submit (couple, with token) or import (supplier, with API key) a review; 202 once queued.',
  },
  {
    operation: 'getReviewSummary',
    method: 'GET',
    path: '/v1/reviews/summary',
    auth: 'supplier',
    acceptsBody: false,
    summary: 'Count, average rating, counts by rating and by platform.',
  },
  {
    operation: 'getReview',
    method: 'GET',
    path: '/v1/reviews/{id}',
    auth: 'supplier',
    acceptsBody: false,
    summary: 'One review of the calling supplier.',
  },
  {
    operation: 'listReviews',
    method: 'GET',
    path: '/v1/reviews',
    auth: 'supplier',
    query: ['rating', 'platform', 'from', 'to', 'limit', 'cursor'],
    acceptsBody: false,
    summary: "The calling supplier's reviews, newest first, filtered, with an opaque cursor.",
  },
];

export interface RouteMatch {
  readonly route: RouteDefinition;
  readonly pathParameters: Record<string, string>;
}

function templateToRegExp(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((segment) => (/^\{\w+\}$/.test(segment) ? `(?<${segment.slice(1, -1)}>[^/]+)` : segment))
    .join('/');
  return new RegExp(`^${pattern}/?$`);
}

const COMPILED = ROUTES.map((route) => ({ route, regexp: templateToRegExp(route.path) }));

/** Literal segments win over parameters (`/v1/reviews/summary` before `/v1/reviews/{id}`). */
export function matchRoute(
  method: string,
  path: string,
):
  | { kind: 'match'; match: RouteMatch }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' } {
  const candidates = COMPILED.filter(({ regexp }) => regexp.test(path));
  if (candidates.length === 0) return { kind: 'not-found' };
  const hit = candidates.find(({ route }) => route.method === method.toUpperCase());
  if (!hit)
    return { kind: 'method-not-allowed', allowed: [...new Set(candidates.map((c) => c.route.method))] };
  const groups = hit.regexp.exec(path)?.groups ?? {};
  const pathParameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(groups)) pathParameters[key] = decodeURIComponent(value);
  return { kind: 'match', match: { route: hit.route, pathParameters } };
}
