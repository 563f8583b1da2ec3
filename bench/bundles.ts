/**
 * Bundle size and init cost of every function (issue 12), cheap enough to run first:
 * - size: the minified bundle without source maps, against 250 KB each;
 * - init: the time to load the bundle (as deployed: with its environment and its source map, which
 *   it reads only at its first stack trace) in a fresh Node process, against a bare handler that loads the same
 *   AWS SDK packages the bundle loads (one per SDK package set), medians over rounds in which each
 *   function runs once and its bare handler once after every 4 functions, in a rotating order, 5 to
 *   7 rounds per function (fewer once its side of 1.2x is clear), with a same-code control
 *   (bench/init-rounds.ts). Timed in CPU time (the process's user + system time over the
 *   `require`): module loading is CPU work, and on this shared 2-core machine the wall time also
 *   counts the time the process waited for a core, which a Lambda init on its own vCPU does not.
 *   The wall-time ratio is reported beside it for reference. Two processes run at a time (one per
 *   core; BENCH_INIT_CONCURRENCY), which CPU time lets through without moving the ratios.
 * The bundle is the local mode's (local/function-bundles.ts: the options the CDK construct gives
 * NodejsFunction, built once and reused while no input changed, so the stack started after this
 * phase loads the same files). Its size without maps is its JavaScript without the trailing
 * `sourceMappingURL` comment: esbuild writes the same code with or without a source map (checked
 * for every function when this replaced a second build without maps), and the AWS SDK packages it
 * loads are its `require("@aws-sdk/...")` calls (the bundle's only externals besides Node's own).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTIONS } from '../src/catalog/functions';
import { functionBundle } from '../local/function-bundles';
import { REPO_ROOT } from '../local/processes';
import { percentile, type BenchTarget } from './support';
import { placeholderEnvironment } from './placeholder-env';
import { measureInitRounds, type InitRun, type InitSamples, type InitSubject } from './init-rounds';

/** Issue 12's targets: each bundle at most 250 KB (minified, no maps); init at most 1.2x the bare one. */
export const BUNDLE_KB_TARGET: BenchTarget = { atMost: 250 };
const INIT_RATIO_AT_MOST = 1.2;
export const INIT_RATIO_TARGET: BenchTarget = { atMost: INIT_RATIO_AT_MOST };
/** Rounds per function: at most INIT_RUNS, at least INIT_MIN_RUNS where its side of the target is clear. */
const INIT_RUNS = Number(process.env.BENCH_INIT_RUNS ?? 7);
const INIT_MIN_RUNS = Math.min(INIT_RUNS, Number(process.env.BENCH_INIT_MIN_RUNS ?? 5));
/** Init processes at once: one per core of this 2-core machine (CPU time is what is judged). */
const INIT_CONCURRENCY = Number(process.env.BENCH_INIT_CONCURRENCY ?? 2);

export interface FunctionBundleResult {
  readonly id: string;
  readonly bytes: number;
  readonly sdkPackages: readonly string[];
  /** CPU milliseconds of its init (the median of its runs) and of its bare handler's. */
  readonly initMs: number;
  readonly bareInitMs: number;
  /** initMs / bareInitMs: what the target judges. */
  readonly initRatio: number;
  /** The same medians in wall time, for reference (they count waits for a core). */
  readonly initWallMs: number;
  readonly bareInitWallMs: number;
  readonly initWallRatio: number;
  /** Rounds its init took (bench/init-rounds.ts: fewer once its side of the target was clear). */
  readonly initRounds: number;
}

const execFileAsync = promisify(execFile);

/** CPU and wall milliseconds to `require` the modules in a fresh Node process (module loading only). */
export async function requireMs(
  modules: readonly string[],
  env: Record<string, string>,
): Promise<{ cpuMs: number; wallMs: number }> {
  const script =
    `const c=process.cpuUsage();const t=performance.now();for(const m of ${JSON.stringify(modules)})require(m);` +
    `const w=performance.now()-t;const u=process.cpuUsage(c);process.stdout.write(JSON.stringify([(u.user+u.system)/1000,w]));`;
  const { stdout } = await execFileAsync(process.execPath, ['-e', script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  const [cpuMs, wallMs] = JSON.parse(stdout) as [number, number];
  return { cpuMs, wallMs };
}

/** A bundle's size without its source map comment, and the AWS SDK packages it requires. */
export function bundleFacts(code: string): { bytes: number; sdkPackages: string[] } {
  const withoutMapComment = code.replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, '\n');
  const sdkPackages = [...new Set([...code.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]!))];
  return { bytes: Buffer.byteLength(withoutMapComment), sdkPackages: sdkPackages.sort() };
}

/** How the init ratios were measured (bench/init-rounds.ts): rounds, processes and the same-code control. */
export interface InitMethod {
  readonly minRounds: number;
  readonly maxRounds: number;
  /** Distinct SDK package sets, so bare handlers measured per round. */
  readonly bareHandlers: number;
  /** Fresh Node processes the init runs took (one bare run beside every function run: 2 x rounds x functions). */
  readonly processes: number;
  /** A copy of the largest set's bare handler measured as a function against it: the method's bias (CPU). */
  readonly sameCodeRatio: number;
  /** The same in wall time, for reference. */
  readonly sameCodeWallRatio: number;
}

export async function benchBundles(
  log: (line: string) => void,
): Promise<{ functions: FunctionBundleResult[]; init: InitMethod }> {
  // Inside the repository, so the bare handlers resolve the AWS SDK from its node_modules as in Lambda.
  mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
  const work = mkdtempSync(join(REPO_ROOT, '.cache', 'bench-bundles-'));
  try {
    const facts: { id: string; bytes: number; sdkPackages: string[] }[] = [];
    const subjects: InitSubject[] = [];
    const bares = new Map<string, InitRun>();
    for (const fn of FUNCTIONS) {
      const deployed = await functionBundle(fn);
      const { bytes, sdkPackages } = bundleFacts(readFileSync(deployed, 'utf8'));
      facts.push({ id: fn.id, bytes, sdkPackages });
      // Loading a bundle must not need real resources: placeholder names.
      const env = {
        ...placeholderEnvironment(fn, (id) => `http://127.0.0.1:1/queue/${id}`),
        AWS_REGION: 'us-east-1',
      };
      // One bare handler per SDK package set (with the environment of the first function that has it).
      const key = sdkPackages.join(',');
      if (!bares.has(key)) {
        const bare = join(work, `bare-${bares.size}.js`);
        writeFileSync(bare, sdkPackages.map((p) => `require(${JSON.stringify(p)});`).join('\n'));
        bares.set(key, { file: bare, env });
      }
      subjects.push({ id: fn.id, file: deployed, env, bare: key });
    }
    // The same-code control: the most shared bare handler, copied under another name.
    const shared = [...bares.keys()].sort(
      (a, b) => subjects.filter((s) => s.bare === b).length - subjects.filter((s) => s.bare === a).length,
    )[0]!;
    const control = join(work, 'bare-control.js');
    copyFileSync(bares.get(shared)!.file, control);
    const controlId = '(same-code control)';
    subjects.push({
      id: controlId,
      file: control,
      env: bares.get(shared)!.env,
      bare: shared,
      allRounds: true,
    });
    log(
      `bundles: init of ${FUNCTIONS.length} functions against ${bares.size} bare handlers (one per SDK package set), ` +
        `${INIT_MIN_RUNS}-${INIT_RUNS} rounds, plus a same-code control...`,
    );
    // Each file's wall times, in the order its runs were made (the rounds judge CPU time).
    const wallMs = new Map<string, number[]>();
    const measured = await measureInitRounds(subjects, bares, {
      minRounds: INIT_MIN_RUNS,
      maxRounds: INIT_RUNS,
      atMost: INIT_RATIO_AT_MOST,
      concurrency: INIT_CONCURRENCY,
      measure: async (run) => {
        const times = await requireMs([run.file], run.env);
        wallMs.set(run.file, [...(wallMs.get(run.file) ?? []), times.wallMs]);
        return times.cpuMs;
      },
      onRound: (round, count) => log(`bundles: init round ${round}: ${count - 1} functions still measured`),
    });
    const ratioOf = (samples: InitSamples) => {
      // Every run of its bare handler in the rounds it took (several a round when shared).
      const initMs = percentile(samples.init, 50);
      const bareInitMs = percentile(samples.bare, 50);
      return { initMs, bareInitMs, initRatio: Math.round((initMs / bareInitMs) * 100) / 100 };
    };
    // For reference: the median of every wall run of the function over every run of its bare
    // handler (a bare handler shared by several functions also ran in rounds a function skipped).
    const wallOf = (subject: InitSubject) => {
      const initWallMs = percentile(wallMs.get(subject.file) ?? [], 50);
      const bareInitWallMs = percentile(wallMs.get(bares.get(subject.bare)!.file) ?? [], 50);
      return {
        initWallMs: round(initWallMs),
        bareInitWallMs: round(bareInitWallMs),
        initWallRatio: Math.round((initWallMs / bareInitWallMs) * 100) / 100,
      };
    };
    const functions = facts.map((fact): FunctionBundleResult => {
      const samples = measured.subjects.find((s) => s.id === fact.id)!;
      const { initMs, bareInitMs, initRatio } = ratioOf(samples);
      const entry: FunctionBundleResult = {
        ...fact,
        initMs: round(initMs),
        bareInitMs: round(bareInitMs),
        initRatio,
        ...wallOf(subjects.find((s) => s.id === fact.id)!),
        initRounds: samples.rounds,
      };
      log(
        `bundles: ${fact.id} ${(entry.bytes / 1024).toFixed(0)} KB, init CPU ${entry.initMs} ms vs bare ${entry.bareInitMs} ms (${entry.initRatio}x, ${entry.initRounds} rounds; wall ${entry.initWallRatio}x)`,
      );
      return entry;
    });
    const sameCodeRatio = ratioOf(measured.subjects.find((s) => s.id === controlId)!).initRatio;
    const sameCodeWallRatio = wallOf(subjects.find((s) => s.id === controlId)!).initWallRatio;
    log(
      `bundles: same-code control ${sameCodeRatio}x CPU (wall ${sameCodeWallRatio}x); ${measured.processes} init processes`,
    );
    return {
      functions,
      init: {
        minRounds: INIT_MIN_RUNS,
        maxRounds: INIT_RUNS,
        bareHandlers: bares.size,
        processes: measured.processes,
        sameCodeRatio,
        sameCodeWallRatio,
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const round = (value: number) => Math.round(value * 10) / 10;
