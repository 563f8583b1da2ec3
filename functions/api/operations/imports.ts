/** Import operations: create (upload URL or body), start after upload, progress, rejected rows. */
import {
  createImport,
  getImport,
  listImportErrors,
  startImport,
  type CreateImportBody,
  type ImportApiDeps,
  type ListImportErrorsQuery,
} from '../../../src/imports';
import { cursorScope, decodeCursor, encodeCursor, type CursorKeySource } from '../../../src/shared/cursor';
import { jsonResponse } from '../../../src/shared/http';
import { ID_PATTERN } from '../../../src/shared/ids';
import { ProblemError } from '../../../src/shared/problem';
import type { Principal } from '../../../src/access/domain/principal';
import { supplierOf, type Operations } from '../operation';

export interface ImportDeps extends ImportApiDeps {
  /** Signs and checks list cursors (the review-token key ring; see src/shared/cursor.ts). */
  readonly cursorKeys: CursorKeySource;
}

/** Unknown, malformed and other suppliers' ids all look the same: 404. */
function importIdParam(pathParameters: Record<string, string>): string {
  const id = pathParameters.importId ?? '';
  if (!ID_PATTERN.test(id) || !id.startsWith('imp_')) throw new ProblemError('not-found', 'no such import');
  return id;
}

function keyIdOf(principal: Principal | undefined): string {
  return principal?.kind === 'supplier' ? principal.keyId : 'unknown';
}

export const importOperations: Operations<
  'createImport' | 'startImport' | 'getImport' | 'listImportErrors',
  ImportDeps
> = {
  async createImport({ body: validated, principal }, deps) {
    const supplierId = supplierOf(principal);
    const body = validated as CreateImportBody;
    const created = await createImport(supplierId, keyIdOf(principal), body, deps);
    return jsonResponse(201, created, { location: `/v1/imports/${created.importId}` });
  },
  async startImport({ principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    const id = importIdParam(pathParameters);
    return jsonResponse(202, await startImport(supplierId, id, deps), { location: `/v1/imports/${id}` });
  },
  async getImport({ principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    return jsonResponse(200, await getImport(supplierId, importIdParam(pathParameters), deps));
  },
  async listImportErrors({ query: validated, principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    const id = importIdParam(pathParameters);
    const query = validated as ListImportErrorsQuery;
    // A cursor is valid only for the supplier and the import it was issued for.
    const scope = cursorScope({ list: 'import-errors', supplierId, importId: id });
    const ring = await deps.cursorKeys.keyRing();
    const cursor =
      query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, scope, ring, { pk: `IMPORT#${id}` });
    const page = await listImportErrors(
      supplierId,
      id,
      { limit: query.limit ?? 50, ...(cursor ? { cursor } : {}) },
      deps,
    );
    return jsonResponse(200, {
      items: page.items,
      ...(page.next ? { nextCursor: encodeCursor(page.next, scope, ring) } : {}),
    });
  },
};
