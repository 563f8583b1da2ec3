import {
  API_CATCH_ALL_FUNCTION,
  API_FUNCTIONS,
  apiFunctionOfRoute,
  apiOperationsOf,
} from '../../../src/catalog/api-functions';
import { API_TIMEOUT_SECONDS } from '../../../src/catalog/api-limits';
import { ROUTE_TABLE, type RouteArea } from '../../../src/catalog/route-table';
import { ROUTE_REQUESTS, ROUTES } from '../../../src/catalog/routes';
import { REVIEWS_REQUESTS } from '../../../src/catalog/route-requests/reviews';
import { MODELS_REQUESTS } from '../../../src/catalog/route-requests/models';
import { WEBHOOKS_REQUESTS } from '../../../src/catalog/route-requests/webhooks';
import { PLATFORMS_REQUESTS } from '../../../src/catalog/route-requests/platforms';
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

  it('sends the reviews area to ApiReviews and everything else, unknown routes included, to Api', () => {
    expect(API_CATCH_ALL_FUNCTION).toBe('Api');
    for (const route of ROUTE_TABLE) {
      expect(apiFunctionOfRoute(route)).toBe(route.area === 'reviews' ? 'ApiReviews' : 'Api');
    }
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
  });

  it("names in each area's request schemas only that area's operations, and composes them into ROUTES", () => {
    const byArea: Record<Exclude<RouteArea, 'meta'>, object> = {
      reviews: REVIEWS_REQUESTS,
      models: MODELS_REQUESTS,
      webhooks: WEBHOOKS_REQUESTS,
      platforms: PLATFORMS_REQUESTS,
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
