import {
  API_CATCH_ALL_FUNCTION,
  API_FUNCTIONS,
  apiFunctionOfArea,
  apiFunctionOfRoute,
  apiOperationsOf,
} from '../../../src/catalog/api-functions';
import { FUNCTIONS } from '../../../src/catalog/functions';
import { API_TIMEOUT_SECONDS } from '../../../src/catalog/api-limits';
import { ROUTE_TABLE, type RouteArea } from '../../../src/catalog/route-table';
import { ROUTE_REQUESTS, ROUTES } from '../../../src/catalog/routes';
import { REVIEWS_REQUESTS } from '../../../src/catalog/route-requests/reviews';
import { MODELS_REQUESTS } from '../../../src/catalog/route-requests/models';
import { WEBHOOKS_REQUESTS } from '../../../src/catalog/route-requests/webhooks';
import { PLATFORMS_REQUESTS } from '../../../src/catalog/route-requests/platforms';
import { NOTIFICATIONS_REQUESTS } from '../../../src/catalog/route-requests/notifications';
import { IMPORTS_REQUESTS } from '../../../src/catalog/route-requests/imports';
import { REALTIME_REQUESTS } from '../../../src/catalog/route-requests/realtime';
import { ACCESS_REQUESTS } from '../../../src/catalog/route-requests/access';
import { PRIVACY_REQUESTS } from '../../../src/catalog/route-requests/privacy';

describe('which function serves each API route (ADR 0022, sixth round)', () => {
  it('serves every area by exactly one API function, each with the one API timeout', () => {
    const areas = new Set(ROUTE_TABLE.map((route) => route.area));
    const served = API_FUNCTIONS.flatMap((fn) => fn.api?.areas ?? []);
    expect(new Set(served)).toEqual(areas);
    expect(served).toHaveLength(areas.size);
    for (const fn of API_FUNCTIONS) expect(fn.timeoutSeconds).toBe(API_TIMEOUT_SECONDS);
  });

  it('sends each area to its own function, and unknown routes to Api (ADR 0022, sixth and tenth rounds)', () => {
    expect(API_CATCH_ALL_FUNCTION).toBe('Api');
    const expected: Record<RouteArea, string> = {
      meta: 'Api',
      reviews: 'ApiReviews',
      webhooks: 'ApiWebhooks',
      platforms: 'ApiPlatforms',
      notifications: 'ApiNotifications',
      imports: 'ApiPlatforms',
      models: 'ApiModels',
      access: 'ApiAccess',
      realtime: 'ApiAccess',
      privacy: 'ApiAccess',
    };
    for (const route of ROUTE_TABLE) expect(apiFunctionOfRoute(route)).toBe(expected[route.area]);
    expect(apiOperationsOf('ApiReviews')).toEqual([
      'createReviewRequest',
      'getReviewRequest',
      'submitReview',
      'getReviewSummary',
      'getReview',
      'listReviews',
      'replyToReview',
      'deleteReviewReply',
    ]);
    expect(apiOperationsOf('Api')).toEqual(['getOpenApiDocument', 'getHealth']);
    expect(apiOperationsOf('ApiNotifications')).toEqual([
      'verifyPlatformNotifications',
      'receivePlatformNotification',
    ]);
  });

  it('names API functions Api*, and no other function', () => {
    for (const fn of FUNCTIONS) expect(fn.id.startsWith('Api')).toBe(fn.api !== undefined);
  });

  it('grants the Idempotency table to exactly the API functions that serve an idempotent route', () => {
    for (const fn of API_FUNCTIONS) {
      const idempotent = ROUTE_TABLE.some(
        (route) => route.idempotent === true && apiFunctionOfArea(route.area) === fn.id,
      );
      expect([fn.id, fn.tables.Idempotency]).toEqual([fn.id, idempotent ? 'readwrite' : undefined]);
    }
  });

  it("names in each area's request schemas only that area's operations, and composes them into ROUTES", () => {
    const byArea: Record<Exclude<RouteArea, 'meta'>, object> = {
      reviews: REVIEWS_REQUESTS,
      models: MODELS_REQUESTS,
      webhooks: WEBHOOKS_REQUESTS,
      platforms: PLATFORMS_REQUESTS,
      notifications: NOTIFICATIONS_REQUESTS,
      imports: IMPORTS_REQUESTS,
      realtime: REALTIME_REQUESTS,
      access: ACCESS_REQUESTS,
      privacy: PRIVACY_REQUESTS,
    };
    for (const [area, requests] of Object.entries(byArea)) {
      for (const operation of Object.keys(requests)) {
        expect(ROUTE_TABLE.find((route) => route.operation === operation)?.area).toBe(area);
      }
    }
    expect(ROUTES.map((route) => route.operation)).toEqual(ROUTE_TABLE.map((route) => route.operation));
    for (const route of ROUTES) {
      expect(route.body).toBe(ROUTE_REQUESTS[route.operation]?.body);
      expect(route.query).toBe(ROUTE_REQUESTS[route.operation]?.query);
    }
  });
});
