/** Webhook operations: endpoints (register, read, change, delete, rotate, read the secrets), delivery log, retry, replay. */
import {
  cursorScope,
  decodeCursor,
  encodeCursor,
  type CursorKeySource,
  type StoreKey,
} from '../../../src/shared/cursor';
import { ID_PATTERN } from '../../../src/shared/ids';
import { ProblemError } from '../../../src/shared/problem';
import type {
  CreateWebhookEndpointBody,
  ListDeliveriesQuery,
  ListEndpointsQuery,
  ReplayWebhookEventsBody,
  UpdateWebhookEndpointBody,
} from '../../../src/webhooks/domain/webhook-schemas';
import { jsonResponse } from '../../../src/shared/http';
import {
  deleteEndpoint,
  getEndpoint,
  getEndpointSecret,
  listDeliveries,
  listEndpoints,
  registerEndpoint,
  retryDelivery,
  rotateEndpointSecret,
  updateEndpoint,
  type WebhookApiDeps,
} from '../../../src/webhooks/use-cases/webhook-endpoints';
import { getReplay, startReplay } from '../../../src/webhooks/use-cases/replay-jobs';
import { supplierOf, type Operations } from '../operation';
import { recordAct, type AdminActDeps } from '../admin-acts';

/** Endpoint changes are admin acts (issue 9): each is audited before it is acknowledged. */
export interface WebhookDeps extends WebhookApiDeps, AdminActDeps {
  /** Signs and checks list cursors (the review-token key ring; see src/shared/cursor.ts). */
  readonly cursorKeys: CursorKeySource;
}

/** Unknown, malformed and other suppliers' ids all look the same: 404. */
function idParam(pathParameters: Record<string, string>, what: string, name = 'id'): string {
  const id = pathParameters[name] ?? '';
  if (!ID_PATTERN.test(id)) throw new ProblemError('not-found', `no such ${what}`);
  return id;
}

export const webhookOperations: Operations<
  | 'createWebhookEndpoint'
  | 'listWebhookEndpoints'
  | 'getWebhookEndpoint'
  | 'updateWebhookEndpoint'
  | 'deleteWebhookEndpoint'
  | 'rotateWebhookSecret'
  | 'getWebhookSecret'
  | 'listWebhookDeliveries'
  | 'replayWebhookEvents'
  | 'getReplayJob'
  | 'retryWebhookDelivery',
  WebhookDeps
> = {
  async createWebhookEndpoint(ctx, deps) {
    const { body: validated, principal } = ctx;
    const supplierId = supplierOf(principal);
    const body = validated as CreateWebhookEndpointBody;
    const created = await registerEndpoint(supplierId, body, deps);
    await recordAct(ctx, deps, { kind: 'endpoint.created', target: `endpoint:${created.id}` });
    return jsonResponse(201, created, { location: `/v1/webhook-endpoints/${created.id}` });
  },
  async listWebhookEndpoints({ query: validated, principal }, deps) {
    const supplierId = supplierOf(principal);
    const query = validated as ListEndpointsQuery;
    // A cursor is valid only for the supplier it was issued to.
    const scope = cursorScope({ list: 'webhook-endpoints', supplierId });
    const ring = await deps.cursorKeys.keyRing();
    const cursor =
      query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, scope, ring, { pk: `SUPPLIER#${supplierId}` });
    const page = await listEndpoints(
      supplierId,
      { limit: query.limit ?? 20, ...(cursor ? { cursor } : {}) },
      deps,
    );
    return jsonResponse(200, {
      items: page.items,
      ...(page.next ? { nextCursor: encodeCursor(page.next as StoreKey, scope, ring) } : {}),
    });
  },
  async getWebhookEndpoint({ principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    return jsonResponse(
      200,
      await getEndpoint(supplierId, idParam(pathParameters, 'webhook endpoint'), deps),
    );
  },
  async updateWebhookEndpoint(ctx, deps) {
    const { body: validated, principal, pathParameters } = ctx;
    const supplierId = supplierOf(principal);
    const id = idParam(pathParameters, 'webhook endpoint');
    const body = validated as UpdateWebhookEndpointBody;
    const updated = await updateEndpoint(supplierId, id, body, deps);
    // The names of the fields changed, never their values (a URL may carry a token).
    await recordAct(ctx, deps, {
      kind: 'endpoint.changed',
      target: `endpoint:${id}`,
      detail: `fields: ${Object.keys(body).sort().join(', ')}`.slice(0, 200),
    });
    return jsonResponse(200, updated);
  },
  async deleteWebhookEndpoint(ctx, deps) {
    const supplierId = supplierOf(ctx.principal);
    const id = idParam(ctx.pathParameters, 'webhook endpoint');
    await deleteEndpoint(supplierId, id, deps);
    await recordAct(ctx, deps, { kind: 'endpoint.deleted', target: `endpoint:${id}` });
    return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
  },
  async rotateWebhookSecret(ctx, deps) {
    const supplierId = supplierOf(ctx.principal);
    const id = idParam(ctx.pathParameters, 'webhook endpoint');
    const rotated = await rotateEndpointSecret(supplierId, id, deps);
    await recordAct(ctx, deps, { kind: 'endpoint.secret_rotated', target: `endpoint:${id}` });
    return jsonResponse(200, rotated);
  },
  async getWebhookSecret({ principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    const id = idParam(pathParameters, 'webhook endpoint');
    return jsonResponse(200, await getEndpointSecret(supplierId, id, deps));
  },
  async listWebhookDeliveries({ query: validated, principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    const id = idParam(pathParameters, 'webhook endpoint');
    const query = validated as ListDeliveriesQuery;
    // A cursor is valid only for the supplier and the endpoint it was issued for.
    const scope = cursorScope({ list: 'deliveries', supplierId, endpointId: id });
    const ring = await deps.cursorKeys.keyRing();
    const cursor =
      query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, scope, ring, { gsi1pk: `DELIVERIES#${id}` });
    const page = await listDeliveries(
      supplierId,
      id,
      { limit: query.limit ?? 25, ...(cursor ? { cursor } : {}) },
      deps,
    );
    return jsonResponse(200, {
      items: page.items,
      ...(page.next ? { nextCursor: encodeCursor(page.next as StoreKey, scope, ring) } : {}),
    });
  },
  async replayWebhookEvents({ body: validated, principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    const id = idParam(pathParameters, 'webhook endpoint');
    const body = validated as ReplayWebhookEventsBody;
    const job = await startReplay(supplierId, id, body.since, {
      ...deps,
      replayPolicy: deps.webhookConfig.replay,
      replayMaxDays: deps.webhookConfig.replayMaxDays,
    });
    return jsonResponse(202, job, { location: `/v1/webhook-endpoints/${id}/replays/${job.id}` });
  },
  async getReplayJob({ principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    const id = idParam(pathParameters, 'webhook endpoint');
    const jobId = idParam(pathParameters, 'replay job', 'jobId');
    return jsonResponse(200, await getReplay(supplierId, id, jobId, deps));
  },
  async retryWebhookDelivery({ principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    const state = await retryDelivery(supplierId, idParam(pathParameters, 'delivery'), deps);
    return jsonResponse(202, { id: state.deliveryId, status: state.status, attempt: state.attempt });
  },
};
