import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from '../../../src/shared/zod';
import { areaApp, combinedRequests, type AreaAppDeps } from '../../../functions/api/area-app';
import type { AreaRequests } from '../../../src/catalog/route-table';
import { lazyRecord } from '../../../src/shared/lazy';
import { REVIEWS_REQUESTS } from '../../../src/catalog/route-requests/reviews';
import type { IdempotencyStore } from '../../../src/shared/idempotency';

const event = (method: string, path: string, body?: string): APIGatewayProxyEvent =>
  ({
    httpMethod: method,
    path,
    body: body ?? null,
    headers: body ? { 'content-type': 'application/json' } : {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    requestContext: {
      requestId: 'r-1',
      authorizer: { principalType: 'supplier', supplierId: 'sup_1', keyId: 'k' },
    },
  }) as unknown as APIGatewayProxyEvent;

describe("an area's app (functions/api/area-app.ts)", () => {
  const served: string[] = [];
  const deps: AreaAppDeps = {
    idempotency: {} as IdempotencyStore,
    onUnexpectedError: () => undefined,
  };
  const app = areaApp<AreaAppDeps>(
    {
      getReviewSummary: async () => {
        served.push('getReviewSummary');
        return { statusCode: 200, body: '{}' };
      },
    },
    REVIEWS_REQUESTS,
  );

  it("serves its own operation, and answers another area's route as an unknown path (never unchecked)", async () => {
    expect((await app(event('GET', '/v1/reviews/summary'), deps)).statusCode).toBe(200);
    const other = await app(event('GET', '/v1/webhook-endpoints'), deps);
    expect(other.statusCode).toBe(404);
    expect(JSON.parse(other.body)).toMatchObject({ status: 404, detail: 'no route /v1/webhook-endpoints' });
    expect(served).toEqual(['getReviewSummary']);
  });

  it('answers 404 and 405 from the whole route table, as the catch-all does', async () => {
    expect((await app(event('GET', '/v2/nothing'), deps)).statusCode).toBe(404);
    const wrongMethod = await app(event('DELETE', '/v1/reviews/summary'), deps);
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers).toMatchObject({ allow: 'GET' });
  });

  it("validates with the area's request schemas: a body on a route that takes none is a 400", async () => {
    const answer = await app(event('GET', '/v1/reviews/summary', '{"a":1}'), deps);
    expect(answer.statusCode).toBe(400);
    expect(served).toEqual(['getReviewSummary']);
  });

  it('runs an idempotent route reached with an Idempotency-Key but no key store as a defect (an unexpected error, 503), never without it', async () => {
    const runs: string[] = [];
    const errors: unknown[] = [];
    const withoutStore = areaApp<AreaAppDeps>(
      {
        createReviewRequest: async () => {
          runs.push('createReviewRequest');
          return { statusCode: 201, body: '{}' };
        },
      },
      // No schemas: the store is checked before the body would be.
      {},
    );
    const post = event('POST', '/v1/review-requests');
    const keyed = { ...post, headers: { 'idempotency-key': 'key-1' } };
    const deps: AreaAppDeps = { onUnexpectedError: (error) => void errors.push(error) };
    const answer = await withoutStore(keyed, deps);
    expect(answer.statusCode).toBe(503);
    expect(runs).toEqual([]);
    expect(String(errors[0])).toContain(
      'createReviewRequest: an idempotent route in an area wired without a key store',
    );
    // Without the header the route runs, as every route does without a key.
    expect((await withoutStore(post, deps)).statusCode).toBe(201);
    expect(runs).toEqual(['createReviewRequest']);
  });
});

describe('combinedRequests (functions/api/area-app.ts)', () => {
  it("holds every area's operations and builds a route's checks only when they are read", () => {
    const built: string[] = [];
    const area = (operation: 'listReviews' | 'createApiKey'): AreaRequests =>
      lazyRecord({
        [operation]: () => {
          built.push(operation);
          return { body: z.strictObject({ name: z.string() }) };
        },
      });
    const combined = combinedRequests(area('listReviews'), area('createApiKey'));
    expect(Object.keys(combined).sort()).toEqual(['createApiKey', 'listReviews']);
    expect(built).toEqual([]);
    expect(combined.createApiKey?.body?.safeParse({ name: 'n' }).success).toBe(true);
    expect(built).toEqual(['createApiKey']);
    expect(combined.listReviews?.query).toBeUndefined();
    expect(built).toEqual(['createApiKey', 'listReviews']);
  });
});
