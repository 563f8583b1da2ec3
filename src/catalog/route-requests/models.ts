/** The request schemas (body, query, raw body) of the `models` area's routes, for its function and the route table. */
import { modelsRoutesSchemas } from '../../models';
import type { AreaRequests } from '../route-table';

export const MODELS_REQUESTS = {
  classifyTexts: {
    body: modelsRoutesSchemas.classifyTextsBody,
  },
  getModelsStatus: {
    query: modelsRoutesSchemas.modelsStatusQuery,
  },
} as const satisfies AreaRequests;
