/**
 * The on-disk model artifact (`model.json`) and its validation. One format serves every task: a
 * hashed-feature linear model (binary logistic or softmax) plus the reference distribution of its
 * predictions recorded at training time for drift monitoring.
 *
 * Format `wedsync-linear-v2` (ADR 0021, "Cold start, third round") stores the weights in the layout
 * inference reads (bucket groups, see `codec.ts`), so loading decodes base64 into typed-array views
 * and does no work per weight. It is the single-file form: training's output and the model store.
 * Format `wedsync-linear-v3` (ADR 0021, fourth round) is v2 with the four weight arrays in
 * `weights.bin` beside `model.json` (its size and SHA-256 in `model.json`): the form of the models
 * layer, read without a large string to parse or base64 to decode. `wedsync-linear-v1`
 * (varint-coded indices) is still read: its weights are repacked at load, which costs what v1 always
 * cost.
 *
 * The check is hand-written (no schema library at load): an artifact is parsed once per model at
 * cold start, and its integrity is pinned by the SHA-256 in its card (layer) or in the active
 * configuration (model store).
 */
import type { ExpenseFeatureConfig } from './expense-features';
import type { SentimentFeatureConfig } from './sentiment-features';
import { upgradeLegacyWeights, WEIGHTS_FILE, type ArtifactWeights, type LegacyEncodedWeights } from './codec';

export const TASKS = ['sentiment', 'deception', 'expense-category'] as const;
export type Task = (typeof TASKS)[number];

/** The single-file format (training's output, the model store). */
export const ARTIFACT_FORMAT = 'wedsync-linear-v2';
/** The models layer's format: v2 with the weights in `weights.bin` beside `model.json`. */
export const FILES_ARTIFACT_FORMAT = 'wedsync-linear-v3';
/** The first format, still accepted by {@link parseArtifact}. */
export const LEGACY_ARTIFACT_FORMAT = 'wedsync-linear-v1';

/**
 * Reads a file named by an artifact, beside its `model.json` (v3: the weights file). Given by the
 * caller that knows where the artifact is (`readArtifact`); without it a v3 artifact cannot be parsed.
 */
export type ArtifactFileReader = (file: string) => Uint8Array;

export const AGGREGATIONS = ['document', 'sentence-sqrt', 'sentence-mean'] as const;
/**
 * How a multi-sentence text is scored: as one unit, or sentence by sentence then combined
 * (`sentence-sqrt`: features summed and divided by sqrt(sentences); `sentence-mean`: weighted
 * mean of the sentence scores, contrast and summary sentences weighted up, see `vectorise.ts`).
 */
export type Aggregation = (typeof AGGREGATIONS)[number];

/** An artifact's feature settings: the extractor's own config, tagged with its task's extractor. */
export type SentimentFeatureSpec = { readonly type: 'sentiment' } & SentimentFeatureConfig;

export type ExpenseFeatureSpec = { readonly type: 'expense' } & ExpenseFeatureConfig;

export interface ReferenceDistribution {
  /** Share of each label among reference predictions (sums to 1). */
  readonly labels: Record<string, number>;
  /** Histogram bin edges of the confidence, ascending, first 0 and last 1. */
  readonly confidenceEdges: number[];
  /** Share of reference predictions per confidence bin (length = edges - 1). */
  readonly confidence: number[];
  /** What the reference predictions were made on. */
  readonly source: string;
  readonly count: number;
}

export interface ModelArtifact {
  /** v2: base64 weights (`EncodedWeights`); v3: the weights file's bytes (`BinaryWeights`). */
  readonly format: typeof ARTIFACT_FORMAT | typeof FILES_ARTIFACT_FORMAT;
  readonly task: Task;
  readonly version: string;
  /** Binary: [negative class, positive class]; the logit is for labels[1]. Multiclass: softmax order. */
  readonly labels: string[];
  readonly features: SentimentFeatureSpec | ExpenseFeatureSpec;
  readonly aggregation: Aggregation;
  /** Logits are divided by this before the sigmoid/softmax (calibration). */
  readonly temperature: number;
  /** Multiclass only: below this top probability the prediction is `fallbackLabel`. */
  readonly threshold?: number;
  readonly fallbackLabel?: string;
  readonly bias: number[];
  readonly weights: ArtifactWeights;
  readonly reference: ReferenceDistribution;
}

/** Number of weight rows per bucket: 1 for a binary model, one per class otherwise. */
export function outputCount(a: Pick<ModelArtifact, 'labels'>): number {
  return a.labels.length === 2 ? 1 : a.labels.length;
}

type Json = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new Error(`artifact: ${path} ${what}`);
}

function object(x: unknown, path: string): Json {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) fail(path, 'must be an object');
  return x as Json;
}

function string(x: unknown, path: string): string {
  if (typeof x !== 'string') fail(path, 'must be a string');
  return x;
}

function number(x: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) {
    fail(path, `must be a number in [${min}, ${max}]`);
  }
  return x;
}

function integer(x: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(number(x, path, min, max))) fail(path, 'must be an integer');
  return x as number;
}

function boolean(x: unknown, path: string): boolean {
  if (typeof x !== 'boolean') fail(path, 'must be a boolean');
  return x;
}

function optional<T>(x: unknown, read: (x: unknown) => T): T | undefined {
  return x === undefined ? undefined : read(x);
}

function oneOf<T extends string>(x: unknown, values: readonly T[], path: string): T {
  if (!values.includes(x as T)) fail(path, `must be one of ${values.join(', ')}`);
  return x as T;
}

function array<T>(x: unknown, path: string, item: (x: unknown, path: string) => T, min = 0): T[] {
  if (!Array.isArray(x) || x.length < min) fail(path, `must be an array of at least ${min}`);
  return x.map((v, i) => item(v, `${path}[${i}]`));
}

function features(x: unknown): SentimentFeatureSpec | ExpenseFeatureSpec {
  const f = object(x, 'features');
  const bits = integer(f.bits, 'features.bits', 8, 24);
  if (f.type === 'sentiment') {
    const stems = optional(f.stems, (v) => boolean(v, 'features.stems'));
    const idioms = optional(f.idioms, (v) => boolean(v, 'features.idioms'));
    return {
      type: 'sentiment',
      bits,
      negationScope: integer(f.negationScope, 'features.negationScope'),
      bigrams: boolean(f.bigrams, 'features.bigrams'),
      contrastWeighting: boolean(f.contrastWeighting, 'features.contrastWeighting'),
      ...(stems !== undefined ? { stems } : {}),
      ...(idioms !== undefined ? { idioms } : {}),
    };
  }
  if (f.type === 'expense') {
    return {
      type: 'expense',
      bits,
      charMin: integer(f.charMin, 'features.charMin', 1),
      charMax: integer(f.charMax, 'features.charMax', 1),
      charWeight: number(f.charWeight, 'features.charWeight', 0),
      bigrams: boolean(f.bigrams, 'features.bigrams'),
    };
  }
  return fail('features.type', 'must be sentiment or expense');
}

function reference(x: unknown): ReferenceDistribution {
  const r = object(x, 'reference');
  const labels = object(r.labels, 'reference.labels');
  for (const [k, v] of Object.entries(labels)) number(v, `reference.labels.${k}`);
  const confidenceEdges = array(r.confidenceEdges, 'reference.confidenceEdges', (v, p) => number(v, p), 2);
  const confidence = array(r.confidence, 'reference.confidence', (v, p) => number(v, p));
  if (confidence.length !== confidenceEdges.length - 1) {
    throw new Error('artifact: reference histogram does not match its edges');
  }
  return {
    labels: labels as Record<string, number>,
    confidenceEdges,
    confidence,
    source: string(r.source, 'reference.source'),
    count: integer(r.count, 'reference.count', 1),
  };
}

function weights(
  x: unknown,
  format: string,
  buckets: number,
  outputs: number,
  readFile: ArtifactFileReader | undefined,
): ArtifactWeights {
  const w = object(x, 'weights');
  const count = integer(w.count, 'weights.count');
  const scale = number(w.scale, 'weights.scale', Number.MIN_VALUE);
  if (format === FILES_ARTIFACT_FORMAT) {
    // The file's layout (array lengths, group starts) is checked where it is viewed (`unpackWeights`).
    const file = oneOf(w.file, [WEIGHTS_FILE], 'weights.file');
    const bytes = integer(w.bytes, 'weights.bytes');
    if (!/^[0-9a-f]{64}$/.test(string(w.sha256, 'weights.sha256')))
      fail('weights.sha256', 'must be hex SHA-256');
    if (!readFile)
      throw new Error(`artifact: the weights are in ${file}: read the artifact with readArtifact`);
    const data = readFile(file);
    if (data.byteLength !== bytes) fail('weights.bytes', `is ${bytes}, ${file} holds ${data.byteLength}`);
    return { count, scale, groupBits: integer(w.groupBits, 'weights.groupBits', 0, 8), data };
  }
  if (format === LEGACY_ARTIFACT_FORMAT) {
    const enc: LegacyEncodedWeights = {
      count,
      scale,
      index: string(w.index, 'weights.index'),
      value: string(w.value, 'weights.value'),
    };
    return upgradeLegacyWeights(enc, buckets, outputs);
  }
  // The arrays' lengths and group starts are checked where they are decoded (`unpackWeights`).
  return {
    count,
    scale,
    groupBits: integer(w.groupBits, 'weights.groupBits', 0, 8),
    starts: string(w.starts, 'weights.starts'),
    slots: string(w.slots, 'weights.slots'),
    outputs: string(w.outputs, 'weights.outputs'),
    values: string(w.values, 'weights.values'),
  };
}

/**
 * Checks a parsed `model.json` (any format); v1 comes back as v2, v3 with its weights file's bytes
 * (read through `readFile`).
 */
export function parseArtifact(json: unknown, readFile?: ArtifactFileReader): ModelArtifact {
  const a = object(json, 'artifact');
  const format = oneOf(a.format, [ARTIFACT_FORMAT, FILES_ARTIFACT_FORMAT, LEGACY_ARTIFACT_FORMAT], 'format');
  const task = oneOf(a.task, TASKS, 'task');
  const version = string(a.version, 'version');
  if (!/^\d+\.\d+\.\d+$/.test(version)) fail('version', 'must be <major>.<minor>.<patch>');
  const labels = array(a.labels, 'labels', (v, p) => string(v, p), 2);
  const spec = features(a.features);
  const bias = array(a.bias, 'bias', (v, p) => number(v, p));
  const outputs = outputCount({ labels });
  if (bias.length !== outputs) throw new Error(`artifact: bias length ${bias.length} does not match labels`);
  const threshold = optional(a.threshold, (v) => number(v, 'threshold', 0, 1));
  const fallbackLabel = optional(a.fallbackLabel, (v) => string(v, 'fallbackLabel'));
  if (fallbackLabel !== undefined && !labels.includes(fallbackLabel)) {
    throw new Error(`artifact: fallback label ${fallbackLabel} is not a label`);
  }
  const temperature = number(a.temperature, 'temperature', Number.MIN_VALUE);
  return {
    format: format === FILES_ARTIFACT_FORMAT ? FILES_ARTIFACT_FORMAT : ARTIFACT_FORMAT,
    task,
    version,
    labels,
    features: spec,
    aggregation: oneOf(a.aggregation, AGGREGATIONS, 'aggregation'),
    temperature,
    ...(threshold !== undefined ? { threshold } : {}),
    ...(fallbackLabel !== undefined ? { fallbackLabel } : {}),
    bias,
    weights: weights(a.weights, format, 2 ** spec.bits, outputs, readFile),
    reference: reference(a.reference),
  };
}
