/**
 * What API Gateway answers by itself, defined once with no CDK import: the problem+json gateway
 * responses the REST API is deployed with (`lib/constructs/service-api.ts`) and the answers of the
 * local gateway (`local/gateway.ts`) for the same situations (throttled, payload too large,
 * unauthorized, integration timeout, ...), so both give the same status, type and headers.
 */
import { problemOf, type ProblemDetails, type ProblemKind } from '../src/shared/problem';
import { USAGE_PLANS } from '../src/catalog/usage-plans';
import { STORE_THROTTLE_RETRY_AFTER_SECONDS } from '../src/shared/store-throttle';

/** API Gateway's hard payload cap for REST APIs (10 MB); the handler applies the contract's smaller limit. */
export const GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** API Gateway gateway response types this API customises (the `ResponseType` names). */
export type GatewayResponseType =
  | 'BAD_REQUEST_BODY'
  | 'BAD_REQUEST_PARAMETERS'
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'EXPIRED_TOKEN'
  | 'INVALID_SIGNATURE'
  | 'INVALID_API_KEY'
  | 'WAF_FILTERED'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'RESOURCE_NOT_FOUND'
  | 'REQUEST_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'THROTTLED'
  | 'QUOTA_EXCEEDED'
  | 'DEFAULT_4XX'
  | 'INTEGRATION_TIMEOUT'
  | 'INTEGRATION_FAILURE'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'API_CONFIGURATION_ERROR'
  | 'DEFAULT_5XX';

export interface ThrottleSettings {
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
}

export interface GatewayProblem {
  readonly type: GatewayResponseType;
  readonly kind: ProblemKind;
  readonly detail: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Seconds a throttled caller should wait: the time the bucket needs to refill its burst. */
export const throttleRetryAfterSeconds = (settings: ThrottleSettings): number =>
  Math.max(1, Math.ceil(settings.throttlingBurstLimit / settings.throttlingRateLimit));

/**
 * THROTTLED's Retry-After: one gateway response answers both the stage's bucket and a usage plan's
 * per-key bucket (ADR 0036), so it is the longest refill of them all.
 */
export const throttledRetryAfterSeconds = (settings: ThrottleSettings): number =>
  Math.max(
    throttleRetryAfterSeconds(settings),
    ...USAGE_PLANS.map((plan) =>
      throttleRetryAfterSeconds({
        throttlingRateLimit: plan.throttle.rateLimit,
        throttlingBurstLimit: plan.throttle.burstLimit,
      }),
    ),
  );

/**
 * QUOTA_EXCEEDED's Retry-After. A gateway response's headers are fixed, so it cannot count down to
 * the quota's reset (the next UTC day): an hour, after which a retry may be answered 429 again.
 */
export const QUOTA_RETRY_AFTER_SECONDS = 3600;

const DENIED = 'These credentials do not allow this request.';
const NO_ROUTE = 'No route matches this method and path.';
const NOT_AUTHORIZED = 'The request could not be authorized; retry later.';
const FAILED = 'The service failed to process the request.';

/** Every gateway response of the API, in the order they are deployed. */
export function gatewayProblems(settings: ThrottleSettings): readonly GatewayProblem[] {
  return [
    {
      type: 'BAD_REQUEST_BODY',
      kind: 'bad-request',
      detail: 'The request body does not match the schema of this operation.',
    },
    {
      type: 'BAD_REQUEST_PARAMETERS',
      kind: 'invalid-query',
      detail: 'A required request parameter is missing.',
    },
    {
      type: 'UNAUTHORIZED',
      kind: 'unauthorized',
      detail: 'Missing or invalid credentials in the Authorization header.',
    },
    { type: 'ACCESS_DENIED', kind: 'forbidden', detail: DENIED },
    { type: 'EXPIRED_TOKEN', kind: 'forbidden', detail: DENIED },
    { type: 'INVALID_SIGNATURE', kind: 'forbidden', detail: DENIED },
    { type: 'INVALID_API_KEY', kind: 'forbidden', detail: DENIED },
    {
      type: 'WAF_FILTERED',
      kind: 'forbidden',
      detail: 'The request was blocked by the web application firewall.',
    },
    { type: 'MISSING_AUTHENTICATION_TOKEN', kind: 'not-found', detail: NO_ROUTE },
    { type: 'RESOURCE_NOT_FOUND', kind: 'not-found', detail: NO_ROUTE },
    {
      type: 'REQUEST_TOO_LARGE',
      kind: 'payload-too-large',
      detail: 'The request is larger than the API accepts.',
    },
    {
      type: 'UNSUPPORTED_MEDIA_TYPE',
      kind: 'unsupported-media-type',
      detail: 'This content type is not accepted.',
    },
    {
      type: 'THROTTLED',
      kind: 'rate-limited',
      detail: 'Request rate limit exceeded; retry after the number of seconds in Retry-After.',
      headers: { 'Retry-After': `${throttledRetryAfterSeconds(settings)}` },
    },
    {
      type: 'QUOTA_EXCEEDED',
      kind: 'rate-limited',
      detail: 'Daily request quota exceeded; retry after the number of seconds in Retry-After.',
      headers: { 'Retry-After': `${QUOTA_RETRY_AFTER_SECONDS}` },
    },
    { type: 'DEFAULT_4XX', kind: 'bad-request', detail: 'The request could not be processed.' },
    {
      type: 'INTEGRATION_TIMEOUT',
      kind: 'gateway-timeout',
      detail: 'The service did not answer in time; retry later.',
    },
    {
      type: 'INTEGRATION_FAILURE',
      kind: 'service-unavailable',
      detail: 'The service is unavailable; retry later.',
    },
    // The authorizer threw (the Tenants table throttled or unreachable, a timeout): transient on
    // our side, so 503 with the same wait as a throttled store, not 500. Still a 5xx: it pages.
    {
      type: 'AUTHORIZER_FAILURE',
      kind: 'service-unavailable',
      detail: NOT_AUTHORIZED,
      headers: { 'Retry-After': `${STORE_THROTTLE_RETRY_AFTER_SECONDS}` },
    },
    { type: 'AUTHORIZER_CONFIGURATION_ERROR', kind: 'internal-error', detail: NOT_AUTHORIZED },
    { type: 'API_CONFIGURATION_ERROR', kind: 'internal-error', detail: FAILED },
    { type: 'DEFAULT_5XX', kind: 'internal-error', detail: FAILED },
  ];
}

export interface GatewayAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly problem: ProblemDetails & { readonly requestId: string };
}

/** The answer API Gateway gives for `type` (as deployed), for one request. */
export function gatewayAnswer(
  type: GatewayResponseType,
  settings: ThrottleSettings,
  requestId: string,
): GatewayAnswer {
  const found = gatewayProblems(settings).find((p) => p.type === type);
  if (!found) throw new Error(`no gateway response ${type}`);
  const problem = problemOf(found.kind, found.detail);
  return {
    statusCode: problem.status,
    headers: { 'Content-Type': 'application/problem+json', ...found.headers },
    problem: { ...problem, requestId },
  };
}
