/** Model operations: classify texts (suppliers) and the models' health (ops). */
import type { ModelEngine } from '../../../src/models/inference/engine';
import type { Task } from '../../../src/models/ml';
import type { Clock } from '../../../src/shared/clock';
import type { ModelStatsStore } from '../../../src/models';
import { jsonResponse } from '../../../src/shared/http';
import type { ClassifyTextsBody, ModelsStatusQuery } from '../../../src/models/schemas';
import { classifyTexts } from '../../../src/models/use-cases/classify-texts';
import { modelsStatus } from '../../../src/models/use-cases/models-status';
import { supplierOf, type Operations } from '../operation';

export interface ModelDeps {
  readonly models: ModelEngine;
  readonly modelStats: ModelStatsStore;
  readonly modelCard: (task: Task, version: string) => Record<string, unknown> | null;
  readonly clock: Clock;
  readonly onStatsError: (error: unknown) => void;
  /** Reads the model store's active configuration when the cached one is stale (ADR 0026). */
  readonly refreshModels?: () => Promise<void>;
}

export const modelOperations: Operations<'classifyTexts' | 'getModelsStatus', ModelDeps> = {
  async classifyTexts({ body: validated, principal }, deps) {
    const supplierId = supplierOf(principal);
    const body = validated as ClassifyTextsBody;
    await deps.refreshModels?.();
    return jsonResponse(200, await classifyTexts(supplierId, body.task, body.texts, deps));
  },
  async getModelsStatus({ query }, deps) {
    const { hours = 24 } = query as ModelsStatusQuery;
    const since = new Date(deps.clock.now().getTime() - hours * 3_600_000);
    await deps.refreshModels?.();
    const status = await modelsStatus(
      { engine: deps.models, stats: deps.modelStats, cardOf: deps.modelCard },
      since,
    );
    return jsonResponse(200, status);
  },
};
