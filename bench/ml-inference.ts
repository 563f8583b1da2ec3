/**
 * Child of the bench's `models` phase (bench/ml.ts), bundled as Lambda runs it (the functions'
 * esbuild options): one task's model and the AFINN scorer (`sentiment` package) take turns on the
 * same texts in one process. Each round times one batch of each (the order alternates between
 * rounds, so a slow stretch of a shared machine hits both sides), and the phase reports the median
 * of the per-round ratios. Batches are short (about `batchMs` each, sized after the warm-up) and
 * timed in CPU time (`process.cpuUsage`), so that the time this process spends waiting for a core
 * on a shared machine counts on neither side. Prints one JSON line: {@link InferenceRun}.
 *
 *   node ml-inference.js '<json InferenceJob>'
 */
import Sentiment from 'sentiment';
import { loadModel, type Task } from '#src/models/ml';

export interface InferenceJob {
  readonly task: Task;
  readonly modelsDir: string;
  readonly texts: readonly string[];
  /** Timed rounds (each: one batch of the model and one of AFINN). */
  readonly rounds: number;
  /** CPU milliseconds a batch should take (each side's passes per batch are sized to it). */
  readonly batchMs: number;
  /** Untimed warm-up passes of each side first (lets the JIT settle, as on a warm Lambda). */
  readonly warmupPasses: number;
}

export interface InferenceRun {
  readonly modelVersion: string;
  /** Passes over the texts per batch: the model's, AFINN's. */
  readonly passes: readonly [number, number];
  /** Per round: CPU microseconds per text of the model and of AFINN, and their ratio. */
  readonly modelMicros: readonly number[];
  readonly afinnMicros: readonly number[];
  readonly ratios: readonly number[];
  /**
   * Per round: CPU microseconds per text of a cache hit (a `Map` keyed by the text, holding the
   * prediction): what an inference cache would cost on every text, hit or miss (issue 13's study).
   */
  readonly cacheHitMicros: readonly number[];
  /** Keeps the results alive (never 0 for a non-empty text set). */
  readonly checksum: number;
}

/** Passes of cache hits per round (each on fresh copies of the texts). */
const CACHE_PASSES_PER_ROUND = 10;

function main(): void {
  const job = JSON.parse(process.argv[2] ?? '') as InferenceJob;
  const model = loadModel(job.task, job.modelsDir);
  const afinn = new Sentiment();
  let checksum = 0;
  const ours = (text: string): void => {
    checksum += model.predict([text])[0].confidence;
  };
  const lexicon = (text: string): void => {
    checksum += afinn.analyze(text).comparative + 1;
  };
  const cache = new Map(job.texts.map((text) => [text, model.predict([text])[0]]));
  /**
   * CPU microseconds per text of cache hits, on fresh copies of the texts made outside the timing:
   * a text arrives as a new string (parsed from a message), whose hash V8 has not computed yet.
   */
  const cacheHits = (passes: number): number => {
    const copies = Array.from({ length: passes }, () => JSON.parse(JSON.stringify(job.texts)) as string[]);
    const start = process.cpuUsage();
    for (const texts of copies) for (const text of texts) checksum += cache.get(text)!.confidence;
    const used = process.cpuUsage(start);
    return (used.user + used.system) / (passes * job.texts.length);
  };
  /** CPU microseconds per text over `passes` passes. */
  const batch = (fn: (text: string) => void, passes: number): number => {
    const start = process.cpuUsage();
    for (let p = 0; p < passes; p++) for (const text of job.texts) fn(text);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / (passes * job.texts.length);
  };
  for (let p = 0; p < job.warmupPasses; p++) {
    for (const text of job.texts) ours(text);
    for (const text of job.texts) lexicon(text);
  }
  const sized = (fn: (text: string) => void): number => {
    const perPassMs = (Math.min(batch(fn, 1), batch(fn, 1), batch(fn, 1)) * job.texts.length) / 1000;
    return Math.max(1, Math.round(job.batchMs / Math.max(perPassMs, 1e-3)));
  };
  const passes: [number, number] = [sized(ours), sized(lexicon)];
  const modelMicros: number[] = [];
  const afinnMicros: number[] = [];
  const ratios: number[] = [];
  const cacheHitMicros: number[] = [];
  for (let r = 0; r < job.rounds; r++) {
    cacheHitMicros.push(cacheHits(CACHE_PASSES_PER_ROUND));
    let m: number;
    let a: number;
    if (r % 2 === 0) {
      m = batch(ours, passes[0]);
      a = batch(lexicon, passes[1]);
    } else {
      a = batch(lexicon, passes[1]);
      m = batch(ours, passes[0]);
    }
    modelMicros.push(m);
    afinnMicros.push(a);
    ratios.push(m / a);
  }
  const run: InferenceRun = {
    modelVersion: model.modelVersion,
    passes,
    modelMicros,
    afinnMicros,
    ratios,
    cacheHitMicros,
    checksum,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main();
