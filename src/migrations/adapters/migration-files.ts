/** The migrations of a folder: every `NNNN-name.ts`, in order, each default-exporting a Migration. */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { MIGRATION_FILE } from '../domain/progress';
import type { Migration } from '../ports';

export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((file) => MIGRATION_FILE.test(file))
    .sort()
    .map((file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- files found at run time (tsx compiles them)
      const loaded = require(path.join(dir, file)) as { default?: Migration };
      const migration = loaded.default;
      const id = MIGRATION_FILE.exec(file)![1]!;
      if (!migration || migration.id !== id) {
        throw new Error(`${file} must default-export a migration whose id is "${id}"`);
      }
      return migration;
    });
}
