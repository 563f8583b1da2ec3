/**
 * The models of one process: the A/B registry and artifacts read from the models layer
 * (`/opt/nodejs/models` in Lambda, WEDSYNC_MODEL_DIR locally), loaded lazily and once. Loading
 * failures surface to the caller on each use, so a broken layer degrades inference (reviews are
 * stored with inference pending) instead of failing ingestion.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultModelDir,
  ModelPool,
  parseRegistries,
  type Model,
  type ModelRegistry,
  type Task,
} from '../ml';

export interface ModelEngine {
  forSupplier(task: Task, supplierId: string): { variant: string; model: Model };
  /** The variant assigned to one review by its id (ADR 0026): canaries see a random sample. */
  forReview(task: Task, reviewId: string): { variant: string; model: Model };
  registries(): readonly ModelRegistry[];
  /** Every (task, variant) with its loaded model, for the ops view. */
  variants(): { task: Task; variant: string; weight: number; model: Model }[];
}

export function createModelEngine(dir: string = defaultModelDir()): ModelEngine {
  let pool: ModelPool | undefined;
  let registries: ModelRegistry[] | undefined;
  const load = () => {
    if (!pool || !registries) {
      registries = parseRegistries(JSON.parse(readFileSync(join(dir, 'registry.json'), 'utf8')));
      pool = new ModelPool(dir, registries);
    }
    return { pool, registries };
  };
  return {
    forSupplier: (task, supplierId) => load().pool.forSupplier(task, supplierId),
    // The same bucketing, keyed by the review id instead of the supplier id.
    forReview: (task, reviewId) => load().pool.forSupplier(task, reviewId),
    registries: () => load().registries,
    variants() {
      const { pool: loaded, registries: all } = load();
      return all.flatMap((registry) =>
        registry.variants.map((variant) => ({
          task: registry.task,
          variant: variant.name,
          weight: variant.weight,
          model: loaded.model(registry.task, variant.version),
        })),
      );
    },
  };
}
