/**
 * How fast a revoked or deleted API key stops working (ADR 0010). Two caches sit between the
 * Tenants table and a request: API Gateway's authorizer result cache (`authorizerCacheSeconds`
 * in cdk.json) and the authorizer container's own cache (`KEY_CACHE_SECONDS`). Their sum is the
 * worst case, and the synth refuses a configuration whose sum exceeds the documented bound.
 * The local mode has no API Gateway cache: there the container cache alone applies (4 s, so a
 * revoked key is refused within 5 s).
 */

/** How long the authorizer container trusts a looked-up key before reading the table again. */
// 4 s, not 5: with a request's own latency on top, a revoked key is refused within 5 s locally.
export const KEY_CACHE_SECONDS = 4;

/** The documented bound: a revoked key stops working within this many seconds in AWS. */
export const REVOCATION_BOUND_SECONDS = 60;

/** The largest API Gateway authorizer cache TTL that keeps revocation within the bound. */
export const MAX_AUTHORIZER_CACHE_SECONDS = REVOCATION_BOUND_SECONDS - KEY_CACHE_SECONDS;
