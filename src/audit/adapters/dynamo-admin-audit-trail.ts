/**
 * Admin acts in the catalog's `Audit` table, append-only like the platform-call entries (one
 * PutItem conditional on the item not existing; the functions' IAM allows no update or delete).
 *
 * Keys: a supplier's acts share its partition with its platform calls (pk=SUPPLIER#<sid>,
 * sk=<at>#<auditId>) and are told apart by `entryType = admin`; acts without a supplier go to
 * pk=SYSTEM. Every act is also on the ops index under gsi3pk=ADMIN (admin acts are rare: a few a
 * minute at most, far under one partition's write limit), so ops list them across suppliers.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assertKeyIn } from '../../shared/cursor';
import type { AdminAct } from '../domain/admin-act';
import type { AdminActPage, AdminActQuery } from '../domain/admin-query';
import type { AdminAuditReader, AdminAuditTrail } from '../ports';

export const ADMIN_OPS_PARTITION = 'ADMIN';
/**
 * A supplier's acts alone, on the byConnection index (issue 9): gsi1pk=SUPPLIER#<sid>#ADMIN, which
 * no connection key can equal (those are SUPPLIER#<sid>#CONNECTION#<cid>). Without it a supplier's
 * acts would be a filter over its platform calls, thousands a day.
 */
export const supplierAdminPartition = (supplierId: string): string => `SUPPLIER#${supplierId}#ADMIN`;
/** Query rounds one listing may spend to fill a page when filters skip acts (bounded work). */
const MAX_QUERY_ROUNDS = 5;

export interface DynamoAdminAuditTrailOptions {
  readonly retentionDays: number;
}

export class DynamoAdminAuditTrail implements AdminAuditTrail, AdminAuditReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoAdminAuditTrailOptions,
  ) {}

  async record(act: AdminAct): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.itemOf(act),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Already written by an earlier attempt whose answer was lost: the trail holds it once.
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  /**
   * A page newest first: a supplier's acts from its own partition of the byConnection index,
   * everyone's from the ops partition (gsi3pk=ADMIN); kind, actor type and target are filters.
   */
  async list(query: AdminActQuery, startKey: Record<string, string> | undefined): Promise<AdminActPage> {
    const [indexName, partitionAttribute, sortAttribute, partitionValue] =
      query.supplierId !== undefined
        ? ['byConnection', 'gsi1pk', 'gsi1sk', supplierAdminPartition(query.supplierId)]
        : ['opsByPlatform', 'gsi3pk', 'gsi3sk', ADMIN_OPS_PARTITION];
    if (startKey) assertKeyIn(startKey, { [partitionAttribute]: partitionValue });
    const names: Record<string, string> = { '#p': partitionAttribute };
    const values: Record<string, unknown> = { ':p': partitionValue };
    let keyCondition = '#p = :p';
    if (query.from !== undefined || query.to !== undefined) {
      names['#s'] = sortAttribute;
      keyCondition += ' AND #s BETWEEN :from AND :to';
      values[':from'] = query.from ?? '0';
      values[':to'] = `${query.to ?? '9999'}~`;
    }
    const filters = ['#entryType = :admin'];
    names['#entryType'] = 'entryType';
    values[':admin'] = 'admin';
    for (const attribute of ['kind', 'actorType', 'target'] as const) {
      const value = query[attribute];
      if (value === undefined) continue;
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      filters.push(`#${attribute} = :${attribute}`);
    }
    const items: AdminAct[] = [];
    let lastKey: Record<string, string> | undefined = startKey;
    for (let round = 0; round < MAX_QUERY_ROUNDS && items.length < query.limit; round += 1) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: keyCondition,
          FilterExpression: filters.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          // Limit counts items read before the filter, so a round never returns more than is missing.
          Limit: query.limit - items.length,
          ExclusiveStartKey: lastKey,
        }),
      );
      items.push(...(page.Items ?? []).map(actOf));
      lastKey = page.LastEvaluatedKey as Record<string, string> | undefined;
      if (!lastKey) break;
    }
    return lastKey ? { items, lastKey } : { items };
  }

  private itemOf(act: AdminAct): Record<string, unknown> {
    const sk = `${act.at}#${act.auditId}`;
    const expiresAt = Math.floor(Date.parse(act.at) / 1000) + this.options.retentionDays * 86_400;
    return {
      pk: act.supplierId !== undefined ? `SUPPLIER#${act.supplierId}` : 'SYSTEM',
      sk,
      gsi3pk: ADMIN_OPS_PARTITION,
      gsi3sk: sk,
      ...(act.supplierId !== undefined ? { gsi1pk: supplierAdminPartition(act.supplierId), gsi1sk: sk } : {}),
      expiresAt,
      entryType: 'admin',
      // Flat, so a listing can filter on it.
      actorType: act.actor.type,
      auditId: act.auditId,
      kind: act.kind,
      at: act.at,
      actor: act.actor,
      ...(act.supplierId !== undefined ? { supplierId: act.supplierId } : {}),
      target: act.target,
      outcome: act.outcome,
      ...(act.sourceIp !== undefined ? { sourceIp: act.sourceIp } : {}),
      ...(act.requestId !== undefined ? { requestId: act.requestId } : {}),
      ...(act.correlationId !== undefined ? { correlationId: act.correlationId } : {}),
      ...(act.detail !== undefined ? { detail: act.detail } : {}),
    };
  }
}

function actOf(item: Record<string, unknown>): AdminAct {
  const text = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
  return {
    auditId: String(item.auditId),
    kind: String(item.kind) as AdminAct['kind'],
    at: String(item.at),
    actor: item.actor as AdminAct['actor'],
    ...text('supplierId'),
    target: String(item.target),
    outcome: item.outcome === 'failed' ? 'failed' : 'ok',
    ...text('sourceIp'),
    ...text('requestId'),
    ...text('correlationId'),
    ...text('detail'),
  };
}
