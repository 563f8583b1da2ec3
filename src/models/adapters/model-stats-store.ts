/**
 * ModelStatsStore on the ModelStats table: hourly buckets of additive prediction counters, one
 * bucket per hour and region. The table is a global table: two regions adding to one item at once
 * would each replicate their own total and last writer wins would drop the other's increments
 * (ADR 0020), so each region adds to its own shard and a window sums every shard it finds.
 */
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counters } from '../inference/window-stats';
import type { ModelStatsStore } from '../ports';

const RETENTION_SECONDS = 30 * 86_400;
const hourKey = (at: Date) => `HOUR#${at.toISOString().slice(0, 13)}`;
/** `HOUR#2026-12-03T11#eu-west-1`: sorts by hour, then region; the window's `>=` takes every shard. */
const shardKey = (at: Date, region: string) => `${hourKey(at)}#${region}`;
const pk = (task: string, variant: string) => `MODEL#${task}#${variant}`;

export class DynamoModelStatsStore implements ModelStatsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The region this store writes from: its shard of every bucket. */
    private readonly region: string,
  ) {}

  async add(task: string, variant: string, counters: Counters, at: Date): Promise<void> {
    const entries = Object.entries(counters).filter(([, value]) => value !== 0);
    if (entries.length === 0) return;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':expires': Math.floor(at.getTime() / 1000) + RETENTION_SECONDS,
    };
    const adds = entries.map(([name, value], i) => {
      names[`#c${i}`] = `c_${name}`;
      values[`:c${i}`] = value;
      return `#c${i} :c${i}`;
    });
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: pk(task, variant), sk: shardKey(at, this.region) },
        UpdateExpression: `ADD ${adds.join(', ')} SET expiresAt = :expires`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async window(task: string, variant: string, since: Date): Promise<Counters> {
    const total: Counters = {};
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          ExpressionAttributeValues: { ':pk': pk(task, variant), ':since': hourKey(since) },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        for (const [name, value] of Object.entries(item)) {
          if (name.startsWith('c_') && typeof value === 'number')
            total[name.slice(2)] = (total[name.slice(2)] ?? 0) + value;
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return total;
  }
}
