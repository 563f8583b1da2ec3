/** Meta operations: the API description itself (public: no credentials). */
import { openApiDocument } from '../../../src/catalog/openapi';
import { jsonResponse } from '../../../src/shared/http';
import type { Operations } from '../operation';

export const metaOperations: Operations<'getOpenApiDocument', unknown> = {
  // The document changes only with a deployment: let clients and caches keep it for a while.
  async getOpenApiDocument() {
    return jsonResponse(200, openApiDocument(), { 'cache-control': 'public, max-age=300' });
  },
};
