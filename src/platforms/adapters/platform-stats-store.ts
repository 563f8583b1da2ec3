/**
 * Per-minute call statistics of each platform and each connection (catalog table
 * `PlatformStats`), for the health view. Every call makes a bounded, fixed number of writes: per
 * scope (its platform, and its connection when it has one) one atomic ADD on the minute's bucket
 * and one SET on the scope's LATEST item, so concurrent workers never lose a count and no
 * read-modify-write happens. Buckets expire after two days; the health view reads the last hour.
 *
 * The table is a global table, so each region writes its own shard of every item (the minute
 * bucket and LATEST carry the region in their sort key) and a read merges the shards: two regions
 * adding to one item at once would each replicate their own total, and last writer wins would
 * drop the other's increments (ADR 0020).
 */
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LatestStats, MinuteStats } from '../domain/health';
import { minuteStart } from '../domain/health';
import type { PlatformFailureKind } from '../domain/platform';
import type { CallOutcome, PlatformStatsStore, StatsScope } from '../audit-ports';

const BUCKET_TTL_SECONDS = 2 * 86_400;

const scopeKey = (scope: StatsScope): string =>
  scope.kind === 'platform' ? `STATS#PLATFORM#${scope.platform}` : `STATS#CONNECTION#${scope.connectionId}`;

/** `MINUTE#2026-12-03T11:12`: sorts by time; a region's shard appends `#<region>`. */
const minuteKey = (ms: number): string => `MINUTE#${new Date(minuteStart(ms)).toISOString().slice(0, 16)}`;
const MINUTE_KEY_LENGTH = 'MINUTE#2026-12-03T11:12'.length;
/** An hour of minutes in every region fits in one page; a longer window pages on. */
const PAGE_LIMIT = 200;

/**
 * Recording alone: what the functions that call platforms need (their bundles then hold no
 * reading code, ADR 0022). DynamoPlatformStatsStore adds the reading.
 */
export class DynamoPlatformStatsRecorder implements Pick<PlatformStatsStore, 'record'> {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
    /** The region this store writes from: its shard of every item. */
    private readonly region: string,
  ) {}

  async record(call: CallOutcome): Promise<void> {
    const scopes: StatsScope[] = [{ kind: 'platform', platform: call.platform }];
    if (call.connectionId) scopes.push({ kind: 'connection', connectionId: call.connectionId });
    await Promise.all(
      scopes.flatMap((scope) => [this.addToMinute(scope, call), this.setLatest(scope, call)]),
    );
  }

  private async addToMinute(scope: StatsScope, call: CallOutcome): Promise<void> {
    const atMs = Date.parse(call.at);
    const ok = call.outcome === 'ok';
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: scopeKey(scope), sk: `${minuteKey(atMs)}#${this.region}` },
        UpdateExpression: 'ADD successes :s, failures :f, rateLimited :r SET expiresAt = :ttl',
        ExpressionAttributeValues: {
          ':s': ok ? 1 : 0,
          ':f': ok ? 0 : 1,
          ':r': call.outcome === 'rate-limited' ? 1 : 0,
          ':ttl': Math.floor(atMs / 1000) + BUCKET_TTL_SECONDS,
        },
      }),
    );
  }

  /**
   * The latest success or failure and quota. Conditional on being newer than what is stored, so a
   * slow worker never moves "last success" backwards; losing that race is not an error.
   */
  private async setLatest(scope: StatsScope, call: CallOutcome): Promise<void> {
    const ok = call.outcome === 'ok';
    const names: Record<string, string> = { '#t': ok ? 'lastSuccessAt' : 'lastFailureAt' };
    const values: Record<string, unknown> = { ':at': call.at };
    const sets = ['#t = :at'];
    if (!ok) {
      sets.push('lastFailureKind = :kind');
      values[':kind'] = call.outcome;
    }
    if (call.quota) {
      sets.push('quota = :quota');
      values[':quota'] = { ...call.quota, at: call.at };
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: scopeKey(scope), sk: `LATEST#${this.region}` },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(#t) OR #t < :at',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return;
      throw error;
    }
  }
}

/** Recording and reading (the health view of the API and the sync scheduler). */
export class DynamoPlatformStatsStore extends DynamoPlatformStatsRecorder implements PlatformStatsStore {
  async read(scope: StatsScope, sinceMs: number): Promise<{ minutes: MinuteStats[]; latest?: LatestStats }> {
    const pk = scopeKey(scope);
    const [buckets, latest] = await Promise.all([
      this.queryAll(pk, 'sk BETWEEN :from AND :to', { ':from': minuteKey(sinceMs), ':to': 'MINUTE#~' }),
      // `LATEST` (written before the shards) and every region's `LATEST#<region>`.
      this.queryAll(pk, 'begins_with(sk, :latest)', { ':latest': 'LATEST' }),
    ]);
    const byMinute = new Map<number, MinuteStats>();
    for (const item of buckets) {
      const minuteMs = Date.parse(`${String(item.sk).slice('MINUTE#'.length, MINUTE_KEY_LENGTH)}:00.000Z`);
      const sum = byMinute.get(minuteMs) ?? { minuteMs, successes: 0, failures: 0, rateLimited: 0 };
      byMinute.set(minuteMs, {
        minuteMs,
        successes: sum.successes + Number(item.successes ?? 0),
        failures: sum.failures + Number(item.failures ?? 0),
        rateLimited: sum.rateLimited + Number(item.rateLimited ?? 0),
      });
    }
    const minutes = [...byMinute.values()].sort((a, b) => a.minuteMs - b.minuteMs);
    const merged = mergeLatest(latest.map(latestOf));
    return merged ? { minutes, latest: merged } : { minutes };
  }

  private async queryAll(
    pk: string,
    sortCondition: string,
    values: Record<string, string>,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: `pk = :pk AND ${sortCondition}`,
          ExpressionAttributeValues: { ':pk': pk, ...values },
          Limit: PAGE_LIMIT,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

function latestOf(item: Record<string, unknown>): LatestStats {
  const quota = item.quota as Record<string, unknown> | undefined;
  const num = (value: unknown) => (typeof value === 'number' ? value : undefined);
  return {
    ...(typeof item.lastSuccessAt === 'string' ? { lastSuccessAt: item.lastSuccessAt } : {}),
    ...(typeof item.lastFailureAt === 'string' ? { lastFailureAt: item.lastFailureAt } : {}),
    ...(typeof item.lastFailureKind === 'string'
      ? { lastFailureKind: item.lastFailureKind as PlatformFailureKind }
      : {}),
    ...(quota && typeof quota.at === 'string'
      ? {
          quota: {
            at: quota.at,
            ...(num(quota.remaining) !== undefined ? { remaining: num(quota.remaining) } : {}),
            ...(num(quota.limit) !== undefined ? { limit: num(quota.limit) } : {}),
            ...(num(quota.headroom) !== undefined ? { headroom: num(quota.headroom) } : {}),
          },
        }
      : {}),
  };
}

/** The newest of each fact across the regions' LATEST shards (ISO times compare as strings). */
function mergeLatest(shards: readonly LatestStats[]): LatestStats | undefined {
  if (shards.length === 0) return undefined;
  const newest = <T>(pick: (s: LatestStats) => T | undefined, at: (value: T) => string) =>
    shards
      .map(pick)
      .filter((value): value is T => value !== undefined)
      .reduce<T | undefined>(
        (best, value) => (best === undefined || at(value) > at(best) ? value : best),
        undefined,
      );
  const success = newest(
    (s) => s.lastSuccessAt,
    (at) => at,
  );
  const failure = newest(
    (s) => (s.lastFailureAt ? { at: s.lastFailureAt, kind: s.lastFailureKind } : undefined),
    (f) => f.at,
  );
  const quota = newest(
    (s) => s.quota,
    (q) => q.at,
  );
  return {
    ...(success ? { lastSuccessAt: success } : {}),
    ...(failure ? { lastFailureAt: failure.at } : {}),
    ...(failure?.kind ? { lastFailureKind: failure.kind } : {}),
    ...(quota ? { quota } : {}),
  };
}
