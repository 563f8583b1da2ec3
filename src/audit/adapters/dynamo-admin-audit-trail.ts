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
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AdminAct } from '../domain/admin-act';
import type { AdminAuditTrail } from '../ports';

export const ADMIN_OPS_PARTITION = 'ADMIN';

export interface DynamoAdminAuditTrailOptions {
  readonly retentionDays: number;
}

export class DynamoAdminAuditTrail implements AdminAuditTrail {
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

  private itemOf(act: AdminAct): Record<string, unknown> {
    const sk = `${act.at}#${act.auditId}`;
    const expiresAt = Math.floor(Date.parse(act.at) / 1000) + this.options.retentionDays * 86_400;
    return {
      pk: act.supplierId !== undefined ? `SUPPLIER#${act.supplierId}` : 'SYSTEM',
      sk,
      gsi3pk: ADMIN_OPS_PARTITION,
      gsi3sk: sk,
      expiresAt,
      entryType: 'admin',
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
