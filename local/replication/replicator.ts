/**
 * Global tables, locally (issue 11, ADR 0020): keeps the catalog's tables of two regions, each in
 * its own DynamoDB Local, in step. Every write read from one region's streams (NEW_AND_OLD_IMAGES)
 * is applied to the other region by the rules of ./last-writer-wins.ts: a replicated write is
 * never shipped back (loop prevention), and of two concurrent writes of one item the later one
 * stays in both regions; such a conflict is reported (`conflicts`, and `onConflict`).
 *
 * Applying a write: read the target's item (strongly consistent), decide, then put the source's
 * new image (or delete) on a condition that the item is still as read (its `version` or
 * `revision` where it has one, else that it exists or not): a write the target made in between
 * fails the condition and the record is decided again.
 */
import { canonicalJson, itemHash } from '../../src/recovery/domain/item-hash';
import type { TableDefinition } from '../../src/catalog/tables';
import { callDynamo, isDynamoError, type JsonItem } from './dynamo-json';
import { ReplicaLedger, type ContentHash, type ReplicatedWrite } from './last-writer-wins';
import { DynamoDbStreamReader, type StreamRecord } from '../dynamodb-stream-reader';

export interface ReplicaRegion {
  readonly name: string;
  /** The region's DynamoDB Local. */
  readonly endpoint: string;
  /** Its table names: `<prefix>-<table id>` (local/resources.ts). */
  readonly tablePrefix: string;
}

type ReplicatedTable = Pick<TableDefinition, 'id' | 'partitionKey' | 'sortKey'>;

export interface ConflictReport {
  readonly table: string;
  /** The item's key (canonical JSON). */
  readonly key: string;
  /** The region whose write stays in both regions, and the one whose write is replaced. */
  readonly winner: string;
  readonly loser: string;
  /** The item's `version` (or `revision`) attribute in each region's write, when it has one. */
  readonly winnerVersion?: string;
  readonly loserVersion?: string;
}

export interface ReplicatorOptions {
  readonly regions: readonly [ReplicaRegion, ReplicaRegion];
  readonly tables: readonly ReplicatedTable[];
  readonly from?: 'TRIM_HORIZON' | 'LATEST';
  readonly log?: (line: string) => void;
  readonly onConflict?: (conflict: ConflictReport) => void;
}

const DYNAMO = 'DynamoDB_20120810';
/** The attributes that number an item's versions in this project's tables. */
const VERSION_ATTRIBUTES = ['version', 'revision'] as const;

function versionOf(item: JsonItem | undefined): { name: string; value: JsonItem } | undefined {
  for (const name of VERSION_ATTRIBUTES) {
    const value = item?.[name] as JsonItem | undefined;
    if (value && typeof value === 'object' && 'N' in value) return { name, value };
  }
  return undefined;
}

const versionText = (item: JsonItem | undefined): string | undefined => {
  const version = versionOf(item);
  return version ? String(version.value.N) : undefined;
};

const hashOf = (image: JsonItem | undefined): ContentHash => (image ? itemHash(image) : null);

export class Replicator {
  private readonly ledger = new ReplicaLedger();
  private readonly readers: DynamoDbStreamReader[] = [];
  private readonly paused = new Set<string>();
  private running = false;
  /** Conflicts decided, one per record and target however often its replication was tried. */
  readonly conflicts: ConflictReport[] = [];
  /**
   * Stream records read (`local`: writes of a region's own; `echoes`: replicated writes coming
   * back) and what their replication did; a record handled again after a failure counts once.
   */
  readonly counts = { local: 0, echoes: 0, applied: 0, alreadyThere: 0, conflicts: 0 };

  constructor(private readonly options: ReplicatorOptions) {}

  /** Starts a reader per table and region (from LATEST: positioned when this resolves). */
  async start(): Promise<void> {
    this.running = true;
    const starts: Promise<void>[] = [];
    for (const region of this.options.regions) {
      for (const table of this.options.tables) {
        const reader = new DynamoDbStreamReader({
          endpoint: region.endpoint,
          tableName: `${region.tablePrefix}-${table.id}`,
          from: this.options.from,
          delivery: { kind: 'record', onRecord: (record) => this.handle(region, table, record) },
          onError: (error) =>
            this.options.log?.(`replication ${region.name} ${table.id}: ${(error as Error).message}`),
        });
        starts.push(reader.start());
        this.readers.push(reader);
      }
    }
    await Promise.all(starts);
  }

  /** Holds the writes of `from` back from `to` (replication lag, a cut link) until `resume`. */
  pause(from: string, to: string): void {
    this.paused.add(`${from}>${to}`);
  }

  resume(from: string, to: string): void {
    this.paused.delete(`${from}>${to}`);
  }

  /**
   * Resolves once every stream of both regions has been read to its end twice over with nothing
   * new (what was written before the call has reached the other region), or rejects at the timeout.
   */
  async waitUntilInSync(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Two quiet rounds in a row, at least one of them begun after this call, in every reader.
    const start = this.readers.map((r) => r.completedRounds);
    for (;;) {
      const settled = this.readers.every((r, i) => r.idleRounds >= 2 && r.completedRounds >= start[i]! + 2);
      if (settled && this.paused.size === 0) return;
      if (Date.now() > deadline) throw new Error(`replication did not settle within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async handle(source: ReplicaRegion, table: ReplicatedTable, record: StreamRecord): Promise<void> {
    const key = canonicalJson(record.dynamodb.Keys);
    const item = `${table.id}\n${key}`;
    const recordId = `${source.name}\n${table.id}\n${record.dynamodb.SequenceNumber}`;
    const observation = this.ledger.observe(
      {
        region: source.name,
        item,
        oldHash: hashOf(record.dynamodb.OldImage),
        newHash: hashOf(record.dynamodb.NewImage),
      },
      recordId,
    );
    if (observation.kind === 'echo') {
      this.counts.echoes += 1;
      return;
    }
    // A record handled again after a failure part way is the same write: counted once.
    if (!observation.again) this.counts.local += 1;
    for (const target of this.options.regions) {
      if (target === source) continue;
      await this.whilePaused(source.name, target.name);
      await this.applyTo(target, table, item, record, observation.write, source.name);
    }
    this.ledger.replicated(recordId);
  }

  private async whilePaused(from: string, to: string): Promise<void> {
    while (this.running && this.paused.has(`${from}>${to}`)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async applyTo(
    target: ReplicaRegion,
    table: ReplicatedTable,
    item: string,
    record: StreamRecord,
    write: ReplicatedWrite,
    sourceName: string,
  ): Promise<void> {
    const tableName = `${target.tablePrefix}-${table.id}`;
    const { Item: current } = await callDynamo<{ Item?: JsonItem }>(target.endpoint, DYNAMO, 'GetItem', {
      TableName: tableName,
      Key: record.dynamodb.Keys,
      ConsistentRead: true,
    });
    const resolution = this.ledger.resolve(target.name, item, hashOf(current), write);
    // A conflict is reported once its decision is carried out: a put that fails its condition has
    // the record decided again, and that decision (the one that stands) is the one reported.
    const report = () => {
      if (!resolution.conflict) return;
      const sourceWins = resolution.action === 'apply';
      const conflict: ConflictReport = {
        table: table.id,
        key: canonicalJson(record.dynamodb.Keys),
        winner: sourceWins ? sourceName : target.name,
        loser: sourceWins ? target.name : sourceName,
        ...optional('winnerVersion', versionText(sourceWins ? record.dynamodb.NewImage : current)),
        ...optional('loserVersion', versionText(sourceWins ? current : record.dynamodb.NewImage)),
      };
      this.counts.conflicts += 1;
      this.conflicts.push(conflict);
      this.options.onConflict?.(conflict);
    };
    if (resolution.action === 'skip') {
      if (resolution.reason === 'already-there') this.counts.alreadyThere += 1;
      report();
      return;
    }
    const condition = unchangedCondition(table, current);
    try {
      if (record.dynamodb.NewImage) {
        await callDynamo(target.endpoint, DYNAMO, 'PutItem', {
          TableName: tableName,
          Item: record.dynamodb.NewImage,
          ...condition,
        });
      } else {
        await callDynamo(target.endpoint, DYNAMO, 'DeleteItem', {
          TableName: tableName,
          Key: record.dynamodb.Keys,
          ...condition,
        });
      }
    } catch (error) {
      if (!isDynamoError(error, 'ConditionalCheckFailedException')) throw error;
      throw new Error(`${table.id} ${item}: changed in ${target.name} while replicating, decided again`);
    }
    this.ledger.applied(target.name, item, write);
    this.counts.applied += 1;
    report();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.readers.map((r) => r.stop()));
    this.readers.length = 0;
  }
}

const optional = <K extends string>(name: K, value: string | undefined) =>
  (value === undefined ? {} : { [name]: value }) as Partial<Record<K, string>>;

/** The condition that the target's item is still the one read before the decision. */
function unchangedCondition(table: ReplicatedTable, current: JsonItem | undefined) {
  if (!current) {
    return {
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': table.partitionKey },
    };
  }
  const version = versionOf(current);
  if (version) {
    return {
      ConditionExpression: '#v = :v',
      ExpressionAttributeNames: { '#v': version.name },
      ExpressionAttributeValues: { ':v': version.value },
    };
  }
  return {
    ConditionExpression: 'attribute_exists(#pk)',
    ExpressionAttributeNames: { '#pk': table.partitionKey },
  };
}
