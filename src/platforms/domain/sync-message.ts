/** The Sync queue's message body, checked before use (a malformed message can never succeed). */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import type { SyncMessage } from './connection';

/** Built on the first message (ADR 0022, eighth round), not when the bundle loads. */
export const syncMessageSchema = /* @__PURE__ */ lazy(() => {
  const id = z.string().check(z.minLength(1), z.maxLength(256));
  const cursor = z.object({
    pageToken: z.optional(z.string().check(z.maxLength(4096))),
    watermark: z.optional(z.string().check(z.maxLength(64))),
  });
  return z.object({
    kind: z.literal('sync'),
    connectionId: id,
    supplierId: id,
    locationId: id,
    mode: z.enum(['incremental', 'full', 'targeted']),
    cursor: z.optional(cursor),
    externalIds: z.optional(z.array(id).check(z.maxLength(1000))),
    correlationId: id,
    deferrals: z.optional(z.number().check(z.int(), z.gte(0))),
    startedAt: z.optional(z.string().check(z.maxLength(64))),
    highWatermark: z.optional(z.string().check(z.maxLength(64))),
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
