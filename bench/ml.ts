/**
 * Benchmarks of the in-process models, for `bench/run.ts`:
 * - inference: time per text of each shipped model vs the AFINN scorer (`sentiment` package) on
 *   the same texts in the same run, and their ratio;
 * - artifact sizes (raw and gzip) of everything in the models layer;
 * - cold start: fresh Node processes running an esbuild bundle of a minimal handler that imports
 *   `src/models/ml` and loads (reads + parses + decodes) every deployed model, vs the same handler
 *   without models (median of several runs; the ratio is of time-from-process-start-to-ready).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import Sentiment from 'sentiment';
import { listVersions, loadModel, type Task } from '#src/models/ml';

const REPO = resolve(__dirname, '..');

export interface InferenceBench {
  readonly task: Task;
  readonly modelVersion: string;
  readonly texts: number;
  readonly perTextMicros: number;
  /** AFINN `analyze` on the same texts in the same run. */
  readonly afinnPerTextMicros: number;
  /** perTextMicros / afinnPerTextMicros. */
  readonly ratioToAfinn: number;
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
  /** Same, with the ML bundle required and both models loaded and parsed. */
  readonly withModelsInitMs: number;
  readonly ratio: number;
  /** Median in-process time of loadModel() (read + parse + decode) for all deployed models. */
  readonly modelLoadMs: number;
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
  /** Passes over the texts per measurement (default 20). */
  readonly iterations?: number;
  /** Fresh processes per cold-start variant (default 5). */
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

/** Mean microseconds per call of `fn` over `texts`, after one warm-up pass. */
function timePerText(texts: readonly string[], iterations: number, fn: (t: string) => unknown): number {
  for (const t of texts) fn(t);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) for (const t of texts) fn(t);
  return ((performance.now() - start) * 1000) / (iterations * texts.length);
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

function coldStart(modelsDir: string, runs: number): ColdStartBench {
  const work = mkdtempSync(join(tmpdir(), 'wedsync-ml-bench-'));
  try {
    const tasks = deployedTasks(modelsDir).map((t) => t.task);
    const mlIndex = join(REPO, 'src', 'models', 'ml', 'index.ts');
    // Both children are bundled handlers (as esbuild would bundle a Lambda) that print the time
    // since process start once ready; they share everything but the models.
    const baselineSrc = join(work, 'baseline-handler.ts');
    writeFileSync(
      baselineSrc,
      [
        "import * as z from 'zod';",
        'const body = z.object({ text: z.string() });',
        'export const handler = async (e: unknown) => ({ statusCode: 200, body: JSON.stringify(body.safeParse(e).success) });',
        'console.log(JSON.stringify({ readyMs: performance.now(), loadMs: 0, ok: typeof handler }));',
      ].join('\n'),
    );
    const withModelsSrc = join(work, 'models-handler.ts');
    writeFileSync(
      withModelsSrc,
      [
        "import * as z from 'zod';",
        `import { loadModel, type Task } from ${JSON.stringify(mlIndex)};`,
        'const body = z.object({ text: z.string() });',
        'const t0 = performance.now();',
        `const models = (${JSON.stringify(tasks)} as Task[]).map((t) => loadModel(t, ${JSON.stringify(modelsDir)}));`,
        'const loadMs = performance.now() - t0;',
        'export const handler = async (e: unknown) => ({ statusCode: 200, body: JSON.stringify([body.safeParse(e).success, models.length]) });',
        'console.log(JSON.stringify({ readyMs: performance.now(), loadMs, ok: typeof handler }));',
      ].join('\n'),
    );
    for (const src of [baselineSrc, withModelsSrc]) {
      buildSync({
        entryPoints: [src],
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        outfile: src.replace(/\.ts$/, '.js'),
        nodePaths: [join(REPO, 'node_modules')],
        logLevel: 'silent',
      });
    }
    const run = (file: string) => {
      const wallStart = performance.now();
      const out = JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' })) as {
        readyMs: number;
        loadMs: number;
      };
      return { wallMs: performance.now() - wallStart, ...out };
    };
    const baseline: number[] = [];
    const withModels: number[] = [];
    const loads: number[] = [];
    for (let i = 0; i < runs; i++) {
      baseline.push(run(baselineSrc.replace(/\.ts$/, '.js')).readyMs);
      const m = run(withModelsSrc.replace(/\.ts$/, '.js'));
      withModels.push(m.readyMs);
      loads.push(m.loadMs);
    }
    const b = median(baseline);
    const w = median(withModels);
    return {
      runs,
      baselineInitMs: round(b),
      withModelsInitMs: round(w),
      ratio: round(w / b, 3),
      modelLoadMs: round(median(loads)),
      bundleBytes: {
        baseline: statSync(baselineSrc.replace(/\.ts$/, '.js')).size,
        withModels: statSync(withModelsSrc.replace(/\.ts$/, '.js')).size,
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function benchModels(options: MlBenchOptions = {}): Promise<MlBenchResult> {
  const modelsDir = options.modelsDir ?? join(REPO, 'layers', 'models', 'nodejs', 'models');
  const iterations = options.iterations ?? 20;
  const afinn = new Sentiment();
  const deployed = deployedTasks(modelsDir);

  const inference: InferenceBench[] = deployed.map(({ task }) => {
    const model = loadModel(task, modelsDir);
    const texts = sampleTexts(task);
    const ours = timePerText(texts, iterations, (t) => model.predict([t]));
    const lexicon = timePerText(texts, iterations, (t) => afinn.analyze(t));
    return {
      task,
      modelVersion: model.modelVersion,
      texts: texts.length,
      perTextMicros: round(ours),
      afinnPerTextMicros: round(lexicon),
      ratioToAfinn: round(ours / lexicon, 3),
    };
  });

  const artifacts: ArtifactSize[] = deployed.flatMap(({ task, version }) =>
    ['model.json', 'card.json'].map((file) => {
      const bytes = readFileSync(join(modelsDir, task, version, file));
      return { task, version, file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    }),
  );

  return { inference, artifacts, coldStart: coldStart(modelsDir, options.coldStartRuns ?? 5) };
}
