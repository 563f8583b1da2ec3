/** Writes docs/retention.md from the table catalog (see src/catalog/retention-doc.ts). */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RETENTION_DOC_PATH, renderRetentionDoc } from '../src/catalog/retention-doc';

const root = resolve(__dirname, '..');
writeFileSync(join(root, RETENTION_DOC_PATH), renderRetentionDoc());
console.log(`wrote ${RETENTION_DOC_PATH}`);
