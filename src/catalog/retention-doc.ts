/**
 * docs/retention.md, rendered from the tables' `retention` (src/catalog/table-docs.ts): the one place
 * that says how long each table keeps its items and why. Regenerate with
 * `npx tsx scripts/export-retention.ts`; test/unit/catalog/retention.test.ts fails while the
 * committed page differs.
 */
import { TABLES, type TableDefinition } from './tables';
import { TABLE_DOCS, type TableDoc } from './table-docs';

export const RETENTION_DOC_PATH = 'docs/retention.md';

export function renderRetentionDoc(
  tables: readonly TableDefinition[] = TABLES,
  docs: Readonly<Record<string, TableDoc | undefined>> = TABLE_DOCS,
): string {
  const sections = tables.flatMap((table) => {
    const r = docs[table.id]?.retention;
    if (!r) return [`## ${table.id}`, '', '- No retention stated.', ''];
    return [
      `## ${table.id}`,
      '',
      `- Personal data: ${r.personalData ? 'yes' : 'no'}`,
      `- TTL attribute: ${table.ttlAttribute ? `\`${table.ttlAttribute}\`` : 'none'}`,
      `- Kept: ${r.kept}`,
      `- Why: ${r.reason}`,
      ...(r.noTtlBecause ? [`- No TTL because: ${r.noTtlBecause}`] : []),
      '',
    ];
  });
  return [
    '# Data retention',
    '',
    'Generated from `src/catalog/table-docs.ts` (`retention` of each table) by',
    '`npx tsx scripts/export-retention.ts`; do not edit by hand. Every table states how long it keeps',
    'its items and why; a table with personal data either expires its items (DynamoDB TTL) or says',
    'why not and what removes the data instead (`test/unit/catalog/retention.test.ts` checks both).',
    'Erasure of a person ([privacy.md](privacy.md)) reaches the tables marked personal before their',
    'TTL does. TTL deletions replicate to every region of the global tables.',
    '',
    'Outside the tables: queues keep messages at most 14 days (`retentionDays` in',
    '`src/catalog/queues.ts`); the Imports bucket expires uploaded files (`src/catalog/buckets.ts`);',
    'Lambda logs follow `logRetentionDays` (cdk.json) and never carry an e-mail address.',
    '',
    ...sections,
  ].join('\n');
}
