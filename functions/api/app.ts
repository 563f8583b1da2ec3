/**
 * The API's request handling, independent of Lambda wiring: route (from the one route table),
 * authorize from the authorizer context, validate, call the use case, map the result.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import { matchRoute, type OperationId, type RouteDefinition } from '../../src/catalog/routes';
import { ProblemError, problemOf } from '../../src/domain/problem';
import {
  createReviewRequestBody,
  fieldErrors,
  listReviewsQuery,
  submitReviewBody,
} from '../../src/domain/review-schemas';
import { ID_PATTERN } from '../../src/domain/ids';
import type {
  Clock,
  IngestQueue,
  KeyRingSource,
  ReviewRepository,
  ReviewRequestRepository,
} from '../../src/ports';
import { header, jsonResponse, problemResponse, readJsonObject } from '../../src/runtime/http';
import type { Principal } from '../../src/use-cases/principal';
import { createReviewRequest } from '../../src/use-cases/review-requests';
import { submitReview } from '../../src/use-cases/submit-review';

export interface ApiDeps {
  readonly reviews: ReviewRepository;
  readonly requests: ReviewRequestRepository;
  readonly queue: IngestQueue;
  readonly keys: KeyRingSource;
  readonly clock: Clock;
  readonly onUnexpectedError: (error: unknown, event: APIGatewayProxyEvent) => void;
}

interface RouteContext {
  readonly event: APIGatewayProxyEvent;
  readonly principal: Principal;
  readonly pathParameters: Record<string, string>;
  readonly route: RouteDefinition;
}

type Operation = (ctx: RouteContext, deps: ApiDeps) => Promise<APIGatewayProxyResult>;

function parse<T extends z.ZodType>(
  schema: T,
  input: unknown,
  kind: 'validation-error' | 'invalid-query',
): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ProblemError(kind, 'some fields are missing or invalid', fieldErrors(result.error));
  }
  return result.data;
}

function supplierOf(principal: Principal): string {
  if (principal.kind !== 'supplier')
    throw new ProblemError('unauthorized', 'this route needs a supplier API key');
  return principal.supplierId;
}

const OPERATIONS: Record<OperationId, Operation> = {
  async createReviewRequest({ event, principal }, deps) {
    const supplierId = supplierOf(principal);
    const body = parse(createReviewRequestBody, readJsonObject(event), 'validation-error');
    return jsonResponse(201, await createReviewRequest(supplierId, body, deps));
  },
  async submitReview({ event, principal }, deps) {
    const body = parse(submitReviewBody, readJsonObject(event), 'validation-error');
    const accepted = await submitReview(principal, body, header(event, 'idempotency-key'), deps);
    return jsonResponse(202, accepted, { location: `/v1/reviews/${accepted.reviewId}` });
  },
  async getReview({ principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    const id = pathParameters.id ?? '';
    // Unknown, malformed and other suppliers' ids all look the same: 404.
    const review = ID_PATTERN.test(id) ? await deps.reviews.get(supplierId, id) : undefined;
    if (!review) throw new ProblemError('not-found', 'no such review');
    return jsonResponse(200, review);
  },
  async listReviews({ event, principal }, deps) {
    const supplierId = supplierOf(principal);
    const query = parse(listReviewsQuery, event.queryStringParameters ?? {}, 'invalid-query');
    const page = await deps.reviews.list(supplierId, { ...query, limit: query.limit ?? 25 });
    return jsonResponse(200, page);
  },
  async getReviewSummary({ principal }, deps) {
    return jsonResponse(200, await deps.reviews.summary(supplierOf(principal)));
  },
};

/** Reads the principal the authorizer put in the request context. */
export function principalOf(event: APIGatewayProxyEvent): Principal | undefined {
  const context = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  if (context?.principalType === 'supplier' && typeof context.supplierId === 'string') {
    return { kind: 'supplier', supplierId: context.supplierId, keyId: String(context.keyId ?? 'unknown') };
  }
  if (context?.principalType === 'review-token') {
    const token = header(event, 'authorization')?.replace(/^Bearer\s+/i, '');
    if (token) return { kind: 'review-token', token };
  }
  return undefined;
}

export async function handleApiEvent(
  event: APIGatewayProxyEvent,
  deps: ApiDeps,
): Promise<APIGatewayProxyResult> {
  try {
    const found = matchRoute(event.httpMethod, event.path);
    if (found.kind === 'not-found') return problemResponse(problemOf('not-found', `no route ${event.path}`));
    if (found.kind === 'method-not-allowed') {
      return problemResponse(problemOf('method-not-allowed', `${event.httpMethod} is not allowed here`), {
        allow: found.allowed.join(', '),
      });
    }
    const { route, pathParameters } = found.match;
    const principal = principalOf(event);
    if (!principal) throw new ProblemError('unauthorized', 'missing or invalid credentials');
    if (principal.kind === 'review-token' && route.auth !== 'supplier-or-review-token') {
      throw new ProblemError('forbidden', 'a review link cannot be used for this route');
    }
    if (!route.acceptsBody && event.body) throw new ProblemError('bad-request', 'this route takes no body');
    if (!route.query && event.queryStringParameters && Object.keys(event.queryStringParameters).length > 0) {
      throw new ProblemError('invalid-query', 'this route takes no query parameters');
    }
    return await OPERATIONS[route.operation]({ event, principal, pathParameters, route }, deps);
  } catch (error) {
    if (error instanceof ProblemError) return problemResponse(error.problem, error.headers);
    deps.onUnexpectedError(error, event);
    // No internals leak: the detail is fixed, the cause is in the logs under the request id.
    return problemResponse(
      problemOf('service-unavailable', `please retry; reference ${event.requestContext?.requestId ?? 'n/a'}`),
      { 'retry-after': '1' },
    );
  }
}
