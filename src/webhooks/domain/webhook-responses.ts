/**
 * Response bodies of the webhook routes (zod), next to the request schemas: the route table names
 * them, the API description publishes them with their examples, and an integration test validates
 * real answers against them. Secrets appear only in the answers to creation, rotation and the
 * endpoint's secret route (GET .../secret).
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { NEXT_CURSOR, pageOf } from '../../shared/page-schema';

const isoTime = /* @__PURE__ */ lazy(() => z.iso.datetime({ offset: true }));

const endpoint = /* @__PURE__ */ lazy(() =>
  z.object({
    id: z.string().check(z.describe('The endpoint, `whe_...`.')),
    url: z.string(),
    eventTypes: z.array(z.string()),
    description: z.optional(z.string()),
    enabled: z.boolean(),
    disabledReason: z
      .optional(z.enum(['gone', 'failing', 'manual']))
      .check(
        z.describe(
          'gone: the receiver answered 410; failing: the circuit breaker gave up; manual: disabled by you.',
        ),
      ),
    disabledAt: z.optional(isoTime()),
    previousSecretExpiresAt: z
      .optional(isoTime())
      .check(z.describe('During a rotation overlap: when the previous secret stops signing.')),
    secretRotation: z
      .optional(
        z.object({
          everyDays: z.number().check(z.int(), z.describe('The rotation period in days.')),
          nextRotationAt: isoTime().check(
            z.describe('When the next scheduled rotation is due (runs hourly after it).'),
          ),
        }),
      )
      .check(z.describe('Scheduled rotation of the signing secret, when set.')),
    createdAt: isoTime(),
    updatedAt: isoTime(),
  }),
);

const ENDPOINT_EXAMPLE: z.output<ReturnType<typeof endpoint>> = {
  id: 'whe_01jx8m1a2b3c4d5e6f7g8h9j0k',
  url: 'https://hooks.example.com/wedsync',
  eventTypes: ['review.received', 'review.negative'],
  description: 'CRM sync',
  enabled: true,
  createdAt: '2026-06-21T09:00:00.000Z',
  updatedAt: '2026-06-21T09:00:00.000Z',
};

export const webhookEndpointResponse = /* @__PURE__ */ lazy(() =>
  endpoint().check(
    z.meta({
      id: 'WebhookEndpoint',
      description: 'A webhook endpoint (never with its secret).',
      examples: [ENDPOINT_EXAMPLE],
    }),
  ),
);

export const webhookEndpointWithSecretResponse = /* @__PURE__ */ lazy(() =>
  z
    .extend(endpoint(), {
      secret: z
        .string()
        .check(
          z.describe(
            'The signing secret (`whsec_...`); GET /v1/webhook-endpoints/{id}/secret returns it again.',
          ),
        ),
    })
    .check(
      z.meta({
        id: 'WebhookEndpointWithSecret',
        description: 'A webhook endpoint with its new signing secret (the answer to creation and rotation).',
        examples: [{ ...ENDPOINT_EXAMPLE, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
      }),
    ),
);

export const webhookEndpointSecretResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      secret: z
        .string()
        .check(z.describe('The current signing secret (`whsec_...`): every request is signed with it.')),
      previousSecret: z
        .optional(z.string())
        .check(
          z.describe('During a rotation overlap: the previous secret, still signing beside the current one.'),
        ),
      previousSecretExpiresAt: z
        .optional(isoTime())
        .check(z.describe('When the previous secret stops signing.')),
      nextRotationAt: z
        .optional(isoTime())
        .check(z.describe('With a rotation schedule: when the next rotation is due.')),
    })
    .check(
      z.meta({
        id: 'WebhookEndpointSecret',
        description:
          "An endpoint's signing secrets: pick up a scheduled (or another client's) rotation during the overlap.",
        examples: [
          {
            secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
            previousSecret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD',
            previousSecretExpiresAt: '2026-06-22T09:00:00.000Z',
            nextRotationAt: '2026-07-21T09:00:00.000Z',
          },
        ],
      }),
    ),
);

export const webhookEndpointListResponse = /* @__PURE__ */ lazy(() =>
  pageOf(
    webhookEndpointResponse(),
    {
      id: 'WebhookEndpointList',
      description: "A page of the calling supplier's webhook endpoints, in endpoint-id order.",
      examples: [{ items: [ENDPOINT_EXAMPLE] }],
    },
    NEXT_CURSOR.whenMore,
  ),
);

const deliveryStatus = /* @__PURE__ */ lazy(() =>
  z.enum(['pending', 'in-flight', 'delivered', 'failed', 'cancelled']),
);

const attempt = /* @__PURE__ */ lazy(() =>
  z.object({
    deliveryId: z.string(),
    endpointId: z.string(),
    supplierId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().check(z.int(), z.gte(1)),
    at: isoTime(),
    outcome: z.enum(['success', 'failure', 'gone', 'rate-limited']),
    statusCode: z.optional(z.number().check(z.int())),
    latencyMs: z.number().check(z.gte(0)),
    response: z.string().check(z.describe("The start of the receiver's answer.")),
    responseTruncated: z.boolean(),
    error: z.optional(z.string()),
    errorCode: z.optional(z.string()),
    next: z
      .string()
      .check(z.describe('What happens next: delivered, retry at a time, exhausted, endpoint disabled.')),
  }),
);

const delivery = /* @__PURE__ */ lazy(() =>
  z.object({
    id: z.string().check(z.describe('The delivery, `dlv_...` (one per event and endpoint).')),
    eventId: z.string().check(z.describe('Also the `webhook-id` header of every attempt.')),
    eventType: z.string(),
    status: deliveryStatus(),
    attempt: z.number().check(z.int(), z.gte(1)),
    nextAttemptAt: z.optional(isoTime()),
    reason: z.optional(z.string()).check(z.describe('Why it ended without success.')),
    createdAt: isoTime(),
    attempts: z.array(attempt()).check(z.describe('Every attempt, oldest first.')),
  }),
);

const DELIVERY_EXAMPLE: z.output<ReturnType<typeof delivery>> = {
  id: 'dlv_5b0c2e7a9d1f3b6c8e0a2c4e6a8c0e2f',
  eventId: 'evt_9c1e3a5b7d9f1b3d5f7a9c1e3a5b7d9f',
  eventType: 'review.received',
  status: 'delivered',
  attempt: 1,
  createdAt: '2026-06-21T09:30:01.100Z',
  attempts: [
    {
      deliveryId: 'dlv_5b0c2e7a9d1f3b6c8e0a2c4e6a8c0e2f',
      endpointId: 'whe_01jx8m1a2b3c4d5e6f7g8h9j0k',
      supplierId: 'sup_01jx8k0a1b2c3d4e5f6g7h8j9k',
      eventId: 'evt_9c1e3a5b7d9f1b3d5f7a9c1e3a5b7d9f',
      eventType: 'review.received',
      attempt: 1,
      at: '2026-06-21T09:30:01.350Z',
      outcome: 'success',
      statusCode: 200,
      latencyMs: 84,
      response: 'ok',
      responseTruncated: false,
      next: 'delivered',
    },
  ],
};

export const deliveryPageResponse = /* @__PURE__ */ lazy(() =>
  pageOf(delivery().check(z.meta({ id: 'WebhookDelivery', description: 'One delivery and its attempts.' })), {
    id: 'WebhookDeliveryPage',
    description: "One page of an endpoint's deliveries, newest first.",
    examples: [{ items: [DELIVERY_EXAMPLE] }],
  }),
);

export const replayJobResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      id: z.string().check(z.describe('The replay job, `rpl_...`.')),
      endpointId: z.string(),
      status: z.enum(['queued', 'running', 'completed', 'failed']),
      since: isoTime().check(z.describe('Events from this time on are replayed.')),
      counts: z.object({
        found: z
          .number()
          .check(z.int(), z.gte(0), z.describe("Events of the endpoint's types found in the log so far.")),
        enqueued: z.number().check(z.int(), z.gte(0), z.describe('Deliveries this job queued so far.')),
      }),
      createdAt: isoTime(),
      updatedAt: isoTime(),
      finishedAt: z.optional(isoTime()),
      error: z.optional(z.string()).check(z.describe('Why the job failed.')),
    })
    .check(
      z.meta({
        id: 'ReplayJob',
        description: 'A replay job and its progress; read it again at the Location header until completed.',
        examples: [
          {
            id: 'rpl_01jx8k2m3n4p5q6r7s8t9v0w1x',
            endpointId: 'whe_01jx8k2m3n4p5q6r7s8t9v0w1x',
            status: 'running',
            since: '2026-06-19T00:00:00.000Z',
            counts: { found: 100, enqueued: 42 },
            createdAt: '2026-06-20T10:00:00.000Z',
            updatedAt: '2026-06-20T10:00:01.000Z',
          },
        ],
      }),
    ),
);

export const deliveryRetryAcceptedResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      id: z.string(),
      status: deliveryStatus(),
      attempt: z.number().check(z.int(), z.gte(1), z.describe('The number of the attempt just queued.')),
    })
    .check(
      z.meta({
        id: 'DeliveryRetryAccepted',
        description: 'A new attempt is queued, with the same webhook-id.',
        examples: [{ id: 'dlv_5b0c2e7a9d1f3b6c8e0a2c4e6a8c0e2f', status: 'pending', attempt: 2 }],
      }),
    ),
);
