/**
 * Usage identifier keys (issue 12, ADR 0036): the API Gateway API key value the authorizer returns
 * as `usageIdentifierKey`, so that the REST API's usage plans meter each supplier on its own.
 * A supplier's key is `wsu_` and 40 random hex digits (src/catalog/usage-plans.ts
 * `SUPPLIER_USAGE_KEY_PATTERN`), one per supplier, shared by all its API keys. It is not a
 * credential (the API's key source is AUTHORIZER: no caller can present one), but it is kept out of
 * logs and answers like one: only the authorizer's policy carries it.
 */
import { randomBytes } from 'node:crypto';
import { sharedUsageKey } from '../../catalog/usage-plans';

export const USAGE_KEY_PREFIX = 'wsu_';

export function issueUsageKey(): string {
  return `${USAGE_KEY_PREFIX}${randomBytes(20).toString('hex')}`;
}

/** Who is calling, as far as metering goes. */
export type MeteredCaller =
  | { readonly kind: 'supplier'; readonly usageKey?: string }
  | { readonly kind: 'ops' }
  | { readonly kind: 'review-token' };

/**
 * The usage identifier key for a caller: a supplier's own key; the shared key of its kind for
 * operators and review links; the shared `unassigned-suppliers` key for a supplier whose API key
 * was stored before ADR 0036 without one (until `usage-keys backfill` gives it one).
 */
export function usageIdentifierKeyFor(caller: MeteredCaller): string {
  if (caller.kind === 'ops') return sharedUsageKey('operators').value;
  if (caller.kind === 'review-token') return sharedUsageKey('review-links').value;
  return caller.usageKey ?? sharedUsageKey('unassigned-suppliers').value;
}
