/**
 * Stack traces mapped through the bundle's source map at the first trace, not at load
 * (src/shared/lazy-source-maps.ts): the frame rewriting on V8's own call sites, and a bundle built
 * with the functions' options run in a fresh Node without `--enable-source-maps`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { handlerBundleOptions } from '../../../local/function-bundles';
import { mappedStackTrace, type PositionLookup } from '../../../src/shared/lazy-source-maps';

jest.setTimeout(30_000);

/** V8's call sites of an error thrown two calls deep in this file. */
function callSitesOf(): { error: Error; sites: NodeJS.CallSite[] } {
  const previous = Error.prepareStackTrace;
  let sites: NodeJS.CallSite[] = [];
  Error.prepareStackTrace = (_error, callSites) => {
    sites = callSites;
    return '';
  };
  try {
    const error = new TypeError('bad input');
    void error.stack;
    return { error, sites };
  } finally {
    Error.prepareStackTrace = previous;
  }
}

describe('mappedStackTrace', () => {
  it("swaps a bundle frame's location for the source's, and leaves other files' frames as V8 wrote them", () => {
    const { error, sites } = callSitesOf();
    const file = sites[0]!.getFileName()!;
    const line = sites[0]!.getLineNumber()!;
    const column = sites[0]!.getColumnNumber()!;
    const lookup: PositionLookup = (l, c) =>
      l === line && c === column ? { source: '/src/original.ts', line: 41, column: 6 } : undefined;
    const trace = mappedStackTrace(error, sites, file, lookup).split('\n');
    expect(trace[0]).toBe('TypeError: bad input');
    expect(trace[1]).toBe(
      `    at ${String(sites[0]).replace(`${file}:${line}:${column}`, '/src/original.ts:42:7')}`,
    );
    // Frames elsewhere (jest's) are V8's text.
    const elsewhere = sites.findIndex((site) => site.getFileName() !== file);
    expect(trace[elsewhere + 1]).toBe(`    at ${String(sites[elsewhere])}`);
    expect(trace).toHaveLength(sites.length + 1);
  });

  it('leaves a frame as V8 wrote it when its lookup throws or finds nothing', () => {
    const { error, sites } = callSitesOf();
    const file = sites[0]!.getFileName()!;
    const throwing: PositionLookup = () => {
      throw new Error('corrupt map');
    };
    const unmapped = [
      `${error.name}: ${error.message}`,
      ...sites.map((site) => `    at ${String(site)}`),
    ].join('\n');
    expect(mappedStackTrace(error, sites, file, throwing)).toBe(unmapped);
    expect(mappedStackTrace(error, sites, file, () => undefined)).toBe(unmapped);
  });
});

describe('a bundle built as the functions are', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazy-maps-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads its map at the first stack trace, not at load, and names the source file, line and function', async () => {
    writeFileSync(
      join(dir, 'handler.ts'),
      [
        'export function rejectReview(reason: string): never {',
        '  const detail = `review rejected: ${reason}`;',
        '  throw new RangeError(detail);',
        '}',
        'export const handler = async (event: { reason: string }) => rejectReview(event.reason);',
      ].join('\n'),
    );
    const bundle = join(dir, 'out', 'index.js');
    await build(handlerBundleOptions(join(dir, 'handler.ts'), bundle));
    // Counts the bundle's own reads of its map, before and after the first stack trace.
    const probe = [
      "const fs = require('node:fs');",
      'const read = fs.readFileSync;',
      'let mapReads = 0;',
      "fs.readFileSync = (file, ...rest) => { if (String(file).endsWith('.map')) mapReads += 1; return read(file, ...rest); };",
      `const { handler } = require(${JSON.stringify(bundle)});`,
      'const atLoad = mapReads;',
      "handler({ reason: 'spam' }).catch((error) => {",
      '  const first = error.stack;',
      "  const second = new Error('again').stack;",
      '  process.stdout.write(JSON.stringify({ atLoad, after: mapReads, first, second }));',
      '});',
    ].join('\n');
    const out = JSON.parse(
      execFileSync(process.execPath, ['-e', probe], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      }),
    ) as { atLoad: number; after: number; first: string; second: string };
    expect(out.atLoad).toBe(0);
    expect(out.after).toBe(1);
    const lines = out.first.split('\n');
    expect(lines[0]).toBe('RangeError: review rejected: spam');
    expect(lines[1]).toBe(`    at rejectReview (${join(dir, 'handler.ts')}:3:9)`);
    expect(out.first).toMatch(new RegExp(`handler\\.ts:5:\\d+\\)`));
    expect(out.first).not.toContain('index.js:');
  });
});
