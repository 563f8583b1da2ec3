/** Platform connection operations: connect (OAuth start, public callback), read, choose locations, disconnect. */
import { ID_PATTERN } from '../../../src/shared/ids';
import { ProblemError } from '../../../src/shared/problem';
import { jsonResponse } from '../../../src/shared/http';
import type {
  ChooseLocationsRequest,
  OAuthCallbackQuery,
  StartConnectionRequest,
  UpdateConnectionRequest,
} from '../../../src/platforms';
import {
  chooseLocations,
  completeAuthorization,
  disconnect,
  getConnection,
  listConnections,
  startConnection,
  updateConnectionSettings,
  type ConnectionDeps,
  type StartConnectionBody,
} from '../../../src/platforms/use-cases/connections';
import { supplierOf, type Operations } from '../operation';
import { recordAct, type AdminActDeps } from '../admin-acts';

/** A connection made or removed is an admin act (issue 9), audited before it is acknowledged. */
export interface ConnectionOperationDeps extends AdminActDeps {
  /** Built on first use: only the connection routes need the platform apps' configuration. */
  readonly platformConnections: () => ConnectionDeps;
}

/** Unknown, malformed and other suppliers' ids all look the same: 404. */
function connectionIdOf(pathParameters: Record<string, string>): string {
  const id = pathParameters.connectionId ?? '';
  if (!ID_PATTERN.test(id) || !id.startsWith('con_'))
    throw new ProblemError('not-found', 'no such connection');
  return id;
}

function startBody(body: StartConnectionRequest): StartConnectionBody {
  switch (body.platform) {
    case 'yelp':
      return { platform: 'yelp', businessId: body.businessId! };
    case 'trustpilot':
      return {
        platform: 'trustpilot',
        businessUnitId: body.businessUnitId!,
        ...(body.authorBusinessUserId ? { authorBusinessUserId: body.authorBusinessUserId } : {}),
      };
    default:
      return { platform: body.platform };
  }
}

export const connectionOperations: Operations<
  | 'startConnection'
  | 'completeOAuthCallback'
  | 'listConnections'
  | 'getConnection'
  | 'chooseConnectionLocations'
  | 'deleteConnection'
  | 'updateConnection',
  ConnectionOperationDeps
> = {
  async startConnection(ctx, deps) {
    const supplierId = supplierOf(ctx.principal);
    const started = await startConnection(
      supplierId,
      startBody(ctx.body as StartConnectionRequest),
      deps.platformConnections(),
    );
    // Yelp is connected at once; OAuth platforms when their callback completes.
    if (started.connection.status === 'active') {
      await recordAct(ctx, deps, {
        kind: 'connection.made',
        target: `connection:${started.connection.connectionId}`,
        detail: started.connection.platform,
      });
    }
    return jsonResponse(201, started, { location: `/v1/connections/${started.connection.connectionId}` });
  },
  async completeOAuthCallback(ctx, deps) {
    const connections = deps.platformConnections();
    const connection = await completeAuthorization(ctx.query as OAuthCallbackQuery, connections);
    // A public route: the act is the supplier's (its consent), named by the connection it made.
    const stored = await connections.connections.getById(connection.connectionId);
    if (stored) {
      await recordAct(ctx, deps, {
        kind: 'connection.made',
        supplierId: stored.supplierId,
        target: `connection:${connection.connectionId}`,
        detail: connection.platform,
      });
    }
    return jsonResponse(200, connection);
  },
  async listConnections({ principal }, deps) {
    const supplierId = supplierOf(principal);
    return jsonResponse(200, { items: await listConnections(supplierId, deps.platformConnections()) });
  },
  async getConnection({ principal, pathParameters }, deps) {
    const supplierId = supplierOf(principal);
    return jsonResponse(
      200,
      await getConnection(supplierId, connectionIdOf(pathParameters), deps.platformConnections()),
    );
  },
  async chooseConnectionLocations({ principal, pathParameters, body }, deps) {
    const supplierId = supplierOf(principal);
    const { locationIds } = body as ChooseLocationsRequest;
    return jsonResponse(
      200,
      await chooseLocations(
        supplierId,
        connectionIdOf(pathParameters),
        locationIds,
        deps.platformConnections(),
      ),
    );
  },
  async updateConnection({ principal, pathParameters, body }, deps) {
    const supplierId = supplierOf(principal);
    const { authorBusinessUserId } = body as UpdateConnectionRequest;
    return jsonResponse(
      200,
      await updateConnectionSettings(
        supplierId,
        connectionIdOf(pathParameters),
        { authorBusinessUserId },
        deps.platformConnections(),
      ),
    );
  },
  async deleteConnection(ctx, deps) {
    const supplierId = supplierOf(ctx.principal);
    const connectionId = connectionIdOf(ctx.pathParameters);
    await disconnect(supplierId, connectionId, deps.platformConnections());
    await recordAct(ctx, deps, { kind: 'connection.removed', target: `connection:${connectionId}` });
    return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
  },
};
