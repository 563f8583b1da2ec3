/**
 * The reply route's 202 answer, for the route table's documentation (src/catalog/routes.ts reads
 * it through the capability's index.ts); no function validates with it, so none bundles it
 * (ADR 0022, eighth round).
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';

export const replyAcceptedResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      reviewId: z.string(),
      action: z.enum(['reply', 'delete-reply']),
      status: z.literal('queued'),
      requestedAt: z.iso
        .datetime({ offset: true })
        .check(z.describe('The request time; the review shows its state (`reply`).')),
    })
    .check(
      z.meta({
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
      }),
    ),
);
