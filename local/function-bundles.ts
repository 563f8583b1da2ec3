/**
 * The local mode runs each function's esbuild bundle, built with the options the CDK construct
 * gives NodejsFunction (src/catalog/bundling.ts): the code Lambda runs, not the TypeScript sources
 * through a loader. A bundle loads in a fraction of the time tsx takes to transpile hundreds of
 * modules in every thread, and bundling faults (a dependency esbuild cannot bundle, a module read
 * from disk at run time) show up locally instead of after a deploy.
 *
 * Bundles are cached in `.cache/function-bundles/<entry path>/`: `current.json` names the build
 * and the fingerprint (size and mtime) of every input esbuild read (and of `BUILD_CONFIG_FILES`), so
 * a later start reuses the build while no input changed. Several processes may start at once (`npm start` beside `npm
 * test`, the worker host beside the API): each build goes to a directory of its own and
 * `current.json` is replaced atomically, so a reader never sees a half-written bundle.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, version as esbuildVersion, type BuildOptions } from 'esbuild';
import { FUNCTION_BUNDLING } from '../src/catalog/bundling';
import type { FunctionDefinition } from '../src/catalog/functions';
import { REPO_ROOT } from './processes';

export const BUNDLE_CACHE_DIR = join(REPO_ROOT, '.cache', 'function-bundles');

/**
 * Files that change what esbuild builds but are not in its metafile's inputs: the repository's
 * package.json (its `sideEffects`, which decide whether a module's top-level call is kept: without
 * `src/shared/zod.ts` listed there, zod's messages were dropped) and tsconfig.json (the `#src/*`
 * paths). Fingerprinted with the inputs, so editing either rebuilds the bundles.
 */
export const BUILD_CONFIG_FILES = ['package.json', 'tsconfig.json'] as const;

/** A build older than this that is no longer current is deleted by the next build. */
const STALE_BUILD_MS = 10 * 60_000;

interface BuildRecord {
  /** esbuild version and options: a change rebuilds everything. */
  readonly key: string;
  /** Directory of the build, under the function's cache directory. */
  readonly build: string;
  /** Input path (relative to the repository) -> `size:mtimeMs`. */
  readonly inputs: Readonly<Record<string, string>>;
}

/**
 * The esbuild options NodejsFunction bundles a handler module with (src/catalog/bundling.ts), for
 * esbuild itself: the local mode's bundles, and the bench's bundled runs, build exactly that.
 */
export function handlerBundleOptions(entry: string, outfile: string): BuildOptions {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: [resolve(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: FUNCTION_BUNDLING.target,
    minify: FUNCTION_BUNDLING.minify,
    sourcemap: FUNCTION_BUNDLING.sourceMap,
    sourcesContent: FUNCTION_BUNDLING.sourcesContent,
    external: [...FUNCTION_BUNDLING.externalModules],
    inject: FUNCTION_BUNDLING.inject.map((file) => join(REPO_ROOT, file)),
    tsconfig: join(REPO_ROOT, 'tsconfig.json'),
    logLevel: 'error',
  };
}

/** The esbuild options of a function's bundle, with the metafile that names its inputs. */
export function esbuildOptions(definition: FunctionDefinition, outfile: string): BuildOptions {
  return { ...handlerBundleOptions(definition.entry, outfile), metafile: true };
}

function fingerprint(path: string): string | undefined {
  try {
    const stat = statSync(resolve(REPO_ROOT, path));
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

function readRecord(dir: string): BuildRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'current.json'), 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
}

function isFresh(record: BuildRecord | undefined, key: string, dir: string): record is BuildRecord {
  if (!record || record.key !== key) return false;
  if (fingerprint(join(dir, record.build, 'index.js')) === undefined) return false;
  return Object.entries(record.inputs).every(([path, print]) => fingerprint(path) === print);
}

/** Deletes builds other than `keep` that are old enough not to be in use by another start. */
function pruneBuilds(dir: string, keep: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const path = join(dir, entry.name);
    if (Date.now() - statSync(path).mtimeMs > STALE_BUILD_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** The path of an up-to-date bundle of the function's handler, built if needed. */
export async function functionBundle(definition: FunctionDefinition): Promise<string> {
  const dir = join(BUNDLE_CACHE_DIR, definition.entry.replace(/[^\w.-]+/g, '_'));
  const key = JSON.stringify({ esbuildVersion, options: esbuildOptions(definition, 'index.js') });
  const current = readRecord(dir);
  if (isFresh(current, key, dir)) return join(dir, current.build, 'index.js');

  const buildName = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const outfile = join(dir, buildName, 'index.js');
  mkdirSync(join(dir, buildName), { recursive: true });
  const result = await build(esbuildOptions(definition, outfile));
  const inputs: Record<string, string> = {};
  for (const path of [...Object.keys(result.metafile?.inputs ?? {}), ...BUILD_CONFIG_FILES]) {
    const print = fingerprint(path);
    if (print !== undefined) inputs[path] = print;
  }
  const record: BuildRecord = { key, build: buildName, inputs };
  const temporary = join(dir, `current.json.${buildName}`);
  writeFileSync(temporary, JSON.stringify(record));
  renameSync(temporary, join(dir, 'current.json'));
  pruneBuilds(dir, buildName);
  return outfile;
}
