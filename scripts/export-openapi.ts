/**
 * Writes the API description, generated from the route table and its zod schemas, to
 * docs/openapi.json. Run after changing a route or a request/response schema:
 *   npm run openapi
 * test/unit/catalog/openapi.test.ts fails while the committed file differs from this output.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { OPENAPI_PATH, buildOpenApiDocument } from '../src/catalog/openapi';

export async function exportOpenApi(repoRoot: string = resolve(__dirname, '..')): Promise<string> {
  const target = join(repoRoot, OPENAPI_PATH);
  const options = (await resolveConfig(target)) ?? {};
  const text = await format(JSON.stringify(buildOpenApiDocument(), null, 2), {
    ...options,
    filepath: target,
    parser: 'json',
  });
  writeFileSync(target, text);
  return OPENAPI_PATH;
}

if (require.main === module) {
  exportOpenApi()
    .then((written) => console.log(`wrote ${written}`))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
