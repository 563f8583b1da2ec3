/**
 * Benchmarks of the in-process models, for `bench/run.ts` (`npm run bench -- --phases=models`,
 * which needs no local stack):
 * - inference (issue 13: <= 2x AFINN per text for sentiment, <= 5x for expense categories): each
 *   deployed model and the AFINN scorer (`sentiment` package) take turns on the same texts in one
 *   process bundled with the functions' esbuild options (bench/ml-inference.ts); the ratio is the
 *   median of the per-round ratios, so a slow stretch of a shared machine hits both sides;
 * - artifact sizes (raw and gzip) of everything in the models layer;
 * - cold start (issue 13: <= 1.2x): fresh Node processes running a bundled minimal handler that
 *   imports `src/models/ml` and loads (reads + validates + decodes) every deployed model, against
 *   the same handler without models, alternating, median of the runs (time from process start to
 *   "handler ready"); 31 runs each by default (15 until ADR 0021's fourth round: on this shared
 *   machine the wall-time median of 15 moved by more than the gap being measured), and a
 *   byte-identical copy of the baseline in the same rotation, whose ratio to the baseline shows
 *   the run's noise floor (A/A).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync, type BuildOptions } from 'esbuild';
import { handlerBundleOptions } from '../local/function-bundles';
import { listVersions, type Task } from '#src/models/ml';
import type { InferenceJob, InferenceRun } from './ml-inference';
import { describeTarget, targetGap, type BenchTarget } from './support';

const REPO = resolve(__dirname, '..');

/** Issue 13's targets. */
export const INFERENCE_RATIO_TARGETS: Readonly<Record<Task, BenchTarget>> = {
  sentiment: { atMost: 2 },
  'expense-category': { atMost: 5 },
  deception: { atMost: 2 },
};
export const COLD_START_RATIO_TARGET: BenchTarget = { atMost: 1.2 };

export interface InferenceBench {
  readonly task: Task;
  readonly modelVersion: string;
  readonly texts: number;
  readonly rounds: number;
  /** Median over the rounds of the model's CPU microseconds per text. */
  readonly perTextMicros: number;
  /** AFINN `analyze` on the same texts, same rounds. */
  readonly afinnPerTextMicros: number;
  /** Median of the per-round ratios model / AFINN (the figure compared with the target). */
  readonly ratioToAfinn: number;
  /** Lowest and highest per-round ratio (how noisy the run was). */
  readonly ratioRange: readonly [number, number];
  /**
   * Inference caching study (issue 13): a cache keyed by the text costs a lookup on every text and
   * saves the inference on a hit, so it pays only when the hit rate exceeds lookup / inference.
   */
  readonly cache: {
    /** Median CPU microseconds of a hit (the lookup every text would pay). */
    readonly lookupMicros: number;
    /** The hit rate at which a cache starts to pay: lookupMicros / perTextMicros. */
    readonly breakEvenHitRate: number;
    /** Texts of the real review (or expense) corpus that repeat an earlier one exactly. */
    readonly corpusDuplicateRate: number;
    readonly corpusTexts: number;
  };
}

export interface ArtifactSize {
  readonly task: Task;
  readonly version: string;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface ColdStartBench {
  readonly runs: number;
  /** Median wall time from process start to "handler ready" without models. */
  readonly baselineInitMs: number;
  /** Same, with the ML code bundled and every deployed model loaded. */
  readonly withModelsInitMs: number;
  readonly ratio: number;
  /** Median CPU time (user + system) of the process at "handler ready", without and with models. */
  readonly baselineInitCpuMs: number;
  readonly withModelsInitCpuMs: number;
  /** withModelsInitCpuMs / baselineInitCpuMs: unlike wall time, not inflated by waiting for a core. */
  readonly cpuRatio: number;
  /** Median in-process time of loadModel() (read + parse + validate + decode) for all deployed models. */
  readonly modelLoadMs: number;
  /**
   * The noise floor (A/A): a byte-identical copy of the baseline run in the same rotation, median
   * over the baseline's median, wall and CPU. A ratio closer to 1 than this is not resolved.
   */
  readonly sameCodeRatio: { readonly wall: number; readonly cpu: number };
  /** Sizes of the two handler bundles (the difference is the ML runtime code). */
  readonly bundleBytes: { readonly baseline: number; readonly withModels: number };
}

export interface MlBenchResult {
  readonly inference: readonly InferenceBench[];
  readonly artifacts: readonly ArtifactSize[];
  readonly coldStart: ColdStartBench;
}

export interface MlBenchOptions {
  /** Models directory (default: the repo's layer). */
  readonly modelsDir?: string;
  /** Timed rounds per model (default BENCH_MODEL_ROUNDS or 101). */
  readonly rounds?: number;
  /** Fresh processes per cold-start variant (default BENCH_MODEL_COLD_RUNS or 31). */
  readonly coldStartRuns?: number;
}

const REVIEW_TEXTS: readonly string[] = [
  'Absolutely amazing photographer, she captured every moment and the photos came back within three weeks.',
  'The venue was beautiful but the staff were rude and the food arrived cold. We would not book again.',
  'Our DJ kept everyone dancing all night. Brilliant!',
  'We had to chase them for months to get our photos. Very disappointing.',
  'The florist went above and beyond; the bouquet was stunning and the buttonholes lasted all day.',
  'Cake was dry and the delivery was two hours late, which ruined the timings of the whole afternoon.',
  'Lovely people, fair prices, would recommend to anyone planning a wedding.',
  'Not worth the money.',
];

function sampleTexts(task: Task): string[] {
  if (task === 'expense-category') {
    return readFileSync(join(REPO, 'data', 'expenses', 'handwritten-heldout.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.includes('\t'))
      .map((l) => l.slice(0, l.lastIndexOf('\t')));
  }
  const uci = readFileSync(join(REPO, 'data', 'sentiment', 'uci', 'yelp_labelled.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('\t'))
    .slice(0, 200)
    .map((l) => l.slice(0, l.lastIndexOf('\t')));
  return [...REVIEW_TEXTS, ...uci];
}

/** Every real text of the task's corpus (the three UCI review sets; the hand-written expense notes). */
function duplicateCorpus(task: Task): string[] {
  if (task !== 'sentiment') return sampleTexts(task);
  return ['amazon_cells_labelled.txt', 'imdb_labelled.txt', 'yelp_labelled.txt'].flatMap((file) =>
    readFileSync(join(REPO, 'data', 'sentiment', 'uci', file), 'utf8')
      .split('\n')
      .filter((l) => l.includes('\t'))
      .map((l) => l.slice(0, l.lastIndexOf('\t'))),
  );
}

/** The share of texts that repeat an earlier one exactly: the hit rate of an unbounded cache. */
export function duplicateRate(texts: readonly string[]): number {
  if (texts.length === 0) return 0;
  return (texts.length - new Set(texts).size) / texts.length;
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function deployedTasks(modelsDir: string): { task: Task; version: string }[] {
  return (['sentiment', 'expense-category', 'deception'] as const)
    .map((task) => ({ task, version: listVersions(task, modelsDir).at(-1) }))
    .filter((x): x is { task: Task; version: string } => x.version !== undefined);
}

/** The functions' esbuild options (src/catalog/bundling.ts), as NodejsFunction bundles a handler. */
function bundle(entry: string, outfile: string): number {
  const options: BuildOptions = handlerBundleOptions(entry, outfile);
  buildSync(options);
  return statSync(outfile).size;
}

/** Inside the repository, so that bundles resolve packages from its node_modules. */
function workDir(): string {
  mkdirSync(join(REPO, '.cache'), { recursive: true });
  return mkdtempSync(join(REPO, '.cache', 'bench-models-'));
}

function inference(modelsDir: string, rounds: number): InferenceBench[] {
  const work = workDir();
  try {
    const child = join(work, 'ml-inference.js');
    bundle(join(__dirname, 'ml-inference.ts'), child);
    return deployedTasks(modelsDir).map(({ task }) => {
      const texts = sampleTexts(task);
      const job: InferenceJob = { task, modelsDir, texts, rounds, batchMs: 2, warmupPasses: 10 };
      const out = execFileSync(process.execPath, [child, JSON.stringify(job)], {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      });
      const run = JSON.parse(out) as InferenceRun;
      const perTextMicros = median(run.modelMicros);
      const lookupMicros = median(run.cacheHitMicros);
      const corpus = duplicateCorpus(task);
      return {
        task,
        modelVersion: run.modelVersion,
        texts: texts.length,
        rounds,
        perTextMicros: round(median(run.modelMicros)),
        afinnPerTextMicros: round(median(run.afinnMicros)),
        ratioToAfinn: round(median(run.ratios), 3),
        ratioRange: [round(Math.min(...run.ratios), 3), round(Math.max(...run.ratios), 3)],
        cache: {
          lookupMicros: round(lookupMicros, 3),
          breakEvenHitRate: round(lookupMicros / perTextMicros, 3),
          corpusDuplicateRate: round(duplicateRate(corpus), 4),
          corpusTexts: corpus.length,
        },
      };
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The handlers' CPU time so far, in milliseconds (an expression for the generated sources). */
const CPU_MS = '(process.cpuUsage().user + process.cpuUsage().system) / 1000';

function coldStart(modelsDir: string, runs: number): ColdStartBench {
  const work = workDir();
  try {
    const tasks = deployedTasks(modelsDir).map((t) => t.task);
    const mlIndex = join(REPO, 'src', 'models', 'ml', 'index.ts');
    // zod as the functions load it (its small build, with its messages).
    const zodModule = join(REPO, 'src', 'shared', 'zod.ts');
    // Both are bundled handlers that print the time since process start once ready; they share
    // everything but the models.
    const baselineSrc = join(work, 'baseline-handler.ts');
    writeFileSync(
      baselineSrc,
      [
        `import * as z from ${JSON.stringify(zodModule)};`,
        'const body = z.object({ text: z.string() });',
        'export const handler = async (e: unknown) => ({ statusCode: 200, body: JSON.stringify(body.safeParse(e).success) });',
        `console.log(JSON.stringify({ readyMs: performance.now(), cpuMs: ${CPU_MS}, loadMs: 0, ok: typeof handler }));`,
      ].join('\n'),
    );
    const withModelsSrc = join(work, 'models-handler.ts');
    writeFileSync(
      withModelsSrc,
      [
        `import * as z from ${JSON.stringify(zodModule)};`,
        `import { loadModel, type Task } from ${JSON.stringify(mlIndex)};`,
        'const body = z.object({ text: z.string() });',
        'const t0 = performance.now();',
        `const models = (${JSON.stringify(tasks)} as Task[]).map((t) => loadModel(t, ${JSON.stringify(modelsDir)}));`,
        'const loadMs = performance.now() - t0;',
        'export const handler = async (e: unknown) => ({ statusCode: 200, body: JSON.stringify([body.safeParse(e).success, models.length]) });',
        `console.log(JSON.stringify({ readyMs: performance.now(), cpuMs: ${CPU_MS}, loadMs, ok: typeof handler }));`,
      ].join('\n'),
    );
    const baselineJs = join(work, 'baseline-handler.js');
    const withModelsJs = join(work, 'models-handler.js');
    const bundleBytes = {
      baseline: bundle(baselineSrc, baselineJs),
      withModels: bundle(withModelsSrc, withModelsJs),
    };
    // As deployed: with the source map, which the bundle reads only at its first stack trace.
    const run = (file: string) =>
      JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' })) as {
        readyMs: number;
        cpuMs: number;
        loadMs: number;
      };
    // The A/A control: the same bundle under another name (its own source map file beside it).
    const copyJs = join(work, 'baseline-copy.js');
    const mapRef = 'sourceMappingURL=baseline-handler.js.map';
    const baselineCode = readFileSync(baselineJs, 'utf8');
    if (!baselineCode.includes(mapRef)) throw new Error(`the baseline bundle has no ${mapRef}`);
    writeFileSync(copyJs, baselineCode.replace(mapRef, 'sourceMappingURL=baseline-copy.js.map'));
    writeFileSync(`${copyJs}.map`, readFileSync(`${baselineJs}.map`));
    const variants = [baselineJs, withModelsJs, copyJs];
    const wall = new Map<string, number[]>(variants.map((f) => [f, []]));
    const cpu = new Map<string, number[]>(variants.map((f) => [f, []]));
    const loads: number[] = [];
    for (const file of variants) run(file); // the first run of each reads the files from disk: untimed
    for (let i = 0; i < runs; i++) {
      // Rotating, so that each variant takes each place in the order equally: a noisy stretch of the
      // shared machine hits all of them.
      for (let k = 0; k < variants.length; k++) {
        const file = variants[(i + k) % variants.length];
        const out = run(file);
        wall.get(file)!.push(out.readyMs);
        cpu.get(file)!.push(out.cpuMs);
        if (file === withModelsJs) loads.push(out.loadMs);
      }
    }
    const b = median(wall.get(baselineJs)!);
    const w = median(wall.get(withModelsJs)!);
    const bc = median(cpu.get(baselineJs)!);
    const wc = median(cpu.get(withModelsJs)!);
    return {
      runs,
      baselineInitMs: round(b),
      withModelsInitMs: round(w),
      ratio: round(w / b, 3),
      baselineInitCpuMs: round(bc),
      withModelsInitCpuMs: round(wc),
      cpuRatio: round(wc / bc, 3),
      modelLoadMs: round(median(loads)),
      sameCodeRatio: {
        wall: round(median(wall.get(copyJs)!) / b, 3),
        cpu: round(median(cpu.get(copyJs)!) / bc, 3),
      },
      bundleBytes,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function benchModels(options: MlBenchOptions = {}): Promise<MlBenchResult> {
  const modelsDir = options.modelsDir ?? join(REPO, 'layers', 'models', 'nodejs', 'models');
  const rounds = options.rounds ?? Number(process.env.BENCH_MODEL_ROUNDS ?? 101);
  const artifacts: ArtifactSize[] = deployedTasks(modelsDir).flatMap(({ task, version }) =>
    ['model.json', 'weights.bin', 'card.json']
      .filter((file) => existsSync(join(modelsDir, task, version, file)))
      .map((file) => {
        const bytes = readFileSync(join(modelsDir, task, version, file));
        return { task, version, file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
      }),
  );
  return {
    inference: inference(modelsDir, rounds),
    artifacts,
    coldStart: coldStart(modelsDir, options.coldStartRuns ?? Number(process.env.BENCH_MODEL_COLD_RUNS ?? 31)),
  };
}

/** The phase's table rows: each ratio against issue 13's target, with the gap. */
export function modelRows(result: MlBenchResult): string[][] {
  const rows = result.inference.map((r) => {
    const target = INFERENCE_RATIO_TARGETS[r.task];
    return [
      `${r.modelVersion} per text vs AFINN`,
      `${r.perTextMicros} / ${r.afinnPerTextMicros} us = ${r.ratioToAfinn}x (rounds ${r.ratioRange[0]}-${r.ratioRange[1]})`,
      describeTarget(target),
      targetGap(r.ratioToAfinn, target).text,
    ];
  });
  for (const r of result.inference) {
    rows.push([
      `${r.modelVersion} inference cache (study)`,
      `lookup ${r.cache.lookupMicros} us: pays above ${(r.cache.breakEvenHitRate * 100).toFixed(1)}% hits; ` +
        `${(r.cache.corpusDuplicateRate * 100).toFixed(2)}% of ${r.cache.corpusTexts} real texts repeat`,
      'cache only if it pays',
      r.cache.corpusDuplicateRate > r.cache.breakEvenHitRate ? 'would pay' : 'would not pay: no cache',
    ]);
  }
  const c = result.coldStart;
  rows.push(
    [
      'cold start with models vs without (wall)',
      `${c.withModelsInitMs} / ${c.baselineInitMs} ms = ${c.ratio}x (loading ${c.modelLoadMs} ms; same code: ${c.sameCodeRatio.wall}x)`,
      describeTarget(COLD_START_RATIO_TARGET),
      targetGap(c.ratio, COLD_START_RATIO_TARGET).text,
    ],
    [
      'cold start with models vs without (CPU)',
      `${c.withModelsInitCpuMs} / ${c.baselineInitCpuMs} ms = ${c.cpuRatio}x (same code: ${c.sameCodeRatio.cpu}x)`,
      describeTarget(COLD_START_RATIO_TARGET),
      targetGap(c.cpuRatio, COLD_START_RATIO_TARGET).text,
    ],
  );
  return rows;
}
