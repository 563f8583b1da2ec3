/** The Sync queue's message body, checked before use (a malformed message can never succeed). */
import * as z from 'zod';
import { lazy } from '../../shared/lazy';
import type { SyncMessage } from './connection';

/** Built on the first message (ADR 0022, eighth round), not when the bundle loads. */
export const syncMessageSchema = /* @__PURE__ */ lazy(() => {
  const id = z.string().min(1).max(256);
  const cursor = z.object({
    pageToken: z.string().max(4096).optional(),
    watermark: z.string().max(64).optional(),
  });
  return z.object({
    kind: z.literal('sync'),
    connectionId: id,
    supplierId: id,
    locationId: id,
    mode: z.enum(['incremental', 'full', 'targeted']),
    cursor: cursor.optional(),
    externalIds: z.array(id).max(1000).optional(),
    correlationId: id,
    deferrals: z.number().int().min(0).optional(),
    startedAt: z.string().max(64).optional(),
    highWatermark: z.string().max(64).optional(),
  });
});

/** The message, or undefined when the body is not a Sync message. */
export function parseSyncMessage(body: string): SyncMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const result = syncMessageSchema().safeParse(json);
  return result.success ? (result.data as SyncMessage) : undefined;
}
