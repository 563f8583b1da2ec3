/**
 * The RealtimeConnections table (key design in src/catalog/tables.ts). The table is global like
 * every table here, but a connection id means something only to its own region's API: every
 * subscription is indexed under its region, so a region's fan-out never posts to (or removes)
 * another region's connections.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../../shared/concurrency';
import type { RealtimeGrant } from '../domain/channels';
import type {
  Advance,
  ClaimOutcome,
  ConnectionRecord,
  ConnectionStore,
  CursorClaim,
  Hold,
  Release,
  SubscribeOutcome,
  SubscribeRequest,
  Subscription,
} from '../ports';

const INDEX = 'byChannel';
/** DynamoDB's limit of items per TransactWriteItems. */
const TRANSACTION_ITEMS = 100;
/** Transactions of a claim in flight at once. */
const TRANSACTIONS_AT_ONCE = 4;
/** Calls of one chunk: a cancelled transaction writes nothing, so the rest of it goes again. */
const TRANSACTION_ATTEMPTS = 3;
/**
 * A subscription's hold (ADR 0034): `heldBy` (the subscribe's token), `heldUntilMs` (epoch ms) and
 * `pendingSeq` (the last event a deliverer left to the holder). A move without a hold requires
 * none, or an expired one, and clears it; a holder's move requires its own unexpired hold.
 */
const FREE = '(attribute_not_exists(heldUntilMs) OR heldUntilMs <= :now)';
const CLEAR_HOLD = 'REMOVE heldBy, heldUntilMs, pendingSeq';
const connectionKey = (connectionId: string) => ({ pk: `CONN#${connectionId}`, sk: 'CONNECTION' });
const subscriptionKey = (connectionId: string, channel: string) => ({
  pk: `CONN#${connectionId}`,
  sk: `SUB#${channel}`,
});

export class DynamoRealtimeConnections implements ConnectionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly region: string,
  ) {}

  private channelKey(channel: string): string {
    return `REGION#${this.region}#CHANNEL#${channel}`;
  }

  async putConnection(connection: ConnectionRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...connectionKey(connection.connectionId),
          connectionId: connection.connectionId,
          grant: connection.grant,
          connectedAtMs: connection.connectedAtMs,
          expiresAt: connection.expiresAt,
          region: this.region,
        },
      }),
    );
  }

  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: connectionKey(connectionId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    // TTL deletion lags: a connection past its 2 hours is gone whatever the item says.
    if (typeof Item.expiresAt === 'number' && Item.expiresAt * 1000 < Date.now()) return undefined;
    return {
      connectionId,
      grant: Item.grant as RealtimeGrant,
      connectedAtMs: Item.connectedAtMs as number,
      expiresAt: Item.expiresAt as number,
    };
  }

  async removeConnection(connectionId: string): Promise<void> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `CONN#${connectionId}` },
          ProjectionExpression: 'pk, sk',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      const keys = (page.Items ?? []).map((item) => ({ pk: item.pk as string, sk: item.sk as string }));
      for (let start = 0; start < keys.length; start += 25) {
        let requests: Record<string, unknown>[] | undefined = keys
          .slice(start, start + 25)
          .map((Key) => ({ DeleteRequest: { Key } }));
        for (let attempt = 0; requests && requests.length > 0 && attempt < 5; attempt += 1) {
          const result = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests as never } }),
          );
          requests = result.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
        }
        if (requests && requests.length > 0)
          throw new Error(`connection ${connectionId}: deletes left unprocessed`);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async subscribe(request: SubscribeRequest): Promise<SubscribeOutcome> {
    const { connectionId, channel, grant, lastSeq, expiresAt, hold } = request;
    const [idName, id] =
      grant.kind === 'supplier' ? ['supplierId', grant.supplierId] : ['weddingId', grant.weddingId];
    try {
      // The connection's checks in the write itself (no read first): it exists, has not expired
      // (TTL deletion lags), and holds the channel's grant. A subscribe racing `$disconnect` or
      // asking for another tenant's channel stores nothing.
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: connectionKey(connectionId),
                ConditionExpression:
                  'attribute_exists(pk) AND expiresAt > :now AND #grant.#kind = :kind AND #grant.#id = :id',
                ExpressionAttributeNames: { '#grant': 'grant', '#kind': 'kind', '#id': idName },
                ExpressionAttributeValues: {
                  ':now': Math.floor(Date.now() / 1000),
                  ':kind': grant.kind,
                  ':id': id,
                },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...subscriptionKey(connectionId, channel),
                  gsi1pk: this.channelKey(channel),
                  gsi1sk: connectionId,
                  connectionId,
                  channel,
                  lastSeq,
                  expiresAt,
                  ...(hold ? { heldBy: hold.holder, heldUntilMs: Date.now() + hold.forMs } : {}),
                },
              },
            },
          ],
        }),
      );
      return 'subscribed';
    } catch (error) {
      if (
        !(error instanceof TransactionCanceledException) ||
        error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed'
      ) {
        throw error;
      }
    }
    // Refused: a read tells which check failed (only on this path, which live clients rarely take).
    return (await this.getConnection(connectionId)) ? 'forbidden' : 'gone';
  }

  async unsubscribe(connectionId: string, channel: string): Promise<boolean> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: subscriptionKey(connectionId, channel),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes !== undefined;
  }

  async subscribers(channel: string): Promise<Subscription[]> {
    const subscriptions: Subscription[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEX,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': this.channelKey(channel) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        subscriptions.push({
          connectionId: item.connectionId as string,
          channel: item.channel as string,
          lastSeq: item.lastSeq as number,
          ...(typeof item.heldUntilMs === 'number' ? { heldUntilMs: item.heldUntilMs } : {}),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return subscriptions;
  }

  async advance(
    connectionId: string,
    channel: string,
    from: number,
    to: number,
    hold?: Hold,
  ): Promise<Advance> {
    const now = Date.now();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(connectionId, channel),
          ...(hold
            ? {
                UpdateExpression: 'SET lastSeq = :to, heldUntilMs = :until',
                ConditionExpression: 'lastSeq = :from AND heldBy = :holder AND heldUntilMs > :now',
                ExpressionAttributeValues: {
                  ':from': from,
                  ':to': to,
                  ':holder': hold.holder,
                  ':now': now,
                  ':until': now + hold.forMs,
                },
              }
            : {
                UpdateExpression: `SET lastSeq = :to ${CLEAR_HOLD}`,
                ConditionExpression: `lastSeq = :from AND ${FREE}`,
                ExpressionAttributeValues: { ':from': from, ':to': to, ':now': now },
              }),
        }),
      );
      return { kind: 'advanced' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const item = await this.getSubscription(connectionId, channel);
    if (!item) return { kind: 'gone' };
    const lastSeq = item.lastSeq as number;
    const heldUntil = typeof item.heldUntilMs === 'number' ? item.heldUntilMs : undefined;
    const heldNow = heldUntil !== undefined && heldUntil > Date.now();
    if (hold) {
      return item.heldBy === hold.holder && heldNow ? { kind: 'moved', lastSeq } : { kind: 'held', lastSeq };
    }
    return heldNow ? { kind: 'held', lastSeq } : { kind: 'moved', lastSeq };
  }

  private async getSubscription(
    connectionId: string,
    channel: string,
  ): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: subscriptionKey(connectionId, channel),
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  async notePending(connectionId: string, channel: string, seq: number): Promise<boolean> {
    const now = Date.now();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(connectionId, channel),
          UpdateExpression: 'SET pendingSeq = :seq',
          ConditionExpression:
            'attribute_exists(heldBy) AND heldUntilMs > :now AND (attribute_not_exists(pendingSeq) OR pendingSeq < :seq)',
          ExpressionAttributeValues: { ':seq': seq, ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Still held (someone left as much or more already), or free (or gone): the caller delivers.
    const item = await this.getSubscription(connectionId, channel);
    return item !== undefined && typeof item.heldUntilMs === 'number' && item.heldUntilMs > Date.now();
  }

  async release(connectionId: string, channel: string, holder: string): Promise<Release> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(connectionId, channel),
          UpdateExpression: CLEAR_HOLD,
          ConditionExpression:
            'heldBy = :holder AND (attribute_not_exists(pendingSeq) OR pendingSeq <= lastSeq)',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
      return { kind: 'released' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const item = await this.getSubscription(connectionId, channel);
    if (!item || item.heldBy !== holder) return { kind: 'lost' };
    return { kind: 'pending', through: item.pendingSeq as number };
  }

  /**
   * The cursor moves of a batch as transactions of up to 100 conditional updates (one call instead
   * of 100: the live fan-out's writes per batch go from one per subscription to one per hundred).
   * A transaction is all or nothing: when it is cancelled, the items whose condition failed (the
   * cursor was moved by another deliverer, a subscribe holds it, or the subscription is gone) are `not-claimed` and the
   * others, rolled back only because of them, go again in the next attempt. The SDK's retries of
   * one call reuse its ClientRequestToken, so a retried commit is not applied twice.
   */
  async claim(claims: readonly CursorClaim[]): Promise<ClaimOutcome[]> {
    const outcomes: ClaimOutcome[] = claims.map(() => 'not-claimed');
    const chunks: number[][] = [];
    for (let start = 0; start < claims.length; start += TRANSACTION_ITEMS) {
      chunks.push(claims.slice(start, start + TRANSACTION_ITEMS).map((_, i) => start + i));
    }
    // Each chunk's failure lands in its outcomes (nothing is thrown): every chunk has its turn.
    const runChunk = async (chunk: readonly number[]) => {
      let pending = chunk;
      for (let attempt = 0; attempt < TRANSACTION_ATTEMPTS && pending.length > 0; attempt += 1) {
        const now = Date.now();
        try {
          await this.client.send(
            new TransactWriteCommand({
              TransactItems: pending.map((i) => {
                const { connectionId, channel, from, to } = claims[i]!;
                return {
                  Update: {
                    TableName: this.tableName,
                    Key: subscriptionKey(connectionId, channel),
                    UpdateExpression: `SET lastSeq = :to ${CLEAR_HOLD}`,
                    ConditionExpression: `lastSeq = :from AND ${FREE}`,
                    ExpressionAttributeValues: { ':from': from, ':to': to, ':now': now },
                  },
                };
              }),
            }),
          );
          for (const i of pending) outcomes[i] = 'claimed';
          return;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) {
            for (const i of pending) outcomes[i] = { failed: error };
            return;
          }
          const reasons = error.CancellationReasons ?? [];
          // Without reasons nothing tells which item failed: the caller looks at each one.
          if (reasons.length !== pending.length) return;
          pending = pending.filter((_, k) => reasons[k]?.Code !== 'ConditionalCheckFailed');
        }
      }
    };
    await mapWithConcurrency(chunks, TRANSACTIONS_AT_ONCE, runChunk);
    return outcomes;
  }
}
