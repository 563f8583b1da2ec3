/** Real-time operations: a connection token for the WebSocket API (docs/realtime.md). */
import { issueConnectionToken, type IssueTokenDeps, type RealtimeTokenBody } from '../../../src/realtime';
import { jsonResponse } from '../../../src/shared/http';
import { supplierOf, type Operations } from '../operation';

export interface RealtimeOperationDeps {
  readonly realtimeTokens: IssueTokenDeps;
}

export const realtimeOperations: Operations<'createRealtimeToken', RealtimeOperationDeps> = {
  async createRealtimeToken({ body, principal }, deps) {
    const supplierId = supplierOf(principal);
    return jsonResponse(
      201,
      await issueConnectionToken(supplierId, body as RealtimeTokenBody, deps.realtimeTokens),
    );
  },
};
