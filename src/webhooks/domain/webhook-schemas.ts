/**
 * Request bodies of the webhook-endpoint API (zod); API Gateway models are derived from them. Each
 * is built on first use (`createWebhookEndpointBody()`), not at load (ADR 0022, twelfth round).
 */
import * as z from '../../shared/zod';
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
    .array(z.string().check(z.regex(/^[a-z]+(?:\.[a-z_]+)+$/, 'an event type such as review.received')))
    .check(
      z.minLength(1),
      z.maxLength(50),
      z.refine((types) => new Set(types).size === types.length, 'event types must not repeat'),
    ),
);

/** Scheduled rotation of the signing secret (issue 9): every `everyDays` days, with the usual overlap. */
const secretRotation = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      everyDays: z
        .number()
        .check(
          z.int(),
          z.gte(MIN_ROTATION_DAYS),
          z.lte(MAX_ROTATION_DAYS),
          z.describe(
            `Rotate the signing secret every this many days (${MIN_ROTATION_DAYS}-${MAX_ROTATION_DAYS}).`,
          ),
        ),
    })
    .check(
      z.describe(
        'Rotate the signing secret on a schedule; the previous secret keeps signing beside the new one for the overlap. Fetch the new one with GET .../secret.',
      ),
    ),
);

export const createWebhookEndpointBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      url: text({ max: MAX_URL_LENGTH }),
      eventTypes: eventTypes(),
      description: z.optional(text({ min: 0, max: 500 })),
      secretRotation: z.optional(secretRotation()),
    })
    .check(
      z.meta({
        examples: [
          {
            url: 'https://hooks.example.com/wedsync',
            eventTypes: ['review.received', 'review.negative'],
            description: 'CRM sync',
          },
        ],
      }),
    ),
);
export type CreateWebhookEndpointBody = z.infer<ReturnType<typeof createWebhookEndpointBody>>;

export const updateWebhookEndpointBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      eventTypes: z.optional(eventTypes()),
      description: z.optional(text({ min: 0, max: 500 })),
      enabled: z.optional(z.boolean()),
      secretRotation: z
        .optional(z.nullable(secretRotation()))
        .check(
          z.describe('A new rotation period (counted from now), or null to stop rotating on a schedule.'),
        ),
    })
    .check(
      z.refine(
        (b) => Object.keys(b).length > 0,
        'give at least one of eventTypes, description, enabled, secretRotation',
      ),
      z.meta({ examples: [{ eventTypes: ['review.received'], enabled: true }] }),
    ),
);
export type UpdateWebhookEndpointBody = z.infer<ReturnType<typeof updateWebhookEndpointBody>>;

export const replayWebhookEventsBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      since: z.iso
        .datetime({ offset: true })
        .check(z.describe('Replay events from this time (at most 14 days back).')),
    })
    .check(z.meta({ examples: [{ since: '2026-06-20T00:00:00Z' }] })),
);
export type ReplayWebhookEventsBody = z.infer<ReturnType<typeof replayWebhookEventsBody>>;

export const listDeliveriesQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    limit: z.optional(pageSizeParameter(100)).check(z.describe('Page size, 1-100 (default 25).')),
    cursor: z
      .optional(z.string().check(z.maxLength(2048)))
      .check(z.describe('The nextCursor of the previous page.')),
  }),
);
export type ListDeliveriesQuery = z.infer<ReturnType<typeof listDeliveriesQuery>>;

export const listEndpointsQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    limit: z.optional(pageSizeParameter(100)),
    cursor: z.optional(z.string().check(z.maxLength(2048))),
  }),
);
export type ListEndpointsQuery = z.infer<ReturnType<typeof listEndpointsQuery>>;
