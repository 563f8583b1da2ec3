/**
 * Per-minute call statistics of each platform and each connection (catalog table
 * `PlatformStats`), for the health view. Every call makes a bounded, fixed number of writes: per
 * scope (its platform, and its connection when it has one) one atomic ADD on the minute's bucket
 * and one SET on the scope's LATEST item, so concurrent workers never lose a count and no
 * read-modify-write happens. Buckets expire after two days; the health view reads the last hour.
 */
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LatestStats, MinuteStats } from '../domain/health';
import { minuteStart } from '../domain/health';
import type { PlatformFailureKind } from '../domain/platform';
import type { CallOutcome, PlatformStatsStore, StatsScope } from '../audit-ports';

const BUCKET_TTL_SECONDS = 2 * 86_400;

const scopeKey = (scope: StatsScope): string =>
  scope.kind === 'platform' ? `STATS#PLATFORM#${scope.platform}` : `STATS#CONNECTION#${scope.connectionId}`;

/** `MINUTE#2026-12-03T11:12`: sorts by time. */
const minuteKey = (ms: number): string => `MINUTE#${new Date(minuteStart(ms)).toISOString().slice(0, 16)}`;

export class DynamoPlatformStatsStore implements PlatformStatsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(call: CallOutcome): Promise<void> {
    const scopes: StatsScope[] = [{ kind: 'platform', platform: call.platform }];
    if (call.connectionId) scopes.push({ kind: 'connection', connectionId: call.connectionId });
    await Promise.all(
      scopes.flatMap((scope) => [this.addToMinute(scope, call), this.setLatest(scope, call)]),
    );
  }

  async read(scope: StatsScope, sinceMs: number): Promise<{ minutes: MinuteStats[]; latest?: LatestStats }> {
    const pk = scopeKey(scope);
    const [buckets, latest] = await Promise.all([
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': pk, ':from': minuteKey(sinceMs), ':to': 'MINUTE#~' },
          // At most an hour is asked for: 60 small items, one page.
          Limit: 120,
        }),
      ),
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: 'LATEST' } })),
    ]);
    const minutes = (buckets.Items ?? []).map((item): MinuteStats => ({
      minuteMs: Date.parse(`${String(item.sk).slice('MINUTE#'.length)}:00.000Z`),
      successes: Number(item.successes ?? 0),
      failures: Number(item.failures ?? 0),
      rateLimited: Number(item.rateLimited ?? 0),
    }));
    return latest.Item ? { minutes, latest: latestOf(latest.Item) } : { minutes };
  }

  private async addToMinute(scope: StatsScope, call: CallOutcome): Promise<void> {
    const atMs = Date.parse(call.at);
    const ok = call.outcome === 'ok';
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: scopeKey(scope), sk: minuteKey(atMs) },
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
          Key: { pk: scopeKey(scope), sk: 'LATEST' },
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
