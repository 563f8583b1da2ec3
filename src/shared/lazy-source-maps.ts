/**
 * Stack traces mapped to the TypeScript sources through the bundle's source map, which is read only
 * when a stack trace is first formatted. Node's `--enable-source-maps` reads and parses a bundle's
 * map while it loads the bundle: about 5 ms of the IngestWorker's cold start (a third of its init
 * beyond its SDK clients), paid on every cold start for traces most containers never print (ADR
 * 0022, "Source maps out of the init path"). Every function's bundle starts with this module
 * (esbuild's `inject`, src/catalog/bundling.ts), which installs itself there; no function runs
 * with `--enable-source-maps`.
 *
 * A frame keeps V8's own text (async, new, method and alias parts); only its location, and a name
 * the minifier shortened, are swapped for the source's. Anything that fails to map is left as V8
 * wrote it: a stack trace must never throw.
 */

import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';

type SourceMapPayload = ConstructorParameters<typeof SourceMap>[0];

/** The original position of a generated one (0-based lines and columns, as `SourceMap` gives them). */
export interface SourcePosition {
  readonly source: string;
  readonly line: number;
  readonly column: number;
  readonly name?: string;
}

/** A bundle's map: the original position of a generated line and column (both 1-based, as V8's). */
export type PositionLookup = (line: number, column: number) => SourcePosition | undefined;

/** The frames of one stack trace, in V8's words, with the bundle's frames mapped through `lookup`. */
export function mappedStackTrace(
  error: unknown,
  callSites: readonly NodeJS.CallSite[],
  bundleFile: string,
  lookup: PositionLookup,
): string {
  const frames = callSites.map((site, i) => {
    try {
      return mappedFrame(site, callSites[i + 1], bundleFile, lookup);
    } catch {
      return String(site);
    }
  });
  return `${errorHeader(error)}${frames.map((frame) => `\n    at ${frame}`).join('')}`;
}

function mappedFrame(
  site: NodeJS.CallSite,
  caller: NodeJS.CallSite | undefined,
  bundleFile: string,
  lookup: PositionLookup,
): string {
  const text = String(site);
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (site.getFileName() !== bundleFile || line === null || column === null) return text;
  const original = lookup(line, column);
  const generated = `${bundleFile}:${line}:${column}`;
  if (!original || !text.includes(generated)) return text;
  const located = text.replace(generated, `${original.source}:${original.line + 1}:${original.column + 1}`);
  const shortName = site.getFunctionName();
  const name = shortName ? originalName(site, caller, bundleFile, lookup) : undefined;
  // The name is the text before " (location)"; a method's is the last part of "Type.name [as x]".
  const at = located.lastIndexOf(' (');
  if (!shortName || !name || name === shortName || at < 0) return located;
  const head = located.slice(0, at);
  return head.endsWith(shortName)
    ? `${head.slice(0, -shortName.length)}${name}${located.slice(at)}`
    : located;
}

/** The source's name of a frame's function: at its start, or else where its caller called it. */
function originalName(
  site: NodeJS.CallSite,
  caller: NodeJS.CallSite | undefined,
  bundleFile: string,
  lookup: PositionLookup,
): string | undefined {
  const startLine = site.getEnclosingLineNumber();
  const startColumn = site.getEnclosingColumnNumber();
  const atStart = startLine && startColumn ? lookup(startLine, startColumn)?.name : undefined;
  if (atStart) return atStart;
  const callerLine = caller?.getLineNumber();
  const callerColumn = caller?.getColumnNumber();
  if (caller?.getFileName() !== bundleFile || !callerLine || !callerColumn) return undefined;
  return lookup(callerLine, callerColumn)?.name;
}

/** What V8 writes first: `Name: message` (as `Error.prototype.toString`). */
function errorHeader(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}

/**
 * The lookup of a map file, read and parsed at its first use; none if it cannot be read. Sources are
 * given as paths resolved against the map's folder, as `--enable-source-maps` prints them.
 */
export function lazyMapLookup(mapFile: string): PositionLookup {
  let map: SourceMap | null | undefined;
  return (line, column) => {
    if (map === undefined) {
      try {
        const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload;
        map = new SourceMap(payload);
      } catch {
        map = null;
      }
    }
    if (!map) return undefined;
    const entry = map.findEntry(line - 1, column - 1);
    if (!('originalSource' in entry) || !entry.originalSource) return undefined;
    // Node's entries carry the source's `name` too; @types/node does not declare it.
    const name = (entry as { name?: unknown }).name;
    return {
      source: resolve(dirname(mapFile), entry.originalSource),
      line: entry.originalLine,
      column: entry.originalColumn,
      ...(typeof name === 'string' && name ? { name } : {}),
    };
  };
}

/** The file of the code that called `caller` (V8's call site of that frame). */
function fileCalling(caller: (...args: never[]) => unknown): string | undefined {
  const previous = Error.prepareStackTrace;
  const holder: { stack?: unknown } = {};
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites[0]?.getFileName();
    Error.captureStackTrace(holder, caller);
    return typeof holder.stack === 'string' ? holder.stack : undefined;
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/**
 * Maps the stack traces of the file that calls this (the bundle) through `<file>.map`, read when
 * first needed.
 */
export function installLazySourceMaps(): void {
  const bundleFile = fileCalling(installLazySourceMaps);
  // Only built JavaScript has a map beside it (not this file run from source, as in the tests).
  if (!bundleFile || !/\.[cm]?js$/.test(bundleFile)) return;
  const lookup = lazyMapLookup(`${bundleFile}.map`);
  Error.prepareStackTrace = (error, callSites) => mappedStackTrace(error, callSites, bundleFile, lookup);
}

// Injected into every function's bundle: its first code. One file with no imports of our own, and
// no `__filename`: esbuild adds an import of the injected file to every module of the bundle, and
// a wrapped injected file (CommonJS, or caught in an import cycle) then costs a call in each of
// them (3.7 KB of a 250 KB bundle, against a few bytes for one it can inline).
installLazySourceMaps();
