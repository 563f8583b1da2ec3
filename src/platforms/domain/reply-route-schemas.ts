/**
 * The reply route's request body (POST /v1/reviews/{reviewId}/reply), apart from replies.ts so
 * that the workers that load replies.ts (the reply worker, the sync worker, every function the
 * wiring reaches) do not build it at load (ADR 0022, eighth round). Its 202 answer, which only the
 * OpenAPI document reads, is in reply-responses.ts: the function serving the route does not
 * build it either. The body is built on first use (`replyBody()`), not at load (twelfth round).
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { text } from '../../shared/text';
import { MAX_REPLY_LENGTH } from './replies';

export const replyBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({ comment: text({ max: MAX_REPLY_LENGTH }) })
    .check(z.meta({ examples: [{ comment: 'Thank you both, it was a joy to be part of your day!' }] })),
);
export type ReplyBody = z.infer<ReturnType<typeof replyBody>>;
