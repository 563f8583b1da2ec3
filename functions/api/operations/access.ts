/** Access operations (issue 9): the supplier's API keys, and the admin audit trail (supplier, ops). */
import {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKeyDeps,
  type CreateApiKeyBody,
} from '../../../src/access';
import {
  deterministicAdminAuditId,
  listAdminActs,
  type ListAdminActsDeps,
  type ListAdminActsQuery,
  type ListOpsAdminActsQuery,
} from '../../../src/audit';
import { jsonResponse } from '../../../src/shared/http';
import { ID_PATTERN } from '../../../src/shared/ids';
import { ProblemError } from '../../../src/shared/problem';
import { recordAct, type AdminActDeps } from '../admin-acts';
import { supplierOf, type Operations } from '../operation';

export interface AccessDeps extends ListAdminActsDeps, AdminActDeps {
  readonly apiKeyDeps: ApiKeyDeps;
}

const DEFAULT_PAGE = 25;

/** Unknown, malformed and other suppliers' key ids all look the same: 404. */
function keyIdOf(pathParameters: Record<string, string>): string {
  const id = pathParameters.keyId ?? '';
  if (!ID_PATTERN.test(id) || !id.startsWith('key_')) throw new ProblemError('not-found', 'no such API key');
  return id;
}

export const accessOperations: Operations<
  'createApiKey' | 'listApiKeys' | 'revokeApiKey' | 'listAdminAudit' | 'listOpsAdminAudit',
  AccessDeps
> = {
  async createApiKey(ctx, deps) {
    const supplierId = supplierOf(ctx.principal);
    const body = ctx.body as CreateApiKeyBody;
    const created = await createApiKey({ kind: 'supplier', supplierId }, body, deps.apiKeyDeps);
    await recordAct(ctx, deps, {
      kind: 'api_key.created',
      target: `api_key:${created.keyId}`,
      at: created.createdAt,
      ...(created.expiresAt !== undefined ? { detail: `expires ${created.expiresAt}` } : {}),
    });
    return jsonResponse(201, created, { location: `/v1/api-keys/${created.keyId}` });
  },
  async listApiKeys({ principal }, deps) {
    const supplierId = supplierOf(principal);
    return jsonResponse(200, { items: await listApiKeys({ kind: 'supplier', supplierId }, deps.apiKeyDeps) });
  },
  async revokeApiKey(ctx, deps) {
    const supplierId = supplierOf(ctx.principal);
    const keyId = keyIdOf(ctx.pathParameters);
    const { key } = await revokeApiKey({ kind: 'supplier', supplierId }, keyId, deps.apiKeyDeps);
    // Recorded at the key's own revocation time under an id derived from it: a request retried
    // after a lost answer (or a failed audit write) lands on the same act, never a second one.
    const at = key.revokedAt ?? new Date().toISOString();
    await recordAct(ctx, deps, {
      kind: 'api_key.revoked',
      target: `api_key:${keyId}`,
      at,
      auditId: deterministicAdminAuditId(Date.parse(at), ['api_key.revoked', keyId]),
    });
    return jsonResponse(200, key);
  },
  async listAdminAudit({ principal, query }, deps) {
    const supplierId = supplierOf(principal);
    const q = query as ListAdminActsQuery;
    // The supplier comes from the credential only: the filters can narrow, never widen.
    return jsonResponse(
      200,
      await listAdminActs({ ...q, supplierId, limit: q.limit ?? DEFAULT_PAGE }, 'supplier', deps),
    );
  },
  async listOpsAdminAudit({ query }, deps) {
    const q = query as ListOpsAdminActsQuery;
    return jsonResponse(200, await listAdminActs({ ...q, limit: q.limit ?? DEFAULT_PAGE }, 'ops', deps));
  },
};
