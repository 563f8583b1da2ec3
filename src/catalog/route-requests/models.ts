/**
 * The request schemas (body, query, raw body) of the `models` area's routes, for its function and
 * the route table. Each route's are built the first time they are read (ADR 0022, twelfth round).
 */
import { modelsRoutesSchemas } from '../../models';
import { lazyRecord } from '../../shared/lazy';
import type { AreaRequests } from '../route-table';

export const MODELS_REQUESTS = /* @__PURE__ */ lazyRecord({
  classifyTexts: () => ({
    body: modelsRoutesSchemas.classifyTextsBody,
  }),
  getModelsStatus: () => ({
    query: modelsRoutesSchemas.modelsStatusQuery,
  }),
}) satisfies AreaRequests;
