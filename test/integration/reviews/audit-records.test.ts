/**
 * The audit records the review repository stores beside each change, against DynamoDB Local: a
 * creation, an edit (with the previous content) and a removal each leave one `AUDIT#` item with the
 * action, who made it from where, when and in which region (src/reviews/adapters/review-repository.ts
 * `auditItem`).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Review } from '../../../src/reviews';
import { DynamoReviewRepository } from '../../../src/reviews/adapters/review-repository';
import { sampleReview } from '../../support/sample-review';
import { openCatalogTables, type CatalogTables } from '../support/catalog-tables';

let tables: CatalogTables;
let repository: DynamoReviewRepository;
beforeAll(async () => {
  tables = await openCatalogTables('audit-records', ['Reviews']);
  repository = new DynamoReviewRepository(
    tables.doc,
    tables.tableName('Reviews'),
    'eu-west-1',
    tables.client,
  );
});
afterAll(async () => {
  await tables?.release();
});

const SUPPLIER = 'sup_audit';
const origin = { kind: 'external', platform: 'google', externalId: 'ext-1' } as const;
const actor = { kind: 'producer', id: 'platform-sync' } as const;
const review = (over: Partial<Review> = {}): Review =>
  sampleReview({
    reviewId: 'rev_audit_1',
    supplierId: SUPPLIER,
    externalId: origin.externalId,
    rating: 4,
    actor,
    correlationId: 'cor_audit_create',
    ...over,
  });

it('stores one audit record per creation, edit and removal, each saying what, who, when and where', async () => {
  await repository.insertMany(SUPPLIER, [review()], '2026-06-02T10:00:01.000Z');
  const outcomes = await repository.insertMany(
    SUPPLIER,
    [review({ rating: 2, reviewedAt: '2026-06-03T10:00:00.000Z', correlationId: 'cor_audit_edit' })],
    '2026-06-03T10:00:01.000Z',
  );
  expect(outcomes.get('rev_audit_1')).toMatchObject({ kind: 'updated', version: 2 });
  await repository.markRemoved(
    {
      supplierId: SUPPLIER,
      reviewId: 'rev_audit_1',
      removedAt: '2026-06-04T00:00:00.000Z',
      receivedAt: '2026-06-04T00:00:00.000Z',
      origin,
      actor,
    },
    '2026-06-04T00:00:01.000Z',
  );

  const { Items } = await tables.doc.send(
    new QueryCommand({
      TableName: tables.tableName('Reviews'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': `SUPPLIER#${SUPPLIER}`, ':audit': 'AUDIT#rev_audit_1#' },
      ConsistentRead: true,
    }),
  );
  const common = { pk: `SUPPLIER#${SUPPLIER}`, entity: 'audit', reviewId: 'rev_audit_1', actor, origin };
  const bySk = new Map((Items ?? []).map((item) => [item.sk as string, item]));
  expect([...bySk.keys()].sort()).toEqual([
    'AUDIT#rev_audit_1#created',
    'AUDIT#rev_audit_1#removed',
    'AUDIT#rev_audit_1#v0002',
  ]);
  expect(bySk.get('AUDIT#rev_audit_1#created')).toEqual({
    ...common,
    sk: 'AUDIT#rev_audit_1#created',
    action: 'review.created',
    correlationId: 'cor_audit_create',
    at: '2026-06-02T10:00:01.000Z',
    region: 'eu-west-1',
  });
  const updated = bySk.get('AUDIT#rev_audit_1#v0002')!;
  expect(updated).toEqual({
    ...common,
    sk: 'AUDIT#rev_audit_1#v0002',
    action: 'review.updated',
    version: 2,
    changedFields: expect.arrayContaining(['rating']),
    previous: expect.objectContaining({ rating: 4, title: 'Lovely' }),
    correlationId: 'cor_audit_edit',
    at: '2026-06-03T10:00:01.000Z',
    region: 'eu-west-1',
  });
  expect(bySk.get('AUDIT#rev_audit_1#removed')).toEqual({
    ...common,
    sk: 'AUDIT#rev_audit_1#removed',
    action: 'review.removed',
    version: 3,
    removedAt: '2026-06-04T00:00:00.000Z',
    at: '2026-06-04T00:00:01.000Z',
    region: 'eu-west-1',
  });
});
