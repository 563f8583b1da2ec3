/** What every API operation module shares: its context, its signature, and small helpers. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from '../../src/shared/zod';
import type { OperationId } from '../../src/catalog/routes';
import { ProblemError } from '../../src/shared/problem';
import { fieldErrors } from '../../src/shared/validation';
import type { Principal } from '../../src/access/domain/principal';

export interface RouteContext {
  readonly event: APIGatewayProxyEvent;
  /** The caller; undefined only on `public` routes, which read no credential. */
  readonly principal: Principal | undefined;
  readonly pathParameters: Record<string, string>;
  /**
   * The body and query, already validated (and transformed) by the schemas the route table names
   * for this route: an operation narrows them to its schema's output type with `as`.
   */
  readonly body: unknown;
  readonly query: unknown;
}

export type Operation<Deps> = (ctx: RouteContext, deps: Deps) => Promise<APIGatewayProxyResult>;

/** An area's operations: a handler for each of its operation ids, typed by the deps it needs. */
export type Operations<Ids extends OperationId, Deps> = Record<Ids, Operation<Deps>>;

export function parse<T extends z.ZodMiniType>(
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

export function supplierOf(principal: Principal | undefined): string {
  if (principal?.kind !== 'supplier') {
    throw new ProblemError('unauthorized', 'this route needs a supplier API key');
  }
  return principal.supplierId;
}

/** The caller of a route that is not public (the API handler has checked there is one). */
export function callerOf(principal: Principal | undefined): Principal {
  if (!principal) throw new ProblemError('unauthorized', 'missing or invalid credentials');
  return principal;
}
