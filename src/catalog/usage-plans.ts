/**
 * API Gateway usage plans (issue 12, ADR 0036), defined once: the REST API's plans (lib/constructs/
 * service-api.ts), the shared usage keys CDK creates, the authorizer's choice of a usage identifier
 * key (src/access), and the local gateway's per-key token buckets and quotas (local/gateway.ts) all
 * read this table.
 *
 * Every caller of a method behind the authorizer is metered by the API key value the authorizer
 * returns as `usageIdentifierKey` (the API's key source is AUTHORIZER: no caller can present a key
 * itself, so a key value is an identifier, not a credential; still never logged):
 * - each supplier has its own key (created when the supplier is, ADR 0036) in `suppliers`: one
 *   supplier hammering the API is throttled at its own rate and cannot starve the others;
 * - couples' review links, operators, and suppliers whose key predates ADR 0036 share a key each
 *   in `shared` (`SHARED_USAGE_KEYS`).
 */

export type UsagePlanId = 'suppliers' | 'shared';

export interface UsagePlanDefinition {
  readonly id: UsagePlanId;
  readonly description: string;
  /** Per key: API Gateway's token bucket (requests per second, and the bucket's size). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Per key and UTC day; none: no quota. */
  readonly quotaPerDay?: number;
}

/**
 * Sizing (ADR 0036): a supplier's key gets a quarter of the stage's default method limits (cdk.json
 * `api`: 100 requests/s, burst 200), so at least four suppliers at their limit fit under the stage's
 * rate on one method; 25 requests/s is about 3.5 times what one address gets past the WAF's per-IP
 * rule (2,000 per 5 minutes), so an importer spread over several addresses is what this bounds. The
 * quota (1,000,000 a day, the plan's former figure) binds only a supplier near its rate for 11+
 * hours. The shared keys get the stage's own limits: they carry many callers (every couple).
 */
export const USAGE_PLANS: readonly UsagePlanDefinition[] = [
  {
    id: 'suppliers',
    description: "One API key per supplier (its systems' and the web app's calls with its API keys).",
    throttle: { rateLimit: 25, burstLimit: 50 },
    quotaPerDay: 1_000_000,
  },
  {
    id: 'shared',
    description:
      'Keys shared by many callers: review links, operators, suppliers without a key of their own.',
    throttle: { rateLimit: 100, burstLimit: 200 },
  },
];

export type SharedUsageKeyId = 'review-links' | 'operators' | 'unassigned-suppliers';

export interface SharedUsageKey {
  readonly id: SharedUsageKeyId;
  readonly plan: UsagePlanId;
  /** The key's value (20-128 characters, as API Gateway requires); the same in every region. */
  readonly value: string;
}

/** Keys CDK creates in every region, with fixed values the authorizer returns. */
export const SHARED_USAGE_KEYS: readonly SharedUsageKey[] = [
  { id: 'review-links', plan: 'shared', value: 'wedsync-usage-shared-review-links' },
  { id: 'operators', plan: 'shared', value: 'wedsync-usage-shared-operators' },
  // A supplier whose API key item has no usage key (created before ADR 0036) shares this key
  // until it gets one of its own (a backfill command is not built yet: ADR 0036).
  { id: 'unassigned-suppliers', plan: 'shared', value: 'wedsync-usage-shared-unassigned-suppliers' },
];

export function usagePlan(id: UsagePlanId): UsagePlanDefinition {
  const plan = USAGE_PLANS.find((p) => p.id === id);
  if (!plan) throw new Error(`no usage plan ${id}`);
  return plan;
}

export function sharedUsageKey(id: SharedUsageKeyId): SharedUsageKey {
  const key = SHARED_USAGE_KEYS.find((k) => k.id === id);
  if (!key) throw new Error(`no shared usage key ${id}`);
  return key;
}

/** Supplier usage keys: `wsu_` and 40 hex digits (src/access/domain/usage-keys.ts issues them). */
export const SUPPLIER_USAGE_KEY_PATTERN = /^wsu_[0-9a-f]{40}$/;

/**
 * The plan a key value belongs to, as API Gateway knows it once the key is attached: a shared
 * key's plan, `suppliers` for a supplier's key; undefined for a value no plan holds (403).
 */
export function planOfUsageKey(value: string): UsagePlanDefinition | undefined {
  const shared = SHARED_USAGE_KEYS.find((k) => k.value === value);
  if (shared) return usagePlan(shared.plan);
  return SUPPLIER_USAGE_KEY_PATTERN.test(value) ? usagePlan('suppliers') : undefined;
}

/** The name of a region's usage plan (a stack's plans are found by this name: ADR 0036). */
export const usagePlanName = (apiName: string, id: UsagePlanId): string => `${apiName}-${id}`;
