import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ON_DEMAND, TABLES, type TableDefinition } from '../../../src/catalog/tables';
import { TABLE_DOCS, type TableDoc } from '../../../src/catalog/table-docs';
import { RETENTION_DOC_PATH, renderRetentionDoc } from '../../../src/catalog/retention-doc';

const ROOT = join(__dirname, '../../..');

/** What is wrong with a table's retention statement (empty when nothing). */
function retentionProblems(table: TableDefinition, doc: TableDoc | undefined): string[] {
  const r = doc?.retention;
  if (!r) return [`${table.id}: no retention stated (add \`retention\` in src/catalog/table-docs.ts)`];
  const problems: string[] = [];
  if (r.kept.trim() === '' || r.reason.trim() === '')
    problems.push(`${table.id}: kept and reason must say something`);
  if (r.personalData && !table.ttlAttribute && !r.noTtlBecause?.trim()) {
    problems.push(`${table.id}: personal data without a TTL needs noTtlBecause`);
  }
  if (table.ttlAttribute && !r.kept.includes('TTL')) problems.push(`${table.id}: kept should name its TTL`);
  return problems;
}

describe('retention', () => {
  it('every table states how long it keeps items and why; personal data expires or says why not', () => {
    expect(TABLES.flatMap((table) => retentionProblems(table, TABLE_DOCS[table.id]))).toEqual([]);
  });

  it('catches a table without a statement and personal data kept without a reason', () => {
    const base = {
      id: 'Reviews',
      envVar: 'X',
      partitionKey: 'pk',
      indexes: [],
      capacity: ON_DEMAND,
    } as const;
    expect(retentionProblems(base, { accessPatterns: [] })).toHaveLength(1);
    expect(retentionProblems(base, undefined)).toHaveLength(1);
    expect(
      retentionProblems(base, {
        accessPatterns: [],
        retention: { personalData: true, kept: 'forever', reason: 'x' },
      }),
    ).toEqual(['Reviews: personal data without a TTL needs noTtlBecause']);
    expect(
      retentionProblems(
        { ...base, ttlAttribute: 'expiresAt' },
        { accessPatterns: [], retention: { personalData: true, kept: '30 days', reason: 'x' } },
      ),
    ).toEqual(['Reviews: kept should name its TTL']);
  });

  it('the tables that hold the data subject requests’ data are marked personal', () => {
    const personal = TABLES.filter((t) => TABLE_DOCS[t.id].retention?.personalData).map((t) => t.id);
    expect(personal).toEqual(
      expect.arrayContaining(['Reviews', 'ReviewRequests', 'Deliveries', 'Rejected', 'ImportJobs', 'Audit']),
    );
  });

  it(`${RETENTION_DOC_PATH} is current (npx tsx scripts/export-retention.ts)`, () => {
    expect(readFileSync(join(ROOT, RETENTION_DOC_PATH), 'utf8')).toBe(renderRetentionDoc());
  });
});
