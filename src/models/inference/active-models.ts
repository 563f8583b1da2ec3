/**
 * The models a worker serves, following the active configuration in the model store (ADR 0026):
 * the configuration is read at most once per `cacheMs` (before a batch, never per review), store
 * artifacts are fetched once per version and checked against the SHA-256 the configuration
 * records. Whenever the store cannot be read, the configuration is invalid or an artifact fails its
 * checksum, the worker serves the layer's registry: the shipped, known-good models.
 */
import {
  assignVariant,
  loadModel,
  modelFromArtifact,
  parseArtifact,
  type Model,
  type ModelRegistry,
  type Task,
} from '../ml';
import {
  parseActiveConfig,
  registryOf,
  servedModels,
  sha256Hex,
  type ActiveModelConfig,
  type ModelRef,
} from '../retraining/active-config';
import type { ModelStore } from '../ports';
import type { ModelEngine } from './engine';

/** How long a worker serves a configuration before reading it again (MODEL_CONFIG_CACHE_SECONDS). */
export const DEFAULT_MODEL_CONFIG_CACHE_SECONDS = 60;

/** The tasks whose serving the model store may change (retraining covers sentiment). */
export const ROLLED_OUT_TASKS = ['sentiment'] as const satisfies readonly Task[];

export interface ActiveModelEngine extends ModelEngine {
  /** Reads the active configuration if the cached one is older than `cacheMs`; never throws. */
  refresh(): Promise<void>;
  /** Where a task's models come from right now. */
  servingFrom(task: Task): { source: 'layer' } | { source: 'store'; revision: number };
  /** The card of a model in use (store cards; layer cards are read from the layer by the caller). */
  storeCard(task: Task, version: string): Record<string, unknown> | null;
}

export interface ActiveModelOptions {
  /** The layer's engine: the fallback and every task the store does not manage. */
  readonly layer: ModelEngine;
  readonly layerDir: string;
  /** Absent: the layer alone (no model store configured). */
  readonly store?: ModelStore;
  readonly cacheMs: number;
  readonly now?: () => number;
  /** Called when the worker falls back to the layer (logged as a warning by the caller). */
  readonly onFallback?: (reason: string, error: unknown) => void;
}

interface Active {
  readonly config: ActiveModelConfig;
  readonly registry: ModelRegistry;
  readonly models: ReadonlyMap<string, Model>;
}

export function createActiveModelEngine(options: ActiveModelOptions): ActiveModelEngine {
  const now = options.now ?? Date.now;
  const { layer } = options;
  // Loaded models by source, version and checksum: versions are immutable, so never evicted.
  const loaded = new Map<string, Model>();
  const cards = new Map<string, Record<string, unknown> | null>();
  const active = new Map<Task, Active>();
  let checkedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  const modelFor = async (task: Task, ref: ModelRef): Promise<Model> => {
    const key = `${task}|${ref.source}|${ref.version}|${ref.sha256 ?? ''}`;
    const cached = loaded.get(key);
    if (cached) return cached;
    let model: Model;
    if (ref.source === 'layer') {
      model = loadModel(task, options.layerDir, { version: ref.version });
    } else {
      const text = await options.store!.getArtifact(task, ref.version);
      const digest = sha256Hex(text);
      if (digest !== ref.sha256)
        throw new Error(`${task}@${ref.version}: checksum ${digest} is not ${ref.sha256}`);
      const artifact = parseArtifact(JSON.parse(text));
      if (artifact.task !== task || artifact.version !== ref.version) {
        throw new Error(`the store's ${task}@${ref.version} holds ${artifact.task}@${artifact.version}`);
      }
      model = modelFromArtifact(artifact);
      cards.set(`${task}@${ref.version}`, await options.store!.getCard(task, ref.version));
    }
    loaded.set(key, model);
    return model;
  };

  const readTask = async (task: Task): Promise<void> => {
    try {
      const raw = await options.store!.readActive(task);
      if (raw === null) {
        active.delete(task);
        return;
      }
      const config = parseActiveConfig(raw);
      const models = new Map<string, Model>();
      for (const { variant, ref } of servedModels(config)) models.set(variant, await modelFor(task, ref));
      active.set(task, { config, registry: registryOf(config), models });
    } catch (error) {
      active.delete(task);
      options.onFallback?.(`${task}: serving the layer's models`, error);
    }
  };

  const pick = (task: Task, key: string) => {
    const current = active.get(task);
    if (!current) return undefined;
    const variant = assignVariant(current.registry, key);
    return { variant: variant.name, model: current.models.get(variant.name)! };
  };

  return {
    refresh() {
      if (!options.store || now() - checkedAt < options.cacheMs) return Promise.resolve();
      inFlight ??= Promise.all(ROLLED_OUT_TASKS.map(readTask))
        .then(() => {
          checkedAt = now();
        })
        .finally(() => (inFlight = undefined));
      return inFlight;
    },
    forSupplier: (task, supplierId) => pick(task, supplierId) ?? layer.forSupplier(task, supplierId),
    forReview: (task, reviewId) => pick(task, reviewId) ?? layer.forReview(task, reviewId),
    registries: () => layer.registries().map((r) => active.get(r.task)?.registry ?? r),
    variants() {
      const replaced = new Set<Task>();
      return layer.variants().flatMap((row) => {
        const current = active.get(row.task);
        if (!current) return [row];
        // The store's variants replace the layer's for this task, listed once.
        if (replaced.has(row.task)) return [];
        replaced.add(row.task);
        return current.registry.variants.map((v) => ({
          task: row.task,
          variant: v.name,
          weight: v.weight,
          model: current.models.get(v.name)!,
        }));
      });
    },
    servingFrom(task) {
      const current = active.get(task);
      return current ? { source: 'store', revision: current.config.revision } : { source: 'layer' };
    },
    storeCard: (task, version) => cards.get(`${task}@${version}`) ?? null,
  };
}
