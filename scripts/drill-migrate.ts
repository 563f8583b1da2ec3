/**
 * `npm run drill:migrate [-- --count 100000]`: the re-score migration on a DynamoDB Local seeded
 * like the restore drill (reviews written by the real repositories, then renamed copies), timed,
 * then every review checked to carry its supplier's current sentiment model version.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { tableDefinition, type TableId } from '../src/catalog/tables';
import { DynamoMigrationLedger } from '../src/migrations/adapters/migration-ledger';
import { loadMigrations } from '../src/migrations/adapters/migration-files';
import { runMigrations } from '../src/migrations/use-cases/run-migrations';
import { DynamoDbLocal } from '../local/dynamodb-local';
import { createTables, localTableName } from '../local/resources';
import { seedDrillData } from './drill-restore';
import { MIGRATIONS_DIR, stderrProgress } from './migrate';
import { currentScore } from '../migrations/0001-rescore-reviews';

async function main(count: number): Promise<boolean> {
  console.log(
    `migration drill: ${count} reviews; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const store = await DynamoDbLocal.start();
  const client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 8,
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const name = (id: TableId) => localTableName('migrate', tableDefinition(id));
  try {
    await createTables(client, 'migrate');
    let started = Date.now();
    const items = await seedDrillData(client, name, count, (line) => console.log(line));
    console.log(`seed: ${items} items in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
    const [outcome] = await runMigrations(loadMigrations(MIGRATIONS_DIR), {
      client: doc,
      ledger: new DynamoMigrationLedger(doc, name('Migrations')),
      tableName: name,
      only: '0001-rescore-reviews',
      progress: stderrProgress(),
      log: (line) => console.log(line),
    });
    console.log(`migration: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    let stale = 0;
    let reviews = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new ScanCommand({
          TableName: name('Reviews'),
          FilterExpression: 'entity = :r',
          ExpressionAttributeValues: { ':r': 'review' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        reviews += 1;
        const stored = (item.insights as { sentiment?: { modelVersion?: string } }).sentiment?.modelVersion;
        if (stored !== currentScore(item).modelVersion) stale += 1;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    const ok = outcome?.counts.changed === count && reviews === count && stale === 0;
    console.log(
      `${reviews} reviews checked, ${stale} not on the current model version: ${ok ? 'passed' : 'FAILED'}`,
    );
    console.log(`load average ${loadavg()[0]!.toFixed(2)} at the end`);
    return ok;
  } finally {
    client.destroy();
    await store.stop();
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '100000' } } });
  main(Number(values.count)).then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: unknown) => {
      console.error(`drill error: ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    },
  );
}
