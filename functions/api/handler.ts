/**
 * Lambda entry of the `Api` function: the `meta` area (the API description and the region's deep
 * health) and every unknown path and method (404/405, API Gateway's `ANY` methods and `{proxy+}`).
 * Every other area is served by a function of its own (src/catalog/functions.ts `api`, ADR 0022
 * sixth round); the whole API as one handler, for tests, is ./app.ts.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SERVICE_METRICS } from '../../src/catalog/metrics';
import { currentRegion } from '../../src/shared/env';
import { healthProbes, once } from '../../src/wiring';
import { areaApp, type AreaAppDeps } from './area-app';
import { apiHandlers, onUnexpectedError, tally } from './lambda';
import { metaOperations, type HealthDeps } from './operations/meta';

type MetaAreaDeps = HealthDeps & AreaAppDeps;

const deps = once((): MetaAreaDeps => ({
  // Deep health (issue 11)
  health: {
    probes: healthProbes(),
    region: currentRegion(),
    onFailed: () => tally.add(SERVICE_METRICS.healthChecksFailed, MetricUnit.Count),
  },
  onUnexpectedError,
}));

// The meta routes take no query and no body: no request schemas.
const app = areaApp<MetaAreaDeps>(metaOperations, {});

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
