/**
 * Writes the event catalogue's JSON Schemas and examples to schemas/events/:
 *   schemas/events/inbound/<type>.json     what producers may put on the ingest queue
 *   schemas/events/outbound/<type>.json    what webhooks deliver
 *   schemas/events/examples/<direction>.<type>.json
 * Stale .json files in those folders are removed. Run after changing src/events/:
 *   npx tsx scripts/export-event-schemas.ts
 * test/unit/events/schema-files.test.ts fails while the committed files differ from this output.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { SCHEMA_ROOT, generateEventSchemaFiles } from '../src/events/json-schema';

export const SCHEMA_FOLDERS = ['inbound', 'outbound', 'examples'].map((folder) => `${SCHEMA_ROOT}/${folder}`);

export async function exportEventSchemas(repoRoot: string = resolve(__dirname, '..')): Promise<string[]> {
  const files = generateEventSchemaFiles();
  const written: string[] = [];
  for (const folder of SCHEMA_FOLDERS) mkdirSync(join(repoRoot, folder), { recursive: true });
  const wanted = new Set(files.map((f) => f.path));
  for (const folder of SCHEMA_FOLDERS) {
    for (const name of readdirSync(join(repoRoot, folder))) {
      const path = `${folder}/${name}`;
      if (name.endsWith('.json') && !wanted.has(path)) rmSync(join(repoRoot, path));
    }
  }
  for (const file of files) {
    const target = join(repoRoot, file.path);
    const options = (await resolveConfig(target)) ?? {};
    const text = await format(JSON.stringify(file.content, null, 2), {
      ...options,
      filepath: target,
      parser: 'json',
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    written.push(file.path);
  }
  return written;
}

if (require.main === module) {
  exportEventSchemas()
    .then((written) => console.log(`wrote ${written.length} files under ${SCHEMA_ROOT}/`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
