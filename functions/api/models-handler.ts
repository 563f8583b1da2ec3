/**
 * Lambda entry of the API's `models` area (the `ApiModels` function): classification in process
 * (POST /v1/classify) and the ops view of the serving models. The only API function with the
 * models layer (src/catalog/functions.ts `api`).
 */
import { MODELS_REQUESTS } from '../../src/catalog/route-requests/models';
import { modelCard } from '../../src/models/inference/model-cards';
import { systemClock } from '../../src/shared/clock';
import { logger } from '../../src/shared/powertools';
import { adminAuditTrail, modelEngine, modelStatsStore, once } from '../../src/wiring';
import { recordAct, type AdminActDeps } from './admin-acts';
import { areaApp, type AreaAppDeps } from './area-app';
import { apiHandlers, onActParked, onUnexpectedError } from './lambda';
import { modelOperations, type ModelDeps } from './operations/models';

type ModelsAreaDeps = ModelDeps & AdminActDeps & AreaAppDeps;

const deps = once((): ModelsAreaDeps => ({
  models: modelEngine(),
  modelStats: modelStatsStore(),
  // Retrained models' cards come from the model store (ADR 0026), shipped ones from the layer.
  modelCard: (task, version) => modelEngine().storeCard(task, version) ?? modelCard(task, version),
  refreshModels: () => modelEngine().refresh(),
  clock: systemClock,
  onStatsError: (error) => logger.warn('model statistics not saved', { error: error as Error }),
  // GET /v1/ops/models records the ops key's use.
  adminAudit: adminAuditTrail(),
  onActParked,
  onUnexpectedError,
}));

const app = areaApp<ModelsAreaDeps>(modelOperations, MODELS_REQUESTS, recordAct);

export const { handleRequest, handler } = apiHandlers((event) => app(event, deps()));
