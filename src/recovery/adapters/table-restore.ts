/**
 * The two ways a table comes back under a new name:
 * - `PitrRestorer` (AWS): RestoreTableToPointInTime (a time, or the latest restorable time) into
 *   `<source><suffix>`, then waits for the new table to be ACTIVE. DynamoDB builds it from its own
 *   continuous backups: keys, indexes and items as of that second.
 * - `ExportImportRestorer` (DynamoDB Local, which has no PITR): creates the new table with the
 *   source's key schema and indexes, exports the source to JSON lines, imports them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  RestoreTableToPointInTimeCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { exportTable, importFiles } from './table-export';

export interface TableRestorer {
  /** What the restore is, for the operator's log. */
  readonly kind: string;
  restore(source: string, target: string, onProgress?: (line: string) => void): Promise<void>;
}

/** Up to the 10 hours a large PITR restore can take; DynamoDB Local answers at once. */
const MAX_WAIT_SECONDS = 10 * 3600;

export class PitrRestorer implements TableRestorer {
  readonly kind = 'point-in-time restore';

  constructor(
    private readonly client: DynamoDBClient,
    /** The point in time; undefined = the latest restorable time (about 5 minutes ago). */
    private readonly at: Date | undefined,
  ) {}

  async restore(source: string, target: string, onProgress?: (line: string) => void): Promise<void> {
    await this.client.send(
      new RestoreTableToPointInTimeCommand({
        SourceTableName: source,
        TargetTableName: target,
        ...(this.at ? { RestoreDateTime: this.at } : { UseLatestRestorableTime: true }),
      }),
    );
    onProgress?.(
      `${target}: restoring from ${source} (${this.at?.toISOString() ?? 'latest restorable time'})`,
    );
    await waitUntilTableExists(
      { client: this.client, maxWaitTime: MAX_WAIT_SECONDS, minDelay: 20, maxDelay: 120 },
      { TableName: target },
    );
  }
}

/** Creates `target` with the key schema, attribute definitions and GSIs of `source`, on demand. */
export async function createTableLike(client: DynamoDBClient, source: string, target: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: source }));
  if (!Table?.KeySchema || !Table.AttributeDefinitions) throw new Error(`cannot describe ${source}`);
  await client.send(
    new CreateTableCommand({
      TableName: target,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: Table.KeySchema,
      AttributeDefinitions: Table.AttributeDefinitions,
      ...(Table.GlobalSecondaryIndexes?.length
        ? {
            GlobalSecondaryIndexes: Table.GlobalSecondaryIndexes.map((index) => ({
              IndexName: index.IndexName,
              KeySchema: index.KeySchema,
              Projection: index.Projection,
            })),
          }
        : {}),
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { TableName: target });
}

export class ExportImportRestorer implements TableRestorer {
  readonly kind = 'export and import (no PITR here)';

  constructor(
    private readonly client: DynamoDBClient,
    /** Where the export files go (a new temporary directory by default, removed afterwards). */
    private readonly dir?: string,
  ) {}

  async restore(source: string, target: string, onProgress?: (line: string) => void): Promise<void> {
    const dir = this.dir ?? mkdtempSync(path.join(tmpdir(), 'wedsync-restore-'));
    try {
      await createTableLike(this.client, source, target);
      const exported = await exportTable(this.client, source, dir);
      onProgress?.(`${source}: ${exported.items} items exported to ${exported.files.length} files`);
      const imported = await importFiles(this.client, target, exported.files);
      onProgress?.(`${target}: ${imported} items imported`);
    } finally {
      if (!this.dir) rmSync(dir, { recursive: true, force: true });
    }
  }
}
