/**
 * The local mode's function bundles are built by esbuild with the Lambda bundling options, reused
 * while no input changed, and rebuilt when one did.
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FunctionDefinition } from '../../../src/catalog/functions';
import { BUILD_CONFIG_FILES, BUNDLE_CACHE_DIR, functionBundle } from '../../../local/function-bundles';

jest.setTimeout(30_000);

let dir: string;
let definition: FunctionDefinition;
const cacheDirOf = (entry: string) => join(BUNDLE_CACHE_DIR, entry.replace(/[^\w.-]+/g, '_'));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bundle-fixture-'));
  writeFileSync(join(dir, 'answer.ts'), 'export const answer = (): string => "first";\n');
  writeFileSync(
    join(dir, 'handler.ts'),
    'import { answer } from "./answer";\nexport const handle = () => answer();\n',
  );
  definition = { id: 'Api', entry: join(dir, 'handler.ts') } as FunctionDefinition;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cacheDirOf(definition.entry), { recursive: true, force: true });
});

const load = (bundle: string) => {
  const exported = jest.requireActual<{ handle(): string }>(bundle);
  return exported.handle();
};

it('bundles the handler with its imports, minified with a source map, as for Lambda', async () => {
  const bundle = await functionBundle(definition);
  expect(load(bundle)).toBe('first');
  expect(readFileSync(`${bundle}.map`, 'utf8')).toContain('answer.ts');
  const code = readFileSync(bundle, 'utf8');
  // Minified: the module's own names shortened, a few lines (the map comment, and a line break
  // inside the stack-trace hook's template literal).
  expect(code).not.toMatch(/\banswer\b/);
  expect(code.split('\n').length).toBeLessThanOrEqual(4);
  // Every bundle starts with the hook that maps its stack traces (src/shared/lazy-source-maps.ts).
  const hook = code.indexOf('Error.prepareStackTrace=');
  expect(hook).toBeGreaterThanOrEqual(0);
  expect(hook).toBeLessThan(code.indexOf('"first"'));
});

it('reuses the build while no input changed, and rebuilds when an imported module changes', async () => {
  const first = await functionBundle(definition);
  expect(await functionBundle(definition)).toBe(first);

  writeFileSync(join(dir, 'answer.ts'), 'export const answer = (): string => "second";\n');
  // A different size already tells; a later mtime too, as an editor's save would give.
  utimesSync(join(dir, 'answer.ts'), new Date(), new Date(Date.now() + 5000));
  const second = await functionBundle(definition);
  expect(second).not.toBe(first);
  expect(dirname(second)).not.toBe(dirname(first));
  expect(load(second)).toBe('second');
});

it("also watches the repository's package.json and tsconfig.json, which esbuild reads but does not list", async () => {
  await functionBundle(definition);
  const record = JSON.parse(readFileSync(join(cacheDirOf(definition.entry), 'current.json'), 'utf8')) as {
    inputs: Record<string, string>;
  };
  expect(BUILD_CONFIG_FILES).toEqual(['package.json', 'tsconfig.json']);
  for (const file of BUILD_CONFIG_FILES) expect(record.inputs[file]).toMatch(/^\d+:\d+(\.\d+)?$/);
});
