/**
 * Bundle size and init cost of every function (issue 12), cheap enough to run first:
 * - size: the minified bundle without source maps, against 250 KB each;
 * - init: the time to load the bundle (as deployed: with its source map and Lambda's
 *   `--enable-source-maps`) in a fresh Node process, against a bare handler that loads the same
 *   AWS SDK packages the bundle loads, median of alternating runs, against 1.2x.
 * The bundle is the local mode's (local/function-bundles.ts: the options the CDK construct gives
 * NodejsFunction, built once and reused while no input changed, so the stack started after this
 * phase loads the same files). Its size without maps is its JavaScript without the trailing
 * `sourceMappingURL` comment: esbuild writes the same code with or without a source map (checked
 * for every function when this replaced a second build without maps), and the AWS SDK packages it
 * loads are its `require("@aws-sdk/...")` calls (the bundle's only externals besides Node's own).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FUNCTIONS } from '../src/catalog/functions';
import { functionBundle } from '../local/function-bundles';
import { REPO_ROOT } from '../local/processes';
import { percentile, type BenchTarget } from './support';
import { placeholderEnvironment } from './placeholder-env';

/** Issue 12's targets: each bundle at most 250 KB (minified, no maps); init at most 1.2x the bare one. */
export const BUNDLE_KB_TARGET: BenchTarget = { atMost: 250 };
export const INIT_RATIO_TARGET: BenchTarget = { atMost: 1.2 };
const INIT_RUNS = Number(process.env.BENCH_INIT_RUNS ?? 7);

export interface FunctionBundleResult {
  readonly id: string;
  readonly bytes: number;
  readonly sdkPackages: readonly string[];
  readonly initMs: number;
  readonly bareInitMs: number;
  readonly initRatio: number;
}

/** Milliseconds to `require` the modules in a fresh Node process (module loading only). */
function requireMs(modules: readonly string[], env: Record<string, string>): number {
  const script = `const t=performance.now();for(const m of ${JSON.stringify(modules)})require(m);process.stdout.write(String(performance.now()-t));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return Number(out);
}

/** A bundle's size without its source map comment, and the AWS SDK packages it requires. */
export function bundleFacts(code: string): { bytes: number; sdkPackages: string[] } {
  const withoutMapComment = code.replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, '\n');
  const sdkPackages = [...new Set([...code.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]!))];
  return { bytes: Buffer.byteLength(withoutMapComment), sdkPackages: sdkPackages.sort() };
}

export async function benchBundles(log: (line: string) => void): Promise<FunctionBundleResult[]> {
  // Inside the repository, so the bare handlers resolve the AWS SDK from its node_modules as in Lambda.
  mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
  const work = mkdtempSync(join(REPO_ROOT, '.cache', 'bench-bundles-'));
  const results: FunctionBundleResult[] = [];
  try {
    for (const fn of FUNCTIONS) {
      const deployed = await functionBundle(fn);
      const { bytes, sdkPackages } = bundleFacts(readFileSync(deployed, 'utf8'));
      mkdirSync(join(work, fn.id));
      const bare = join(work, fn.id, 'bare.js');
      writeFileSync(bare, sdkPackages.map((p) => `require(${JSON.stringify(p)});`).join('\n'));
      // Loading a bundle must not need real resources: placeholder names.
      const env = {
        ...placeholderEnvironment(fn, (id) => `http://127.0.0.1:1/queue/${id}`),
        AWS_REGION: 'us-east-1',
        NODE_OPTIONS: '--enable-source-maps',
      };
      const init: number[] = [];
      const bareInit: number[] = [];
      for (let run = 0; run < INIT_RUNS; run += 1) {
        // Alternate, so a noisy moment hits both sides alike.
        init.push(requireMs([deployed], env));
        bareInit.push(requireMs([bare], env));
      }
      const initMs = percentile(init, 50);
      const bareInitMs = percentile(bareInit, 50);
      const entry: FunctionBundleResult = {
        id: fn.id,
        bytes,
        sdkPackages,
        initMs: round(initMs),
        bareInitMs: round(bareInitMs),
        initRatio: Math.round((initMs / bareInitMs) * 100) / 100,
      };
      results.push(entry);
      log(
        `bundles: ${fn.id} ${(entry.bytes / 1024).toFixed(0)} KB, init ${entry.initMs} ms vs bare ${entry.bareInitMs} ms (${entry.initRatio}x)`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

const round = (value: number) => Math.round(value * 10) / 10;
