/**
 * Request bodies of the webhook-endpoint API (zod); API Gateway models are derived from them. Each
 * is built on first use (`createWebhookEndpointBody()`), not at load (ADR 0022, twelfth round).
 */
import * as z from 'zod';
import { MAX_URL_LENGTH } from '../domain/ssrf';
import { text } from '../../shared/text';
import { pageSizeParameter } from '../../shared/page-size';
import { MAX_ROTATION_DAYS, MIN_ROTATION_DAYS } from './secret-rotation';
import { lazy } from '../../shared/lazy';

/**
 * Event type names; membership in the outbound catalogue is checked by the use case (importing the
 * catalogue here would make an import cycle with review-schemas, which lists these bodies).
 */
const eventTypes = /* @__PURE__ */ lazy(() =>
  z
    // Segments after the first may hold underscores (review.reply_failed, model.rolled_back).
    .array(z.string().regex(/^[a-z]+(?:\.[a-z_]+)+$/, 'an event type such as review.received'))
    .min(1)
    .max(50)
    .refine((types) => new Set(types).size === types.length, 'event types must not repeat'),
);

/** Scheduled rotation of the signing secret (issue 9): every `everyDays` days, with the usual overlap. */
const secretRotation = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      everyDays: z
        .number()
        .int()
        .min(MIN_ROTATION_DAYS)
        .max(MAX_ROTATION_DAYS)
        .describe(
          `Rotate the signing secret every this many days (${MIN_ROTATION_DAYS}-${MAX_ROTATION_DAYS}).`,
        ),
    })
    .describe(
      'Rotate the signing secret on a schedule; the previous secret keeps signing beside the new one for the overlap. Fetch the new one with GET .../secret.',
    ),
);

export const createWebhookEndpointBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      url: text({ max: MAX_URL_LENGTH }),
      eventTypes: eventTypes(),
      description: text({ min: 0, max: 500 }).optional(),
      secretRotation: secretRotation().optional(),
    })
    .meta({
      examples: [
        {
          url: 'https://hooks.example.com/wedsync',
          eventTypes: ['review.received', 'review.negative'],
          description: 'CRM sync',
        },
      ],
    }),
);
export type CreateWebhookEndpointBody = z.infer<ReturnType<typeof createWebhookEndpointBody>>;

export const updateWebhookEndpointBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      eventTypes: eventTypes().optional(),
      description: text({ min: 0, max: 500 }).optional(),
      enabled: z.boolean().optional(),
      secretRotation: secretRotation()
        .nullable()
        .optional()
        .describe('A new rotation period (counted from now), or null to stop rotating on a schedule.'),
    })
    .refine(
      (b) => Object.keys(b).length > 0,
      'give at least one of eventTypes, description, enabled, secretRotation',
    )
    .meta({ examples: [{ eventTypes: ['review.received'], enabled: true }] }),
);
export type UpdateWebhookEndpointBody = z.infer<ReturnType<typeof updateWebhookEndpointBody>>;

export const replayWebhookEventsBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      since: z.iso
        .datetime({ offset: true })
        .describe('Replay events from this time (at most 14 days back).'),
    })
    .meta({ examples: [{ since: '2026-06-20T00:00:00Z' }] }),
);
export type ReplayWebhookEventsBody = z.infer<ReturnType<typeof replayWebhookEventsBody>>;

export const listDeliveriesQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    limit: pageSizeParameter(100).optional().describe('Page size, 1-100 (default 25).'),
    cursor: z.string().max(2048).optional().describe('The nextCursor of the previous page.'),
  }),
);
export type ListDeliveriesQuery = z.infer<ReturnType<typeof listDeliveriesQuery>>;

export const listEndpointsQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    limit: pageSizeParameter(100).optional(),
    cursor: z.string().max(2048).optional(),
  }),
);
export type ListEndpointsQuery = z.infer<ReturnType<typeof listEndpointsQuery>>;
