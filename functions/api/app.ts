/**
 * The API's request handling, independent of Lambda wiring: route (from the one route table),
 * authorize from the authorizer context, validate, call the use case, map the result.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { matchRoute, type OperationId, type RouteDefinition } from '../../src/catalog/routes';
import { ProblemError, problemOf } from '../../src/shared/problem';
import { checkRawBody, header, problemResponse, readJsonObject } from '../../src/shared/http';
import { unexpectedErrorAnswer } from '../../src/shared/store-throttle';
import type { Principal } from '../../src/access/domain/principal';
import type { IdempotencyStore } from '../../src/shared/idempotency';
import { runIdempotently } from './idempotency';
import { parse, type Operations } from './operation';
import { auditHealthOperations, type AuditHealthDeps } from './operations/audit-health';
import { connectionOperations, type ConnectionOperationDeps } from './operations/connections';
import { metaOperations, type HealthDeps } from './operations/meta';
import { modelOperations, type ModelDeps } from './operations/models';
import { reviewOperations, type ReviewDeps } from './operations/reviews';
import { webhookOperations, type WebhookDeps } from './operations/webhooks';
import { importOperations, type ImportDeps } from './operations/imports';
import { replyOperations, type ReplyDeps } from './operations/replies';
import { notificationOperations, type NotificationOperationDeps } from './operations/notifications';
import { accessOperations, type AccessDeps } from './operations/access';
import { recordAct } from './admin-acts';
// Real-time updates (issue 14)
import { realtimeOperations, type RealtimeOperationDeps } from './operations/realtime';
import { privacyOperations, type PrivacyDeps } from './operations/privacy';

/** Every area's dependencies, plus how to report the unexpected. */
export interface ApiDeps
  extends
    ReviewDeps,
    ModelDeps,
    WebhookDeps,
    ConnectionOperationDeps,
    AuditHealthDeps,
    ImportDeps,
    ReplyDeps,
    NotificationOperationDeps,
    AccessDeps,
    RealtimeOperationDeps,
    PrivacyDeps,
    HealthDeps {
  /** Only requests that send an Idempotency-Key to a route marked `idempotent` use it. */
  readonly idempotency: IdempotencyStore;
  readonly onUnexpectedError: (error: unknown, event: APIGatewayProxyEvent) => void;
}

const OPERATIONS: Operations<OperationId, ApiDeps> = {
  ...reviewOperations,
  ...modelOperations,
  ...webhookOperations,
  ...metaOperations,
  ...connectionOperations,
  ...auditHealthOperations,
  ...importOperations,
  ...replyOperations,
  ...notificationOperations,
  ...accessOperations,
  ...realtimeOperations,
  ...privacyOperations,
};

/** Reads the principal the authorizer put in the request context. */
export function principalOf(event: APIGatewayProxyEvent): Principal | undefined {
  const context = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  if (context?.principalType === 'supplier' && typeof context.supplierId === 'string') {
    return { kind: 'supplier', supplierId: context.supplierId, keyId: String(context.keyId ?? 'unknown') };
  }
  if (context?.principalType === 'ops') return { kind: 'ops', keyId: String(context.keyId ?? 'unknown') };
  if (context?.principalType === 'review-token') {
    const token = header(event, 'authorization')?.replace(/^Bearer\s+/i, '');
    if (token) return { kind: 'review-token', token };
  }
  return undefined;
}

/**
 * The query parameters, checked by name before any value is read: a name the route does not take
 * (`sort`, `constructor`, `__proto__`, `hasOwnProperty`, ...) or a name given twice is a 400
 * naming it. Names are compared as own keys of the route's schema, never looked up on an object
 * with a prototype, and the result is a fresh object with only those own keys.
 */
function queryOf(event: APIGatewayProxyEvent, route: RouteDefinition): Record<string, string> {
  const raw = event.queryStringParameters ?? {};
  const accepted = route.query?.shape ?? {};
  const names = Object.keys(raw);
  const unknown = names.filter((name) => !Object.hasOwn(accepted, name));
  if (unknown.length > 0) {
    throw new ProblemError(
      'invalid-query',
      route.query ? 'unknown query parameters' : 'this route takes no query parameters',
      unknown.map((name) => ({ path: name, message: 'unknown parameter' })),
    );
  }
  const repeated = Object.entries(event.multiValueQueryStringParameters ?? {})
    .filter(([, values]) => (values?.length ?? 0) > 1)
    .map(([name]) => name);
  if (repeated.length > 0) {
    throw new ProblemError(
      'invalid-query',
      'a query parameter is given more than once',
      repeated.map((name) => ({ path: name, message: 'given more than once' })),
    );
  }
  return Object.fromEntries(
    names.map((name) => [name, String(Object.getOwnPropertyDescriptor(raw, name)?.value)]),
  );
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
    if (found.kind === 'malformed-path') {
      throw new ProblemError('bad-request', 'the path is not valid percent-encoded UTF-8', [
        { path: found.parameter, message: 'malformed percent-encoding' },
      ]);
    }
    const { route, pathParameters } = found.match;
    // Public routes (no authorizer in front of them) are the only ones served without a principal.
    const principal = route.auth === 'public' ? undefined : principalOf(event);
    if (route.auth !== 'public') {
      if (!principal) throw new ProblemError('unauthorized', 'missing or invalid credentials');
      if ((route.auth === 'ops') !== (principal.kind === 'ops')) {
        throw new ProblemError(
          'forbidden',
          route.auth === 'ops' ? 'this route needs an ops key' : 'an ops key cannot be used here',
        );
      }
      if (principal.kind === 'review-token' && route.auth !== 'supplier-or-review-token') {
        throw new ProblemError('forbidden', 'a review link cannot be used for this route');
      }
    }

    // Each route's body and query are validated here, with the schemas the route table names; a
    // raw-body route's body is only checked for media type and size, and reaches it unparsed.
    if (route.rawBody) checkRawBody(event, route.rawBody.mediaTypes, route.rawBody.maxBytes);
    else if (!route.body && event.body) throw new ProblemError('bad-request', 'this route takes no body');
    const rawQuery = queryOf(event, route);
    const query: unknown = route.query ? parse(route.query, rawQuery, 'invalid-query') : {};
    const body: unknown = route.body
      ? parse(route.body, readJsonObject(event), 'validation-error')
      : undefined;
    const operation = OPERATIONS[route.operation];
    const run = async () => {
      const result = await operation({ event, principal, pathParameters, body, query }, deps);
      // Every successful use of an ops key is an audited act (issue 9), written before the answer
      // leaves: what an ops route read is never handed out unaudited. A refused request (4xx) read
      // nothing and, like any bad input, changes nothing.
      if (principal?.kind === 'ops' && result.statusCode < 400) {
        await recordAct({ event, principal }, deps, {
          kind: 'api_key.used_for_ops',
          target: `api_key:${principal.keyId}`,
          detail: `${route.method} ${route.path}`,
        });
      }
      return result;
    };
    // Idempotency-Key is scoped by the caller: a public route has none and takes no key.
    return principal
      ? await runIdempotently(route, event, principal, body, deps.idempotency, run)
      : await run();
  } catch (error) {
    if (error instanceof ProblemError) return problemResponse(error.problem, error.headers);
    deps.onUnexpectedError(error, event);
    // No internals leak: the detail is fixed, the cause is in the logs under the request id. A store
    // throttle (ADR 0035's provisioned tables) says so and asks for a longer wait.
    const answer = unexpectedErrorAnswer(error, event.requestContext?.requestId);
    return problemResponse(answer.problem, answer.headers);
  }
}
