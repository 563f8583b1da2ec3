/**
 * The sync pipeline's own records in DynamoDB (table PlatformSync):
 * - ledger: pk=LEDGER#<connectionId>#<locationId>, sk=REVIEW#<externalId> {lastSeenAt, removed};
 *   removed records expire after 30 days;
 * - daily full sweep claim: same pk, sk=SWEEP#<yyyy-mm-dd>, conditional put (one per day), expires;
 * - location directory: pk=LOCATION#<platform>#<locationId>, sk=CONNECTION#<connectionId>
 *   {supplierId}, refreshed by every scheduler run, expires a day after the last refresh;
 * - notification replay keys: pk=NOTIFICATION#<dedupKey>, sk=SEEN, conditional put, expires.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ConnectedPlatform } from '../domain/platform';
import type { LocationDirectory, LocationRef, ReplayGuard, SyncLedger } from '../sync-ports';

const DAY_SECONDS = 86_400;
const REMOVED_RETENTION_SECONDS = 30 * DAY_SECONDS;
const MAX_UNPROCESSED_ROUNDS = 5;

const epochSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

export class DynamoPlatformSyncStore implements SyncLedger, ReplayGuard, LocationDirectory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private ledgerPk = (connectionId: string, locationId: string) => `LEDGER#${connectionId}#${locationId}`;

  private async putAll(items: Record<string, unknown>[]): Promise<void> {
    for (let start = 0; start < items.length; start += 25) {
      let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; requests.length > 0; round++) {
        if (round === MAX_UNPROCESSED_ROUNDS) throw new Error('PlatformSync: writes left unprocessed');
        const result = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
  }

  async markSeen(connectionId: string, locationId: string, externalIds: readonly string[], atIso: string) {
    const pk = this.ledgerPk(connectionId, locationId);
    await this.putAll(
      [...new Set(externalIds)].map((id) => ({ pk, sk: `REVIEW#${id}`, lastSeenAt: atIso, removed: false })),
    );
  }

  async markRemoved(connectionId: string, locationId: string, externalIds: readonly string[], atIso: string) {
    const pk = this.ledgerPk(connectionId, locationId);
    const expiresAt = epochSeconds(atIso) + REMOVED_RETENTION_SECONDS;
    await this.putAll(
      [...new Set(externalIds)].map((id) => ({
        pk,
        sk: `REVIEW#${id}`,
        lastSeenAt: atIso,
        removed: true,
        expiresAt,
      })),
    );
  }

  async notSeenSince(connectionId: string, locationId: string, beforeIso: string, limit: number) {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :review)',
          FilterExpression: 'lastSeenAt < :before AND removed = :no',
          ExpressionAttributeValues: {
            ':pk': this.ledgerPk(connectionId, locationId),
            ':review': 'REVIEW#',
            ':before': beforeIso,
            ':no': false,
          },
          ProjectionExpression: 'sk',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.sk).slice('REVIEW#'.length));
      startKey = page.LastEvaluatedKey;
    } while (startKey && ids.length < limit);
    return ids.slice(0, limit);
  }

  async claimDailySweep(connectionId: string, locationId: string, day: string): Promise<boolean> {
    return this.putIfAbsent({
      pk: this.ledgerPk(connectionId, locationId),
      sk: `SWEEP#${day}`,
      expiresAt: Math.floor(this.now().getTime() / 1000) + 3 * DAY_SECONDS,
    });
  }

  async firstSeen(key: string, ttlSeconds: number): Promise<boolean> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    // TTL deletion is lazy: an expired key is as good as absent.
    return this.putIfAbsent(
      { pk: `NOTIFICATION#${key}`, sk: 'SEEN', expiresAt: nowSeconds + ttlSeconds },
      nowSeconds,
    );
  }

  async record(platform: ConnectedPlatform, locationId: string, ref: LocationRef): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `LOCATION#${platform}#${locationId}`,
          sk: `CONNECTION#${ref.connectionId}`,
          connectionId: ref.connectionId,
          supplierId: ref.supplierId,
          expiresAt: Math.floor(this.now().getTime() / 1000) + DAY_SECONDS,
        },
      }),
    );
  }

  async find(platform: ConnectedPlatform, locationId: string): Promise<LocationRef[]> {
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `LOCATION#${platform}#${locationId}` },
        // A location has a handful of connections at most (one per supplier that chose it).
        Limit: 100,
      }),
    );
    return (Items ?? [])
      .filter((item) => Number(item.expiresAt) > nowSeconds)
      .map((item) => ({ connectionId: String(item.connectionId), supplierId: String(item.supplierId) }));
  }

  private async putIfAbsent(item: Record<string, unknown>, expiredBefore?: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(expiredBefore === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
                ExpressionAttributeValues: { ':now': expiredBefore },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
