/**
 * Model registry for A/B variants: each task lists named variants (a model version and a
 * weight). A supplier is assigned deterministically: SHA-256 of `<task>:<supplierId>` gives a
 * bucket in [0, 10000), and the buckets are split between variants in proportion to their
 * weights. The same supplier always sees the same variant while the registry is unchanged.
 */
import { createHash } from 'node:crypto';
import { TASKS, type Task } from './artifact';
import { loadModel } from './load';
import type { Model, ModelOptions } from './model';

export const BUCKETS = 10_000;

export interface Variant {
  readonly name: string;
  readonly version: string;
  readonly weight: number;
}

export interface ModelRegistry {
  readonly task: Task;
  readonly variants: Variant[];
}

function invalid(path: string, what: string): never {
  throw new Error(`registry: ${path} ${what}`);
}

function variantOf(x: unknown, path: string): Variant {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) invalid(path, 'must be an object');
  const { name, version, weight } = x as Record<string, unknown>;
  if (typeof name !== 'string' || name.length === 0) invalid(`${path}.name`, 'must be a non-empty string');
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) {
    invalid(`${path}.version`, 'must be <major>.<minor>.<patch>');
  }
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
    invalid(`${path}.weight`, 'must be a number >= 0');
  }
  return { name, version, weight };
}

/**
 * Checks the layer's `registry.json`: a list of tasks, each with at least one variant, a positive
 * weight among them and unique names. Hand-written (no schema built at import or first use: it is
 * read at cold start, ADR 0021).
 */
export function parseRegistries(json: unknown): ModelRegistry[] {
  if (!Array.isArray(json)) invalid('root', 'must be an array');
  return json.map((x: unknown, i) => {
    const path = `[${i}]`;
    if (typeof x !== 'object' || x === null || Array.isArray(x)) invalid(path, 'must be an object');
    const { task, variants } = x as Record<string, unknown>;
    if (!(TASKS as readonly unknown[]).includes(task))
      invalid(`${path}.task`, `must be one of ${TASKS.join(', ')}`);
    if (!Array.isArray(variants) || variants.length === 0) invalid(`${path}.variants`, 'must list a variant');
    const checked = variants.map((v: unknown, k) => variantOf(v, `${path}.variants[${k}]`));
    if (!checked.some((v) => v.weight > 0)) invalid(path, 'needs a variant with a positive weight');
    if (new Set(checked.map((v) => v.name)).size !== checked.length)
      invalid(path, 'variant names must be unique');
    return { task: task as Task, variants: checked };
  });
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
