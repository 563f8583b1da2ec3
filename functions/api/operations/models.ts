/** Model operations: classify texts (suppliers) and the models' health (ops). */
import { z } from 'zod';
import type { ModelEngine } from '../../../src/models/inference/engine';
import type { Task } from '../../../src/models/ml';
import type { Clock, ModelStatsStore } from '../../../src/reviews/ports';
import { jsonResponse, readJsonObject } from '../../../src/shared/http';
import { classifyTexts } from '../../../src/models/use-cases/classify-texts';
import { modelsStatus } from '../../../src/models/use-cases/models-status';
import { parse, supplierOf, type Operations } from '../operation';

export interface ModelDeps {
  readonly models: ModelEngine;
  readonly modelStats: ModelStatsStore;
  readonly modelCard: (task: Task, version: string) => Record<string, unknown> | null;
  readonly clock: Clock;
  readonly onStatsError: (error: unknown) => void;
}

export const classifyBody = z.strictObject({
  task: z.enum(['sentiment', 'expense-category']),
  texts: z.array(z.string().trim().min(1).max(5000)).min(1).max(100),
});

const statusQuery = z.strictObject({
  hours: z
    .string()
    .regex(/^\d{1,3}$/, 'a whole number of hours')
    .transform(Number)
    .pipe(z.number().int().min(1).max(336))
    .optional(),
});

export const modelOperations: Operations<'classifyTexts' | 'getModelsStatus', ModelDeps> = {
  async classifyTexts({ event, principal }, deps) {
    const supplierId = supplierOf(principal);
    const body = parse(classifyBody, readJsonObject(event), 'validation-error');
    return jsonResponse(200, await classifyTexts(supplierId, body.task, body.texts, deps));
  },
  async getModelsStatus({ event }, deps) {
    const { hours = 24 } = parse(statusQuery, event.queryStringParameters ?? {}, 'invalid-query');
    const since = new Date(deps.clock.now().getTime() - hours * 3_600_000);
    const status = await modelsStatus(
      { engine: deps.models, stats: deps.modelStats, cardOf: deps.modelCard },
      since,
    );
    return jsonResponse(200, status);
  },
};
