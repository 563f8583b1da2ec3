/** The request schemas (body, query, raw body) of the `realtime` area's routes, for its function and the route table. */
import { realtimeTokenBody } from '../../realtime';
import type { AreaRequests } from '../route-table';

export const REALTIME_REQUESTS = {
  createRealtimeToken: {
    body: realtimeTokenBody,
  },
} as const satisfies AreaRequests;
