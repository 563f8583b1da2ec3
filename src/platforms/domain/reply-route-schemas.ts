/**
 * The reply route's request body and its 202 answer (POST /v1/reviews/{reviewId}/reply), apart
 * from replies.ts so that the workers that load replies.ts (the reply worker, the sync worker, every
 * function the wiring reaches) do not build the API's schemas at load (ADR 0022, eighth round).
 */
import * as z from 'zod';
import { text } from '../../shared/text';
import { MAX_REPLY_LENGTH } from './replies';

export const replyBody = z
  .strictObject({ comment: text({ max: MAX_REPLY_LENGTH }) })
  .meta({ examples: [{ comment: 'Thank you both, it was a joy to be part of your day!' }] });
export type ReplyBody = z.infer<typeof replyBody>;

export const replyAcceptedResponse = z
  .object({
    reviewId: z.string(),
    action: z.enum(['reply', 'delete-reply']),
    status: z.literal('queued'),
    requestedAt: z.iso
      .datetime({ offset: true })
      .describe('The request time; the review shows its state (`reply`).'),
  })
  .meta({
    id: 'ReplyAccepted',
    description:
      "The reply (or its deletion) is queued for the review's platform; read the review for its state (pending, published, failed).",
    examples: [
      {
        reviewId: 'rev_3f9a1c2b7d5e8f60a4b1c2d3e4f5a6b7',
        action: 'reply',
        status: 'queued',
        requestedAt: '2026-06-21T10:00:00.000Z',
      },
    ],
  });
