/**
 * Reading the admin audit trail: its filters, the query and route schemas, the answer's shape.
 * Queries are strict: an unknown name or a bad value is a 400.
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import { pageOf } from '../../shared/page-schema';
import { ADMIN_ACT_KINDS, type AdminAct, type AdminActKind } from './admin-act';
import { fromNotAfterTo, timeRangePageParameters } from '../../shared/time-range-page';

const isoTime = /* @__PURE__ */ lazy(() => z.iso.datetime({ offset: true }));

export const ADMIN_ACTOR_TYPES = ['supplier', 'ops', 'system'] as const;
export type AdminActorType = (typeof ADMIN_ACTOR_TYPES)[number];

/** One listing. A supplier's listing always has `supplierId` (from the credential). */
export interface AdminActQuery {
  readonly supplierId?: string;
  readonly kind?: AdminActKind;
  readonly actorType?: AdminActorType;
  readonly target?: string;
  /** Inclusive bounds, UTC ISO instants. */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface AdminActPage {
  readonly items: readonly AdminAct[];
  readonly lastKey?: Record<string, string>;
}

const filters = /* @__PURE__ */ lazy(() => ({
  kind: z
    .optional(z.enum(ADMIN_ACT_KINDS))
    .check(z.describe('Only acts of this kind (api_key.created, ...).')),
  actorType: z.optional(z.enum(ADMIN_ACTOR_TYPES)).check(z.describe('Only acts by this kind of actor.')),
  target: z
    .optional(
      z.string().check(z.regex(/^[a-z_]{1,32}:[A-Za-z0-9_.:-]{1,128}$/, '<type>:<id>, e.g. api_key:key_...')),
    )
    .check(
      z.describe('Only acts on this thing: `api_key:key_...`, `endpoint:whe_...`, `connection:con_...`.'),
    ),
  ...timeRangePageParameters(),
}));

export const listAdminActsQuery = /* @__PURE__ */ lazy(() => z.strictObject(filters()).check(fromNotAfterTo));
export type ListAdminActsQuery = z.infer<ReturnType<typeof listAdminActsQuery>>;

export const listOpsAdminActsQuery = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      supplierId: z
        .optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, '1-64 letters, digits, _ or -')))
        .check(z.describe("Only acts concerning this supplier's data.")),
      ...filters(),
    })
    .check(fromNotAfterTo),
);
export type ListOpsAdminActsQuery = z.infer<ReturnType<typeof listOpsAdminActsQuery>>;

const ADMIN_ACT_EXAMPLE: z.output<ReturnType<typeof adminAct>> = {
  auditId: 'aud_019ae3c1f2a48c1d2e3f4a5b6c7d8e9f',
  kind: 'api_key.revoked',
  at: '2026-12-03T11:12:39.123Z',
  actor: { type: 'supplier', supplierId: 'sup_7m2k9q', keyId: 'key_01h9x8' },
  supplierId: 'sup_7m2k9q',
  target: 'api_key:key_01h2a3',
  outcome: 'ok',
  sourceIp: '203.0.113.7',
  requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  correlationId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
};

const adminAct = /* @__PURE__ */ lazy(() =>
  z
    .object({
      auditId: z.string(),
      kind: z.enum(ADMIN_ACT_KINDS),
      at: isoTime(),
      actor: z.union([
        z.object({ type: z.literal('supplier'), supplierId: z.string(), keyId: z.optional(z.string()) }),
        z.object({ type: z.literal('ops'), keyId: z.optional(z.string()) }),
        z.object({ type: z.literal('system'), name: z.string() }),
      ]),
      supplierId: z.optional(z.string()).check(z.describe('The supplier whose data the act concerns.')),
      target: z.string().check(z.describe('What was acted on, `<type>:<id>`.')),
      outcome: z.enum(['ok', 'failed']),
      sourceIp: z.optional(z.string()).check(z.describe("The caller's IP, as API Gateway saw it.")),
      requestId: z.optional(z.string()).check(z.describe("API Gateway's request id.")),
      correlationId: z.optional(z.string()),
      detail: z
        .optional(z.string())
        .check(z.describe('A short detail; never a key, a secret or personal data.')),
    })
    .check(z.meta({ id: 'AdminAct', description: 'One admin or credential act.' })),
);

export const adminActPageResponse = /* @__PURE__ */ lazy(() =>
  pageOf(adminAct(), {
    id: 'AdminActPage',
    description: 'A page of the admin audit trail, newest first.',
    examples: [{ items: [ADMIN_ACT_EXAMPLE] }],
  }),
);
