/**
 * The restore drill, small (issue 11): reviews and their related items written by the real
 * repositories into one DynamoDB Local, exported, restored into a second DynamoDB Local process,
 * and verified item by item. The drill must fail when a single item is lost or altered.
 */
import { DeleteItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { runRestoreDrill } from '../../scripts/drill-restore';

jest.setTimeout(600_000);

const quiet = () => undefined;

it('restores every item of 1,000 reviews and their related items, and verifies each', async () => {
  const report = await runRestoreDrill({ reviews: 1000, log: quiet });
  expect(report.ok).toBe(true);
  const counts = Object.fromEntries(report.verifications.map((v) => [v.table, v.copy.count]));
  // 1,000 reviews + 1,000 audit records + the summary; 100 requests; the latest 100's events (in
  // the event log's own table) and one delivery each.
  expect(counts.Reviews).toBe(2001);
  expect(counts.ReviewRequests).toBe(100);
  expect(counts.EventLog).toBeGreaterThanOrEqual(100);
  expect(counts.Deliveries).toBe(100);
  expect(report.items).toBeGreaterThanOrEqual(2300);
  for (const v of report.verifications) expect(v.copy).toEqual(v.source);
});

it('fails, naming the item, when one item is altered and another lost after the restore', async () => {
  let altered = '';
  let lost = '';
  const report = await runRestoreDrill({
    reviews: 200,
    log: quiet,
    tamper: async (client, tableName) => {
      const reviews = await client.send(
        new ScanCommand({
          TableName: tableName('Reviews'),
          FilterExpression: 'entity = :review',
          ExpressionAttributeValues: { ':review': { S: 'review' } },
        }),
      );
      const victim = reviews.Items![0]!;
      altered = victim.sk!.S!;
      await client.send(
        new UpdateItemCommand({
          TableName: tableName('Reviews'),
          Key: { pk: victim.pk!, sk: victim.sk! },
          UpdateExpression: 'SET rating = :one',
          ExpressionAttributeValues: { ':one': { N: victim.rating?.N === '1' ? '2' : '1' } },
        }),
      );
      const deliveries = await client.send(new ScanCommand({ TableName: tableName('Deliveries'), Limit: 1 }));
      const gone = deliveries.Items![0]!;
      lost = gone.pk!.S!;
      await client.send(
        new DeleteItemCommand({ TableName: tableName('Deliveries'), Key: { pk: gone.pk!, sk: gone.sk! } }),
      );
    },
  });
  expect(report.ok).toBe(false);
  const byTable = new Map(report.verifications.map((v) => [v.table, v]));
  const reviews = byTable.get('Reviews')!;
  expect(reviews.ok).toBe(false);
  expect(reviews.copy.count).toBe(reviews.source.count);
  expect(reviews.diff?.missing).toEqual([]);
  expect(reviews.diff?.altered).toHaveLength(1);
  expect(reviews.diff?.altered[0]).toContain(altered);
  const deliveries = byTable.get('Deliveries')!;
  expect(deliveries.ok).toBe(false);
  expect(deliveries.copy.count).toBe(deliveries.source.count - 1);
  expect(deliveries.diff?.missing).toHaveLength(1);
  expect(deliveries.diff?.missing[0]).toContain(lost);
  expect(byTable.get('ReviewRequests')!.ok).toBe(true);
});
