/**
 * The API's request handling, independent of Lambda wiring and shared by every API function (one
 * per route area, src/catalog/functions.ts `apiAreas`): route (from the run-time route table, every
 * route, so that 404 and 405 answer alike everywhere), authorize from the authorizer context,
 * validate with the area's request schemas, call the operation, map the result.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  matchRoute,
  type AreaRequests,
  type OperationId,
  type RouteRequest,
} from '../../src/catalog/route-table';
import { ProblemError, problemOf } from '../../src/shared/problem';
import { checkRawBody, header, problemResponse, readJsonObject } from '../../src/shared/http';
import { unexpectedErrorAnswer } from '../../src/shared/store-throttle';
import type { Principal } from '../../src/access/domain/principal';
import type { IdempotencyStore } from '../../src/shared/idempotency';
import type { ActInput } from './admin-acts';
import { lazyRecord } from '../../src/shared/lazy';
import { runIdempotently } from './idempotency';
import { parse, type Operations, type RouteContext } from './operation';

/** What every area's handling needs besides its operations' own dependencies. */
export interface AreaAppDeps {
  /**
   * Only requests that send an Idempotency-Key to a route marked `idempotent` use it: an area with
   * no such route (src/catalog/route-table.ts `idempotent`) wires none, and bundles no key store and
   * has no Idempotency table grant (src/catalog/api-functions.ts checks the grant).
   */
  readonly idempotency?: IdempotencyStore;
  readonly onUnexpectedError: (error: unknown, event: APIGatewayProxyEvent) => void;
}

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
function queryOf(event: APIGatewayProxyEvent, request: RouteRequest): Record<string, string> {
  const raw = event.queryStringParameters ?? {};
  const accepted = request.query?.shape ?? {};
  const names = Object.keys(raw);
  const unknown = names.filter((name) => !Object.hasOwn(accepted, name));
  if (unknown.length > 0) {
    throw new ProblemError(
      'invalid-query',
      request.query ? 'unknown query parameters' : 'this route takes no query parameters',
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

/**
 * Several areas' request checks as one, without reading any: each area's record builds a route's
 * schemas the first time they are read (src/catalog/route-requests/), so a spread (`{ ...a, ...b }`)
 * would build every route's at load (ADR 0022, twelfth round).
 */
export function combinedRequests(...areas: readonly AreaRequests[]): AreaRequests {
  const builders: Record<string, () => RouteRequest | undefined> = {};
  for (const area of areas) {
    for (const operation of Object.keys(area) as OperationId[]) builders[operation] = () => area[operation];
  }
  return lazyRecord(builders) as AreaRequests;
}

/** Records an ops key's act (functions/api/admin-acts.ts `recordAct`), for areas with ops routes. */
export type RecordOpsAct<Deps> = (
  ctx: Pick<RouteContext, 'event' | 'principal'>,
  deps: Deps,
  input: ActInput,
) => Promise<void>;

/**
 * One area's handling: its operations, their request schemas, and (only for an area with ops routes)
 * how an ops key's act is recorded; without it an area bundles no admin audit code, and an ops act
 * there is a defect (an ops key reaches no other area's operation: 403 first).
 */
export function areaApp<Deps extends AreaAppDeps>(
  operations: Partial<Operations<OperationId, Deps>>,
  requests: AreaRequests,
  recordOpsAct?: RecordOpsAct<Deps>,
): (event: APIGatewayProxyEvent, deps: Deps) => Promise<APIGatewayProxyResult> {
  return async (event, deps) => {
    try {
      const found = matchRoute(event.httpMethod, event.path);
      if (found.kind === 'not-found')
        return problemResponse(problemOf('not-found', `no route ${event.path}`));
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
      const operation = operations[route.operation];
      // API Gateway sends each route's method to the function of its area only (and unknown paths and
      // methods to the catch-all function, which answers 404/405 above): another area's route here
      // is a wiring defect, answered as an unknown path rather than served without its checks.
      if (!operation) return problemResponse(problemOf('not-found', `no route ${event.path}`));
      const request = requests[route.operation] ?? {};
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
      if (request.rawBody) checkRawBody(event, request.rawBody.mediaTypes, request.rawBody.maxBytes);
      else if (!request.body && event.body) throw new ProblemError('bad-request', 'this route takes no body');
      const rawQuery = queryOf(event, request);
      const query: unknown = request.query ? parse(request.query, rawQuery, 'invalid-query') : {};
      const body: unknown = request.body
        ? parse(request.body, readJsonObject(event), 'validation-error')
        : undefined;
      const run = async () => {
        const result = await operation({ event, principal, pathParameters, body, query }, deps);
        // Every successful use of an ops key is an audited act (issue 9), written before the answer
        // leaves: what an ops route read is never handed out unaudited. A refused request (4xx) read
        // nothing and, like any bad input, changes nothing.
        if (principal?.kind === 'ops' && result.statusCode < 400) {
          if (!recordOpsAct)
            throw new Error(`${route.operation}: an ops act in an area without an admin audit trail`);
          await recordOpsAct({ event, principal }, deps, {
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
  };
}
