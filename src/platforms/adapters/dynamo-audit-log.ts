/**
 * The audit trail in DynamoDB (catalog table `Audit`), append-only: every entry is one PutItem
 * conditional on the item not existing, so an entry is written once and never overwritten; the
 * functions' IAM (access level `append`) allows no UpdateItem, DeleteItem or BatchWriteItem at all.
 * Entries expire by TTL (`expiresAt`) after the configured retention.
 *
 * Keys (src/catalog/tables.ts): pk=SUPPLIER#<sid>, sk=<at>#<auditId>, with three indexes sharing
 * the sort key: by connection, by supplier and platform, and by platform alone (ops).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assertKeyIn } from '../../shared/cursor';
import type { AuditEntry } from '../domain/audit';
import { operationOf, type AuditQuery } from '../domain/audit-query';
import type { AuditReader, AuditStoreKey } from '../audit-ports';
import type { AuditLog } from '../ports';

/** How many puts of one `append` run at once (a page of a sync makes a handful of entries). */
const PUT_CONCURRENCY = 8;
/** Query rounds one listing may spend to fill a page when filters skip entries (bounded work). */
const MAX_QUERY_ROUNDS = 5;

export interface DynamoAuditLogOptions {
  readonly retentionDays: number;
}

/**
 * Appending alone: what the functions that call platforms need (their bundles then hold no
 * reading code, ADR 0022). DynamoAuditLog adds the reading.
 */
export class DynamoAuditAppender implements AuditLog {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
    private readonly options: DynamoAuditLogOptions,
  ) {}

  async append(entries: readonly AuditEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += PUT_CONCURRENCY) {
      await Promise.all(entries.slice(i, i + PUT_CONCURRENCY).map((entry) => this.appendOne(entry)));
    }
  }

  /**
   * Writes one entry unless an entry with its id already exists: `exists` then, and the stored one
   * is left exactly as it was. A retried append (the first write landed, its answer was lost) is
   * therefore harmless, and nothing can rewrite history.
   */
  async appendOne(entry: AuditEntry): Promise<'written' | 'exists'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.itemOf(entry),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  private itemOf(entry: AuditEntry): Record<string, unknown> {
    const sk = `${entry.at}#${entry.auditId}`;
    const expiresAt = Math.floor(Date.parse(entry.at) / 1000) + this.options.retentionDays * 86_400;
    return {
      pk: `SUPPLIER#${entry.supplierId}`,
      sk,
      ...(entry.connectionId
        ? { gsi1pk: `SUPPLIER#${entry.supplierId}#CONNECTION#${entry.connectionId}`, gsi1sk: sk }
        : {}),
      gsi2pk: `SUPPLIER#${entry.supplierId}#PLATFORM#${entry.platform}`,
      gsi2sk: sk,
      gsi3pk: `PLATFORM#${entry.platform}`,
      gsi3sk: sk,
      expiresAt,
      auditId: entry.auditId,
      supplierId: entry.supplierId,
      platform: entry.platform,
      ...(entry.connectionId ? { connectionId: entry.connectionId } : {}),
      // The action, stored flat so it can be filtered on: `operation` names it either way.
      actionKind: entry.action.kind,
      operation: operationOf(entry.action),
      at: entry.at,
      outcome: entry.outcome,
      ...(entry.httpStatus !== undefined ? { httpStatus: entry.httpStatus } : {}),
      ...(entry.latencyMs !== undefined ? { latencyMs: entry.latencyMs } : {}),
      ...(entry.breakerProbe !== undefined ? { breakerProbe: entry.breakerProbe } : {}),
      ...(entry.breakerProbeId !== undefined ? { breakerProbeId: entry.breakerProbeId } : {}),
      ...(entry.queuedMs !== undefined ? { queuedMs: entry.queuedMs } : {}),
      ...(entry.quotaRemaining !== undefined ? { quotaRemaining: entry.quotaRemaining } : {}),
      correlationId: entry.correlationId,
      ...(entry.detail !== undefined ? { detail: entry.detail } : {}),
    };
  }
}

/** The audit trail, appending and reading (the API's audit and health routes). */
export class DynamoAuditLog extends DynamoAuditAppender implements AuditReader {
  async list(
    query: AuditQuery,
    startKey: AuditStoreKey | undefined,
  ): Promise<{ items: AuditEntry[]; lastKey?: AuditStoreKey }> {
    const plan = planQuery(query);
    if (startKey) assertKeyIn(startKey, { [plan.partitionAttribute]: plan.partitionValue });
    const values: Record<string, unknown> = { ':p': plan.partitionValue };
    const names: Record<string, string> = { '#p': plan.partitionAttribute };
    let keyCondition = '#p = :p';
    if (query.from !== undefined || query.to !== undefined) {
      names['#s'] = plan.sortAttribute;
      keyCondition += ' AND #s BETWEEN :from AND :to';
      values[':from'] = query.from ?? '0';
      values[':to'] = `${query.to ?? '9999'}~`;
    }
    // The supplier's partition also holds its admin acts (src/audit, `entryType = admin`): this
    // listing is the platform trail only; admin acts are read with GET /v1/audit/admin (ADR 0016).
    const filters: string[] = plan.partitionAttribute === 'pk' ? ['attribute_not_exists(#entryType)'] : [];
    if (plan.partitionAttribute === 'pk') names['#entryType'] = 'entryType';
    for (const [attribute, value] of plan.filters) {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      filters.push(`#${attribute} = :${attribute}`);
    }
    const items: AuditEntry[] = [];
    let lastKey: AuditStoreKey | undefined = startKey;
    for (let round = 0; round < MAX_QUERY_ROUNDS && items.length < query.limit; round += 1) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: plan.indexName,
          KeyConditionExpression: keyCondition,
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          // Limit counts items read before the filter, so a round never returns more than is missing.
          Limit: query.limit - items.length,
          ExclusiveStartKey: lastKey,
        }),
      );
      items.push(...(page.Items ?? []).map(entryOf));
      lastKey = page.LastEvaluatedKey as AuditStoreKey | undefined;
      if (!lastKey) break;
    }
    return lastKey ? { items, lastKey } : { items };
  }
}

interface QueryPlan {
  readonly indexName?: string;
  readonly partitionAttribute: string;
  readonly partitionValue: string;
  readonly sortAttribute: string;
  /** Equality filters on stored attributes the key does not already pin. */
  readonly filters: readonly (readonly [string, string])[];
}

/** The narrowest key for the filters given: connection, then platform, then supplier; ops by platform. */
function planQuery(query: AuditQuery): QueryPlan {
  const rest: [string, string][] = [];
  if (query.operation) rest.push(['operation', query.operation]);
  if (query.outcome) rest.push(['outcome', query.outcome]);
  const { supplierId, platform, connectionId } = query;
  if (supplierId !== undefined && connectionId !== undefined) {
    if (platform) rest.push(['platform', platform]);
    return {
      indexName: 'byConnection',
      partitionAttribute: 'gsi1pk',
      partitionValue: `SUPPLIER#${supplierId}#CONNECTION#${connectionId}`,
      sortAttribute: 'gsi1sk',
      filters: rest,
    };
  }
  if (supplierId !== undefined && platform !== undefined) {
    return {
      indexName: 'byPlatform',
      partitionAttribute: 'gsi2pk',
      partitionValue: `SUPPLIER#${supplierId}#PLATFORM#${platform}`,
      sortAttribute: 'gsi2sk',
      filters: rest,
    };
  }
  if (supplierId !== undefined) {
    return {
      partitionAttribute: 'pk',
      partitionValue: `SUPPLIER#${supplierId}`,
      sortAttribute: 'sk',
      filters: rest,
    };
  }
  if (platform !== undefined) {
    if (connectionId) rest.push(['connectionId', connectionId]);
    return {
      indexName: 'opsByPlatform',
      partitionAttribute: 'gsi3pk',
      partitionValue: `PLATFORM#${platform}`,
      sortAttribute: 'gsi3sk',
      filters: rest,
    };
  }
  // The route schemas require one of the two; reaching here is a programming error.
  throw new Error('an audit listing needs a supplier or a platform');
}

function entryOf(item: Record<string, unknown>): AuditEntry {
  const kind = String(item.actionKind);
  const action = (
    kind === 'call' ? { kind: 'call', operation: String(item.operation) } : { kind }
  ) as AuditEntry['action'];
  const optionalNumber = (value: unknown) => (typeof value === 'number' ? value : undefined);
  const entry: AuditEntry = {
    auditId: String(item.auditId),
    supplierId: String(item.supplierId),
    platform: String(item.platform) as AuditEntry['platform'],
    action,
    at: String(item.at),
    outcome: String(item.outcome) as AuditEntry['outcome'],
    correlationId: String(item.correlationId),
    ...(typeof item.connectionId === 'string' ? { connectionId: item.connectionId } : {}),
    ...(optionalNumber(item.httpStatus) !== undefined ? { httpStatus: optionalNumber(item.httpStatus) } : {}),
    ...(optionalNumber(item.latencyMs) !== undefined ? { latencyMs: optionalNumber(item.latencyMs) } : {}),
    ...(typeof item.breakerProbe === 'boolean' ? { breakerProbe: item.breakerProbe } : {}),
    ...(optionalNumber(item.queuedMs) !== undefined ? { queuedMs: optionalNumber(item.queuedMs) } : {}),
    ...(optionalNumber(item.quotaRemaining) !== undefined
      ? { quotaRemaining: optionalNumber(item.quotaRemaining) }
      : {}),
    ...(typeof item.detail === 'string' ? { detail: item.detail } : {}),
  };
  return entry;
}
