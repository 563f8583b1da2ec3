/**
 * The audit and health routes' query schemas and answer schemas (each answer with an id and an
 * example for the API description). Queries are strict: an unknown name or a bad value is a 400.
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { pageOf } from '../../shared/page-schema';
import { AUDIT_OPERATIONS, AUDIT_OUTCOMES } from './audit-query';
import { CONNECTED_PLATFORMS } from './platform';
import { fromNotAfterTo, timeRangePageParameters } from '../../shared/time-range-page';

const isoTime = /* @__PURE__ */ lazy(() => z.iso.datetime({ offset: true }));

const id = /* @__PURE__ */ lazy(() =>
  z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, '1-64 letters, digits, _ or -')),
);

const auditFilters = /* @__PURE__ */ lazy(() => ({
  platform: z.optional(z.enum(CONNECTED_PLATFORMS)).check(z.describe('Only entries of this platform.')),
  connectionId: z.optional(id()).check(z.describe('Only entries of this connection.')),
  operation: z
    .optional(z.enum(AUDIT_OPERATIONS))
    .check(
      z.describe(
        'Only this call operation (list, get, reply, ...) or lifecycle event (connect, disconnect, ...).',
      ),
    ),
  outcome: z
    .optional(z.enum(AUDIT_OUTCOMES))
    .check(z.describe('Only this outcome: ok, or how the call failed.')),
  ...timeRangePageParameters(),
}));

export const listAuditQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject(auditFilters()).check(fromNotAfterTo),
);
export type ListAuditQuery = z.infer<ReturnType<typeof listAuditQuery>>;

export const listOpsAuditQuery = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      supplierId: z.optional(id()).check(z.describe('Only entries of this supplier.')),
      ...auditFilters(),
    })
    .check(fromNotAfterTo)
    .check((ctx) => {
      if (ctx.value.supplierId === undefined && ctx.value.platform === undefined) {
        ctx.issues.push({
          code: 'custom',
          path: ['platform'],
          message: 'give a platform or a supplierId (the trail is read by supplier or by platform)',
          input: undefined,
        });
      }
    }),
);
export type ListOpsAuditQuery = z.infer<ReturnType<typeof listOpsAuditQuery>>;

const AUDIT_ENTRY_EXAMPLE: z.output<ReturnType<typeof auditEntry>> = {
  auditId: 'aud_019ae3c1f2a4b7c1d2e3f4a5b6c7',
  supplierId: 'sup_7m2k9q',
  platform: 'google',
  connectionId: 'con_3f9x2a',
  kind: 'call',
  operation: 'list',
  at: '2026-12-03T11:12:39.123Z',
  outcome: 'ok',
  httpStatus: 200,
  latencyMs: 182,
  breakerProbe: false,
  queuedMs: 12,
  quotaRemaining: 4870,
  correlationId: 'sync_9d8c7b',
  detail: 'GET mybusiness.googleapis.com/v4/accounts/1/locations/2/reviews',
};

const auditEntry = /* @__PURE__ */ lazy(() =>
  z
    .object({
      auditId: z.string(),
      supplierId: z.string(),
      platform: z.enum(CONNECTED_PLATFORMS),
      connectionId: z.optional(z.string()),
      kind: z.enum(['call', 'lifecycle']).check(z.describe('A platform call, or a connection event.')),
      operation: z.enum(AUDIT_OPERATIONS),
      at: isoTime(),
      outcome: z.enum(AUDIT_OUTCOMES),
      httpStatus: z.optional(z.number().check(z.int())),
      latencyMs: z.optional(z.number().check(z.gte(0))),
      breakerProbe: z
        .optional(z.boolean())
        .check(
          z.describe(
            "Calls: the circuit breaker's half-open probe (its result closes or re-opens the breaker).",
          ),
        ),
      queuedMs: z
        .optional(z.number().check(z.gte(0)))
        .check(
          z.describe('Calls: milliseconds from the admission (rate limits, circuit breaker) to the call.'),
        ),
      quotaRemaining: z
        .optional(z.number())
        .check(z.describe("Calls left in the platform's window, when it said.")),
      correlationId: z.string(),
      detail: z
        .optional(z.string())
        .check(z.describe('Method, host and path; never a token or review text.')),
    })
    .check(z.meta({ id: 'AuditEntry', description: 'One platform call or connection event.' })),
);

export const auditPageResponse = /* @__PURE__ */ lazy(() =>
  pageOf(auditEntry(), {
    id: 'AuditPage',
    description: 'A page of the platform audit trail, newest first.',
    examples: [{ items: [AUDIT_ENTRY_EXAMPLE] }],
  }),
);

const rate = /* @__PURE__ */ lazy(() => z.nullable(z.number().check(z.gte(0), z.lte(1))));
const callFigures = /* @__PURE__ */ lazy(() => ({
  lastSuccessAt: z.optional(isoTime()),
  lastFailureAt: z.optional(isoTime()),
  lastFailureKind: z.optional(z.enum(AUDIT_OUTCOMES)),
  errorRate5m: rate().check(z.describe('Failed / all calls over the last 5 minutes; null without calls.')),
  errorRate1h: rate().check(z.describe('Failed / all calls over the last hour; null without calls.')),
  calls5m: z.number().check(z.int(), z.gte(0)),
  calls1h: z.number().check(z.int(), z.gte(0)),
  quotaHeadroom: rate().check(
    z.describe("Share of the platform's quota window left (0-1); null when unknown."),
  ),
  quotaRemaining: z.nullable(z.number()),
}));

const connectionHealth = /* @__PURE__ */ lazy(() =>
  z
    .object({
      connectionId: z.string(),
      supplierId: z.string(),
      platform: z.enum(CONNECTED_PLATFORMS),
      status: z.enum(['pending', 'active', 'reauth-required', 'unsupported', 'disconnected']),
      statusReason: z.optional(z.string()),
      syncLagSeconds: z
        .nullable(z.number().check(z.int(), z.gte(0)))
        .check(
          z.describe("Seconds since the least recently synced location's last sync; null unless active."),
        ),
      ...callFigures(),
    })
    .check(z.meta({ id: 'ConnectionHealth' })),
);

const platformHealth = /* @__PURE__ */ lazy(() =>
  z
    .object({
      platform: z.enum(CONNECTED_PLATFORMS),
      state: z.enum(['healthy', 'degraded', 'down']),
      breaker: z.object({
        status: z.enum(['closed', 'open', 'half-open', 'unknown']),
        openUntil: z.optional(isoTime()).check(z.describe('End of the cool-down of an open breaker.')),
      }),
      maxSyncLagSeconds: z.nullable(z.number().check(z.int(), z.gte(0))),
      connections: z.array(connectionHealth()),
      ...callFigures(),
    })
    .check(z.meta({ id: 'PlatformHealth' })),
);

const HEALTH_EXAMPLE = {
  generatedAt: '2026-12-03T11:15:00.000Z',
  platforms: [
    {
      platform: 'google',
      state: 'healthy',
      breaker: { status: 'closed' },
      lastSuccessAt: '2026-12-03T11:14:52.004Z',
      errorRate5m: 0,
      errorRate1h: 0.02,
      calls5m: 41,
      calls1h: 488,
      quotaHeadroom: 0.93,
      quotaRemaining: null,
      maxSyncLagSeconds: 312,
      connections: [
        {
          connectionId: 'con_3f9x2a',
          supplierId: 'sup_7m2k9q',
          platform: 'google',
          status: 'active',
          syncLagSeconds: 312,
          lastSuccessAt: '2026-12-03T11:14:52.004Z',
          errorRate5m: 0,
          errorRate1h: 0,
          calls5m: 3,
          calls1h: 24,
          quotaHeadroom: null,
          quotaRemaining: null,
        },
      ],
    },
  ],
};

export const integrationHealthResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      generatedAt: isoTime(),
      platforms: z.array(platformHealth()),
      truncated: z
        .optional(z.boolean())
        .check(z.describe('Ops: more active connections exist than were read.')),
    })
    .check(
      z.meta({
        id: 'IntegrationHealth',
        description:
          'Per platform and per connection: breaker, last success and failure, error rates, quota, sync lag.',
        examples: [HEALTH_EXAMPLE],
      }),
    ),
);
