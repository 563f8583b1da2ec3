/**
 * Model registry for A/B variants: each task lists named variants (a model version and a
 * weight). A supplier is assigned deterministically: SHA-256 of `<task>:<supplierId>` gives a
 * bucket in [0, 10000), and the buckets are split between variants in proportion to their
 * weights. The same supplier always sees the same variant while the registry is unchanged.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { TASKS, type Task } from './artifact';
import { loadModel } from './load';
import type { Model, ModelOptions } from './model';

export const BUCKETS = 10_000;

const variantSchema = z.object({
  name: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  weight: z.number().min(0),
});

export const registrySchema = z
  .object({ task: z.enum(TASKS), variants: z.array(variantSchema).min(1) })
  .refine((r) => r.variants.some((v) => v.weight > 0), 'at least one variant needs a positive weight')
  .refine(
    (r) => new Set(r.variants.map((v) => v.name)).size === r.variants.length,
    'variant names must be unique',
  );

export type Variant = z.infer<typeof variantSchema>;
export type ModelRegistry = z.infer<typeof registrySchema>;

export function parseRegistries(json: unknown): ModelRegistry[] {
  return z.array(registrySchema).parse(json);
}

/** Bucket in [0, BUCKETS) of a supplier for a task. */
export function assignmentBucket(supplierId: string, task: Task): number {
  const digest = createHash('sha256').update(`${task}:${supplierId}`).digest();
  return Math.floor((digest.readUInt32BE(0) / 2 ** 32) * BUCKETS);
}

/** The variant a supplier is assigned to. */
export function assignVariant(registry: ModelRegistry, supplierId: string): Variant {
  const total = registry.variants.reduce((s, v) => s + v.weight, 0);
  const bucket = assignmentBucket(supplierId, registry.task);
  let upper = 0;
  for (const v of registry.variants) {
    upper += (v.weight / total) * BUCKETS;
    if (v.weight > 0 && bucket < upper) return v;
  }
  // Floating-point rounding can leave the last bucket uncovered: it belongs to the last weighted variant.
  return [...registry.variants].reverse().find((v) => v.weight > 0) as Variant;
}

/** Loads the models of a set of registries lazily (once per version) and routes suppliers to them. */
export class ModelPool {
  private readonly cache = new Map<string, Model>();
  private readonly registries: Map<Task, ModelRegistry>;

  constructor(
    private readonly dir: string,
    registries: readonly ModelRegistry[],
    private readonly options: ModelOptions = {},
  ) {
    this.registries = new Map(registries.map((r) => [r.task, r]));
  }

  /** The model serving `supplierId` for `task`, and the variant name to log with its predictions. */
  forSupplier(task: Task, supplierId: string): { variant: string; model: Model } {
    const registry = this.registries.get(task);
    if (!registry) throw new Error(`no registry entry for ${task}`);
    const variant = assignVariant(registry, supplierId);
    return { variant: variant.name, model: this.model(task, variant.version) };
  }

  /** One version of a task's model, loaded on first use. */
  model(task: Task, version: string): Model {
    const key = `${task}@${version}`;
    let model = this.cache.get(key);
    if (!model) {
      model = loadModel(task, this.dir, { ...this.options, version });
      this.cache.set(key, model);
    }
    return model;
  }
}
