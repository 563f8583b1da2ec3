/**
 * The bundles phase reads a bundle's size without maps and its AWS SDK packages from the bundle
 * itself (bench/bundles.ts `bundleFacts`); checked here against esbuild building the same module
 * with and without a source map, as the phase did before.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { handlerBundleOptions } from '../../../local/function-bundles';
import { bundleFacts } from '../../../bench/bundles';

jest.setTimeout(30_000);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bundle-facts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('sizes the bundle as esbuild writes it without a source map, and lists its SDK requires', async () => {
  const entry = join(dir, 'handler.ts');
  writeFileSync(
    entry,
    [
      "import { SQSClient } from '@aws-sdk/client-sqs';",
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { createHash } from 'node:crypto';",
      'export const handler = async (event: { text: string }) => ({',
      '  hash: createHash("sha256").update(event.text).digest("hex"),',
      '  clients: [new SQSClient({}), new DynamoDBClient({})].length,',
      '});',
    ].join('\n'),
  );
  const options = handlerBundleOptions(entry, join(dir, 'with-map', 'index.js'));
  await build(options);
  await build({ ...options, outfile: join(dir, 'no-map', 'index.js'), sourcemap: false });
  const code = readFileSync(join(dir, 'with-map', 'index.js'), 'utf8');
  expect(code).toMatch(/sourceMappingURL=index\.js\.map/);

  const facts = bundleFacts(code);

  expect(facts.bytes).toBe(statSync(join(dir, 'no-map', 'index.js')).size);
  expect(facts.sdkPackages).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs']);
});

it('counts a bundle without a map comment whole', () => {
  const code = 'require("@aws-sdk/client-s3");module.exports={};\n';
  expect(bundleFacts(code)).toEqual({ bytes: Buffer.byteLength(code), sdkPackages: ['@aws-sdk/client-s3'] });
});
