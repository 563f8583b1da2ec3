/**
 * A page of the audit trail (supplier: their own entries; ops: any supplier's or any platform's).
 * 1. The cursor, if any, is checked against this listing's scope (whose, which filters) and decoded.
 * 2. The store reads one bounded page, newest first, with every filter applied.
 * 3. The store's last key becomes the next cursor, signed for the same scope.
 */
import { cursorScope, decodeCursor, encodeCursor, type CursorKeySource } from '../../shared/cursor';
import { auditEntryView, type AuditQuery } from '../domain/audit-query';
import type { AuditReader } from '../audit-ports';

export interface ListAuditDeps {
  readonly auditReader: AuditReader;
  readonly cursorKeys: CursorKeySource;
}

export interface AuditPageView {
  readonly items: Record<string, unknown>[];
  readonly nextCursor?: string;
}

export async function listAudit(
  query: AuditQuery,
  audience: 'supplier' | 'ops',
  deps: ListAuditDeps,
): Promise<AuditPageView> {
  const scope = cursorScope({
    list: `audit:${audience}`,
    supplierId: query.supplierId,
    platform: query.platform,
    connectionId: query.connectionId,
    operation: query.operation,
    outcome: query.outcome,
    from: query.from,
    to: query.to,
  });
  const ring = await deps.cursorKeys.keyRing();
  const startKey = query.cursor ? decodeCursor(query.cursor, scope, ring) : undefined;
  const page = await deps.auditReader.list(query, startKey);
  return {
    items: page.items.map(auditEntryView),
    ...(page.lastKey ? { nextCursor: encodeCursor(page.lastKey, scope, ring) } : {}),
  };
}
