/**
 * The summary's Query against DynamoDB Local (review-repository.ts `reviewSummaryQuery`): the
 * range `SUMMARY#` .. `SUMMARY$` reads exactly the items a begins_with `SUMMARY#` reads, however
 * close their neighbours' keys are, and `summary` adds up those shards alone (ADR 0022, "Bench run
 * time", third round: DynamoDB Local walks a whole partition for begins_with).
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoReviewRepository, reviewSummaryQuery } from '../../../src/reviews/adapters/review-repository';
import { openCatalogTables, type CatalogTables } from '../support/catalog-tables';

const SUPPLIER = 'sup_summaryquery';
const OTHER = 'sup_summaryquery_other';

let tables: CatalogTables;

/** Sort keys in the supplier's partition: the shards, then neighbours on both sides of the prefix. */
const SHARDS = ['SUMMARY#us-east-1', 'SUMMARY#eu-west-1', 'SUMMARY#~'];
const NEIGHBOURS = ['SUMMARY', 'SUMMARX#us-east-1', 'SUMMARY$a', 'SUMMARZ', 'REVIEW#rev_1', 'SUMMARY"z'];

beforeAll(async () => {
  tables = await openCatalogTables('summary-query-test', ['Reviews']);
  const put = (supplierId: string, sk: string, count: number) =>
    tables.doc.send(
      new PutCommand({
        TableName: tables.tableName('Reviews'),
        Item: {
          pk: `SUPPLIER#${supplierId}`,
          sk,
          entity: 'summary',
          count,
          ratingSum: 4 * count,
          r_4: count,
        },
      }),
    );
  for (const [i, sk] of SHARDS.entries()) await put(SUPPLIER, sk, i + 1);
  for (const sk of NEIGHBOURS) await put(SUPPLIER, sk, 100);
  await put(OTHER, 'SUMMARY#us-east-1', 1000);
});
afterAll(async () => {
  await tables?.release();
});

it('reads exactly the items a begins_with SUMMARY# reads, and the summary adds up those shards', async () => {
  const table = tables.tableName('Reviews');
  const range = await tables.doc.send(new QueryCommand(reviewSummaryQuery(table, SUPPLIER)));
  const prefix = await tables.doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :summary)',
      ExpressionAttributeValues: { ':pk': `SUPPLIER#${SUPPLIER}`, ':summary': 'SUMMARY#' },
    }),
  );
  const keys = (items: Record<string, unknown>[] | undefined) => (items ?? []).map((item) => item.sk).sort();
  expect(keys(range.Items)).toEqual([...SHARDS].sort());
  expect(keys(range.Items)).toEqual(keys(prefix.Items));
  expect(range.ScannedCount).toBe(SHARDS.length);

  const repository = new DynamoReviewRepository(tables.doc, table, 'local', tables.client);
  const summary = await repository.summary(SUPPLIER);
  expect(summary.count).toBe(1 + 2 + 3);
  expect(summary.byRating['4']).toBe(6);
  expect(summary.averageRating).toBe(4);
});
