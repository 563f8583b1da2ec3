/**
 * The HTTP API, defined once. The CDK service stack builds API Gateway resources, methods and
 * request models from this table; the API Lambda and the local gateway route with it, and the API
 * handler validates each route's body and query with the schemas named here.
 */
import type { z } from 'zod';
import { modelsRoutesSchemas } from '../models';
import { reviewRoutesSchemas } from '../reviews';
import { webhookRoutesSchemas } from '../webhooks';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Who may call: a supplier's API key, also a couple's review-link token, or an ops key. */
export type RouteAuth = 'supplier' | 'supplier-or-review-token' | 'ops';

export type OperationId =
  | 'createReviewRequest'
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
  | 'listWebhookDeliveries'
  | 'replayWebhookEvents'
  | 'retryWebhookDelivery';

export interface RouteDefinition {
  readonly operation: OperationId;
  readonly method: HttpMethod;
  /** API Gateway path template, `{name}` for a path parameter. */
  readonly path: string;
  readonly auth: RouteAuth;
  /** The query string the route accepts (a strict object of strings); without it, any query is a 400. */
  readonly query?: z.ZodObject;
  /** The JSON body the route takes; without it, any body is a 400. */
  readonly body?: z.ZodType;
  readonly summary: string;
  /**
   * Honours an `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header): the same key
   * with the same body replays the first answer; see functions/api/idempotency.ts.
   */
  readonly idempotent?: true;
}

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
  },
  {
    operation: 'getModelsStatus',
    method: 'GET',
    path: '/v1/ops/models',
    auth: 'ops',
    query: modelsRoutesSchemas.modelsStatusQuery,
    summary: 'Loaded models, cards, and per-variant traffic, label mix, confidence, drift and agreement.',
  },
  {
    operation: 'createReviewRequest',
    method: 'POST',
    path: '/v1/review-requests',
    auth: 'supplier',
    body: reviewRoutesSchemas.createReviewRequestBody,
    idempotent: true,
    summary: 'Create a review request for a couple; returns a signed, expiring review-link token.',
  },
  {
    operation: 'submitReview',
    method: 'POST',
    path: '/v1/reviews',
    auth: 'supplier-or-review-token',
    body: reviewRoutesSchemas.submitReviewBody,
    idempotent: true,
    summary: 'Submit (couple, with token) or import (supplier, with API key) a review; 202 once queued.',
  },
  {
    operation: 'getReviewSummary',
    method: 'GET',
    path: '/v1/reviews/summary',
    auth: 'supplier',
    summary: 'Count, average rating, counts by rating and by platform.',
  },
  {
    operation: 'getReview',
    method: 'GET',
    path: '/v1/reviews/{id}',
    auth: 'supplier',
    summary: 'One review of the calling supplier.',
  },
  {
    operation: 'listReviews',
    method: 'GET',
    path: '/v1/reviews',
    auth: 'supplier',
    query: reviewRoutesSchemas.listReviewsQuery,
    summary: "The calling supplier's reviews, newest first, filtered, with an opaque cursor.",
  },
  {
    operation: 'createWebhookEndpoint',
    method: 'POST',
    path: '/v1/webhook-endpoints',
    auth: 'supplier',
    body: webhookRoutesSchemas.createWebhookEndpointBody,
    idempotent: true,
    summary: 'Register a webhook endpoint (https URL, event types); returns its signing secret once.',
  },
  {
    operation: 'listWebhookEndpoints',
    method: 'GET',
    path: '/v1/webhook-endpoints',
    auth: 'supplier',
    summary: "The calling supplier's webhook endpoints (without secrets).",
  },
  {
    operation: 'getWebhookEndpoint',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}',
    auth: 'supplier',
    summary: 'One webhook endpoint (without its secret).',
  },
  {
    operation: 'updateWebhookEndpoint',
    method: 'PATCH',
    path: '/v1/webhook-endpoints/{id}',
    auth: 'supplier',
    body: webhookRoutesSchemas.updateWebhookEndpointBody,
    summary: 'Change event types, description, or enabled (re-enabling resets the circuit breaker).',
  },
  {
    operation: 'deleteWebhookEndpoint',
    method: 'DELETE',
    path: '/v1/webhook-endpoints/{id}',
    auth: 'supplier',
    summary: 'Delete a webhook endpoint; pending deliveries to it are dropped.',
  },
  {
    operation: 'rotateWebhookSecret',
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/rotate-secret',
    auth: 'supplier',
    summary: 'New signing secret (shown once); the old one keeps signing alongside it for the overlap.',
  },
  {
    operation: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/deliveries',
    auth: 'supplier',
    query: webhookRoutesSchemas.listDeliveriesQuery,
    summary: 'Delivery attempts of an endpoint, newest first: time, status, latency, response, error.',
  },
  {
    operation: 'replayWebhookEvents',
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/replay',
    auth: 'supplier',
    body: webhookRoutesSchemas.replayWebhookEventsBody,
    summary: 'Deliver again every subscribed event since a time (at most 14 days back).',
  },
  {
    operation: 'retryWebhookDelivery',
    method: 'POST',
    path: '/v1/deliveries/{id}/retry',
    auth: 'supplier',
    summary: 'Send a delivery again now (a new attempt with the same webhook-id).',
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
