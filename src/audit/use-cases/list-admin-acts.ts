/**
 * A page of the admin audit trail (supplier: the acts on their own data; ops: anyone's).
 * 1. The cursor, if any, is checked against this listing's scope (whose, which filters) and decoded.
 * 2. The store reads one bounded page, newest first, with every filter applied.
 * 3. The store's last key becomes the next cursor, signed for the same scope.
 */
import { cursorScope, decodeCursor, encodeCursor, type CursorKeySource } from '../../shared/cursor';
import type { AdminAct } from '../domain/admin-act';
import type { AdminActQuery } from '../domain/admin-query';
import type { AdminAuditReader } from '../ports';

export interface ListAdminActsDeps {
  readonly adminAuditReader: AdminAuditReader;
  readonly cursorKeys: CursorKeySource;
}

export async function listAdminActs(
  query: AdminActQuery,
  audience: 'supplier' | 'ops',
  deps: ListAdminActsDeps,
): Promise<{ items: readonly AdminAct[]; nextCursor?: string }> {
  const scope = cursorScope({
    list: `admin-audit:${audience}`,
    supplierId: query.supplierId,
    kind: query.kind,
    actorType: query.actorType,
    target: query.target,
    from: query.from,
    to: query.to,
  });
  const ring = await deps.cursorKeys.keyRing();
  const startKey = query.cursor ? decodeCursor(query.cursor, scope, ring) : undefined;
  const page = await deps.adminAuditReader.list(query, startKey);
  return {
    items: page.items,
    ...(page.lastKey ? { nextCursor: encodeCursor(page.lastKey, scope, ring) } : {}),
  };
}
