/**
 * The Idempotency-Key path of the API: routes marked `idempotent` in the route table run through
 * the IdempotencyStore when the request carries the header. Requests without it never touch the
 * key store (so `POST /v1/reviews` keeps working while DynamoDB is down: DESIGN data flow 1).
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { RouteEntry } from '../../src/catalog/route-table';
import { header } from '../../src/shared/http';
import {
  checkIdempotencyKey,
  IDEMPOTENCY_KEY_HEADER,
  REPLAYED_HEADER,
  type IdempotencyStore,
  type StoredResponse,
} from '../../src/shared/idempotency';
import type { Principal } from '../../src/access/domain/principal';

/** Whose key space a request uses: the verified credential's, never anything from the body. */
export function idempotencyScope(principal: Principal): string {
  switch (principal.kind) {
    case 'supplier':
      return `supplier:${principal.supplierId}`;
    case 'review-token':
      // A couple's keys belong to their review link (whoever holds the token).
      return `review-link:${createHash('sha256').update(principal.token).digest('hex')}`;
    case 'ops':
      return `ops:${principal.keyId}`;
  }
}

export async function runIdempotently(
  route: RouteEntry,
  event: APIGatewayProxyEvent,
  principal: Principal,
  body: unknown,
  store: IdempotencyStore | undefined,
  execute: () => Promise<APIGatewayProxyResult>,
): Promise<APIGatewayProxyResult> {
  const raw = route.idempotent ? header(event, IDEMPOTENCY_KEY_HEADER) : undefined;
  if (raw === undefined) return execute();
  // An idempotent route served by a function wired without a key store is a wiring defect (an
  // unexpected error: logged, 503), never a request run without the guarantee it asked for.
  if (!store) throw new Error(`${route.operation}: an idempotent route in an area wired without a key store`);
  const key = checkIdempotencyKey(raw);
  const { response, replayed } = await store.run(
    { scope: idempotencyScope(principal), key, operation: route.operation, body },
    async () => toStored(await execute()),
  );
  return {
    statusCode: response.statusCode,
    headers: { ...response.headers, ...(replayed ? { [REPLAYED_HEADER]: 'true' } : {}) },
    body: response.body,
  };
}

function toStored(result: APIGatewayProxyResult): StoredResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  return { statusCode: result.statusCode, headers, body: result.body };
}
