/** The models capability's public face: in-process inference, its statistics and HTTP schemas. */
import { lazyRecord } from '../shared/lazy';
import { classifyTextsBody, modelsStatusQuery } from './schemas';
import { classifyTextsResponse, modelsStatusResponse } from './responses';

export * from './ml';
export type { ModelsForSupplier, Observation } from './inference/observation';
export { createModelEngine, type ModelEngine } from './inference/engine';
export { suggestExpenseCategory, type ExpenseSuggestion } from './inference/expense-category';
export * from './inference/window-stats';
export * from './inference/model-alarms';
export * from './inference/bias-slices';
export * from './inference/model-cards';
export type { ModelStatsStore } from './ports';
export type { ClassifyTextsBody, ModelsStatusQuery } from './schemas';
export { classifyTexts } from './use-cases/classify-texts';
export { modelsStatus } from './use-cases/models-status';
export { recordObservations } from './use-cases/record-observations';

/** The request schemas of the models' routes, for the route table. */
export const modelsRoutesSchemas = /* @__PURE__ */ lazyRecord({ classifyTextsBody, modelsStatusQuery });

/** The response schemas of the models' routes (each with an id and an example), for the route table. */
export const modelsRoutesResponses = /* @__PURE__ */ lazyRecord({
  classifyTexts: classifyTextsResponse,
  modelsStatus: modelsStatusResponse,
});
