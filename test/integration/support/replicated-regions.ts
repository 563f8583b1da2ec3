/**
 * Two "regions" in the shared DynamoDB Local for the tests of what global tables' last writer wins
 * changes (ADR 0020): each a set of the catalog's tables (streams of new and old images), kept in
 * step by the local replicator, with a reader of one table's stream per region calling `onRecord`
 * (the stream consumer under test, as the two-region local mode runs it).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbStreamReader, type StreamRecord } from '../../../local/dynamodb-stream-reader';
import { createTables } from '../../../local/resources';
import { Replicator, type ReplicaRegion } from '../../../local/replication/replicator';
import { tableDefinition, type TableId } from '../../../src/catalog/tables';
import { acquireStore, type TestStore } from './shared-store';
import { eventually } from './stack';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface ReplicatedRegion {
  readonly name: string;
  readonly doc: DynamoDBDocumentClient;
  /** The low-level client under `doc` (for adapters that read with it). */
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

export interface ReplicatedRegions {
  readonly east: ReplicatedRegion;
  readonly west: ReplicatedRegion;
  readonly replicator: Replicator;
  /**
   * Both regions write while replication is held, then it resumes and everything settles. The
   * west's write is the later one (last writer wins): it is made once replication read the east's.
   */
  writeInBoth(eastWrite: () => Promise<unknown>, westWrite: () => Promise<unknown>): Promise<void>;
  /** Replication and the writes the stream consumers make (replicated in turn) are done. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplicatedRegions(
  name: string,
  table: TableId,
  onRecord: (region: ReplicatedRegion, record: StreamRecord) => Promise<void>,
): Promise<ReplicatedRegions> {
  const stores: TestStore[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const regions = await Promise.all(
      ['us-east-1', 'eu-west-1'].map(async (region) => {
        const store = await acquireStore(`${name}-${region}`);
        stores.push(store);
        cleanups.push(() => store.release());
        const client = new DynamoDBClient({ region, endpoint: store.endpoint, credentials: CREDENTIALS });
        cleanups.push(async () => client.destroy());
        const doc = DynamoDBDocumentClient.from(client);
        // The one table under test: the replicator and the readers use no other.
        await createTables(doc, store.tablePrefix, { replicated: true, only: [table] });
        const replica: ReplicaRegion = {
          name: region,
          endpoint: store.endpoint,
          tablePrefix: store.tablePrefix,
        };
        return { replica, region: { name: region, doc, client, tableName: `${store.tablePrefix}-${table}` } };
      }),
    );
    const [east, west] = regions as [(typeof regions)[0], (typeof regions)[0]];
    const replicator = new Replicator({
      regions: [east.replica, west.replica],
      tables: [tableDefinition(table)],
    });
    await replicator.start();
    cleanups.push(() => replicator.stop());
    const readers = await Promise.all(
      regions.map(async ({ replica, region }) => {
        const reader = new DynamoDbStreamReader({
          endpoint: replica.endpoint,
          tableName: region.tableName,
          delivery: { kind: 'record', onRecord: (record) => onRecord(region, record) },
        });
        await reader.start();
        cleanups.push(() => reader.stop());
        return reader;
      }),
    );
    const settle = async () => {
      for (let pass = 0; pass < 2; pass += 1) {
        await replicator.waitUntilInSync();
        const start = readers.map((r) => r.completedRounds);
        await eventually(
          () =>
            Promise.resolve(readers.every((r, i) => r.idleRounds >= 2 && r.completedRounds >= start[i]! + 2)),
          'the stream consumers',
        );
      }
      await replicator.waitUntilInSync();
    };
    return {
      east: east.region,
      west: west.region,
      replicator,
      settle,
      async writeInBoth(eastWrite, westWrite) {
        const [a, b] = [east.replica.name, west.replica.name];
        replicator.pause(a, b);
        replicator.pause(b, a);
        const seen = replicator.counts.local;
        await eastWrite();
        await eventually(
          () => Promise.resolve(replicator.counts.local > seen),
          'the east write read by replication',
        );
        await westWrite();
        replicator.resume(a, b);
        replicator.resume(b, a);
        await settle();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One `T` per region, made on first use (the stream consumers may ask before the test does). */
export function perRegion<T>(make: (region: ReplicatedRegion) => T): (region: ReplicatedRegion) => T {
  const made = new Map<string, T>();
  return (region) => {
    if (!made.has(region.name)) made.set(region.name, make(region));
    return made.get(region.name)!;
  };
}
