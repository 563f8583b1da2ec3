/**
 * Token-bucket arithmetic, pure: the DynamoDB rate limiter (adapters/dynamo-rate-limiter.ts) stores
 * one `BucketState` per bucket and runs these functions inside a compare-and-set, so every worker
 * shares each bucket. Times are epoch milliseconds.
 */

/** How a bucket fills: `capacity` tokens at most (the burst), `refillPerSecond` added continuously. */
export interface BucketPolicy {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

export interface BucketState {
  readonly tokens: number;
  /** The instant `tokens` was true at; refill counts from here (it may lie in the future: drained). */
  readonly asOfMs: number;
}

/** A bucket never seen before is full. */
export const fullBucket = (policy: BucketPolicy, nowMs: number): BucketState => ({
  tokens: policy.capacity,
  asOfMs: nowMs,
});

/** The tokens there are at `nowMs` (none before `asOfMs`, which a drained bucket sets in the future). */
export function tokensAt(state: BucketState, policy: BucketPolicy, nowMs: number): number {
  if (nowMs <= state.asOfMs) return Math.min(state.tokens, policy.capacity);
  const refilled = ((nowMs - state.asOfMs) / 1000) * policy.refillPerSecond;
  return Math.min(policy.capacity, state.tokens + refilled);
}

export type TakeResult =
  { readonly ok: true; readonly next: BucketState } | { readonly ok: false; readonly waitMs: number };

/**
 * Takes `cost` tokens at `nowMs`, or says how long until they would be there. A cost above the
 * capacity can never be met: that is a caller's bug, reported as an error rather than a wait forever.
 */
export function takeTokens(
  state: BucketState,
  policy: BucketPolicy,
  cost: number,
  nowMs: number,
): TakeResult {
  if (cost > policy.capacity) {
    throw new RangeError(`cost ${cost} exceeds the bucket capacity ${policy.capacity}`);
  }
  const available = tokensAt(state, policy, nowMs);
  if (available >= cost) {
    return { ok: true, next: { tokens: available - cost, asOfMs: Math.max(nowMs, state.asOfMs) } };
  }
  // Before a drained bucket's `asOfMs` nothing refills; after it, the missing tokens at the refill rate.
  const startMs = Math.max(nowMs, state.asOfMs);
  const startTokens = nowMs < state.asOfMs ? Math.min(state.tokens, policy.capacity) : available;
  const missing = cost - startTokens;
  const waitMs = startMs - nowMs + Math.ceil((missing / policy.refillPerSecond) * 1000);
  return { ok: false, waitMs: Math.max(1, waitMs) };
}

/** Drains the bucket until `untilMs` (the platform said there is no room before then). */
export function drainUntil(state: BucketState, untilMs: number): BucketState {
  if (state.asOfMs >= untilMs && state.tokens === 0) return state;
  return { tokens: 0, asOfMs: Math.max(untilMs, state.asOfMs) };
}
