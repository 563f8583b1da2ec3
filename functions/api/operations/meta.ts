/** Meta operations: the API description itself and the region's deep health (public: no credentials). */
import { openApiDocument } from '../../../src/catalog/openapi';
import { checkHealth, failedChecks, type HealthProbes } from '../../../src/recovery';
import { jsonResponse, problemResponse } from '../../../src/shared/http';
import { problemOf } from '../../../src/shared/problem';
import type { Operations } from '../operation';

export interface HealthDeps {
  readonly health: {
    readonly probes: HealthProbes;
    readonly region: string;
    /** Counts each 503 (metric `HealthChecksFailed`): the region-unhealthy alarm reads it. */
    readonly onFailed: () => void;
  };
}

const NO_STORE = { 'cache-control': 'no-store' };

export const metaOperations: Operations<'getOpenApiDocument' | 'getHealth', HealthDeps> = {
  // The document changes only with a deployment: let clients and caches keep it for a while.
  async getOpenApiDocument() {
    return jsonResponse(200, openApiDocument(), { 'cache-control': 'public, max-age=300' });
  },

  // 503 is deliberate here (not driven by the request): Route 53 fails the region over on it.
  async getHealth(_ctx, deps) {
    const report = await checkHealth(deps.health.probes, deps.health.region);
    if (report.status === 'ok') return jsonResponse(200, report, NO_STORE);
    deps.health.onFailed();
    const detail = `dependency check failed: ${failedChecks(report).join(', ')}`;
    // RFC 9457 extension members: the same region and checks as the 200 body.
    const body = {
      ...problemOf('service-unavailable', detail),
      region: report.region,
      checks: report.checks,
    };
    return problemResponse(body, NO_STORE);
  },
};
