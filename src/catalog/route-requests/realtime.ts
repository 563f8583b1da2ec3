/**
 * The request schemas (body, query, raw body) of the `realtime` area's routes, for its function and
 * the route table. Each route's are built the first time they are read (ADR 0022, twelfth round).
 */
import { realtimeTokenBody } from '../../realtime';
import { lazyRecord } from '../../shared/lazy';
import type { AreaRequests } from '../route-table';

export const REALTIME_REQUESTS = /* @__PURE__ */ lazyRecord({
  createRealtimeToken: () => ({
    body: realtimeTokenBody(),
  }),
}) satisfies AreaRequests;
