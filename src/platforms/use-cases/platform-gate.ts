/**
 * The gate every platform call passes, shared with the SyncWorker's rules: the platform's circuit
 * breaker and the token buckets (platform app + location), both shared by every concurrent worker.
 * 1. `admit`: read the breaker (no write): open, or another worker's probe out -> wait; take the
 *    tokens (all or none) -> none: wait as long as the buckets say; a breaker past its cool-down
 *    -> claim the probe (compare-and-set: only the winner calls, the others wait).
 * 2. `take`: one more token for a second call of the same attempt (the retry after a refresh).
 * 3. `report`: the call's result into the breaker (only `retry-later` is a failure: a 4xx, a 429 or
 *    a refused token came from a healthy platform), written only when it changes something; a 429
 *    drains the app bucket for the platform's wait.
 * 4. `releaseUnreportedProbe`, after every admitted attempt: a probe claimed and not reported is
 *    given back, so the breaker never waits out a lease for a call that did not go out.
 * A wait is never a failure: the caller re-sends its message with a delay.
 */
import {
  acquire,
  decide,
  initialBreakerState,
  releaseProbe,
  report,
  type BreakerState,
  type BreakerStore,
} from '../../shared/circuit-breaker';
import type { Clock } from '../../shared/clock';
import type { ConnectedPlatform, PlatformFailure } from '../domain/platform';
import {
  breakerOutcome,
  breakerReportNeeded,
  breakerWait,
  PLATFORM_BREAKER_CONFIG,
  platformBreakerId,
  type BreakerWaitReason,
} from '../domain/platform-breaker';
import { appBucket } from '../domain/quota-policy';
import type { CallGate, RateLimiter } from '../ports';

export interface PlatformGateDeps {
  readonly limiter: RateLimiter;
  readonly breakers: BreakerStore;
  readonly clock: Clock;
}

export type GateWaitReason = BreakerWaitReason | 'quota';

export type Admission =
  | {
      readonly kind: 'admitted';
      /** Set when this call is the breaker's probe: its result closes or re-opens the breaker. */
      readonly probeId?: string;
      /** The breaker as read before the call. */
      readonly before: BreakerState;
      /** When it was read (epoch ms). */
      readonly breakerReadAtMs: number;
    }
  | { readonly kind: 'wait'; readonly reason: GateWaitReason; readonly delayMs: number };

export async function admit(
  deps: PlatformGateDeps,
  platform: ConnectedPlatform,
  buckets: readonly string[],
  cost = 1,
): Promise<Admission> {
  const id = platformBreakerId(platform);
  const nowMs = deps.clock.now().getTime();
  const before = (await deps.breakers.get(id))?.state ?? initialBreakerState();
  const peek = decide(before, nowMs, 'peek', PLATFORM_BREAKER_CONFIG).decision;
  const closedWait = breakerWait(peek, nowMs);
  if (closedWait) return { kind: 'wait', ...closedWait };

  const tokens = await take(deps, buckets, cost);
  if (tokens) return tokens;

  if (peek.action === 'send' && peek.probe) {
    const claimed = await acquire(deps.breakers, id, {
      nowMs: deps.clock.now().getTime(),
      config: PLATFORM_BREAKER_CONFIG,
    });
    const lost = breakerWait(claimed, deps.clock.now().getTime());
    if (lost) return { kind: 'wait', ...lost };
    return {
      kind: 'admitted',
      before,
      breakerReadAtMs: nowMs,
      ...(claimed.action === 'send' && claimed.probe ? { probeId: claimed.probeId } : {}),
    };
  }
  return { kind: 'admitted', before, breakerReadAtMs: nowMs };
}

/** What the audit records of an admission: when the breaker was read, and whether the call is its probe. */
export function gateOf(admission: Extract<Admission, { kind: 'admitted' }>): CallGate {
  const { breakerReadAtMs, probeId } = admission;
  return { breakerReadAtMs, probe: probeId !== undefined, ...(probeId !== undefined ? { probeId } : {}) };
}

/** Takes `cost` tokens from every bucket (all or none); the wait when they are not there. */
export async function take(
  deps: PlatformGateDeps,
  buckets: readonly string[],
  cost = 1,
): Promise<Extract<Admission, { kind: 'wait' }> | undefined> {
  const taken = await deps.limiter.take(buckets, cost, deps.clock.now().getTime());
  return taken.ok ? undefined : { kind: 'wait', reason: 'quota', delayMs: taken.waitMs };
}

/** The call's result into the shared breaker (and a 429 into the app bucket); the breaker after it. */
export async function reportCall(
  deps: PlatformGateDeps,
  platform: ConnectedPlatform,
  admission: Extract<Admission, { kind: 'admitted' }>,
  failure: PlatformFailure | undefined,
): Promise<BreakerState> {
  const nowMs = deps.clock.now().getTime();
  if (failure?.kind === 'rate-limited') {
    await deps.limiter.tighten(appBucket(platform), nowMs + failure.waitMs, nowMs);
  }
  const outcome = breakerOutcome(failure?.kind);
  if (!breakerReportNeeded(admission.before, outcome, admission.probeId !== undefined)) {
    return admission.before;
  }
  const result = await report(deps.breakers, platformBreakerId(platform), outcome, {
    nowMs,
    config: PLATFORM_BREAKER_CONFIG,
    ...(admission.probeId ? { probeId: admission.probeId } : {}),
  });
  return result.state;
}

/**
 * Run after an admitted attempt, however it ended: gives its probe back if it was claimed and not
 * reported (a wait for tokens after a refresh, credentials that failed before the call, our own
 * store or queue failing), so the next caller probes at once instead of after the lease. A no-op for
 * a reported probe; one read per probe, nothing for other calls. Best effort: if the store fails
 * here too, the lease ends the claim, and the attempt's own error is what the caller sees.
 */
export async function releaseUnreportedProbe(
  deps: PlatformGateDeps,
  platform: ConnectedPlatform,
  admission: Extract<Admission, { kind: 'admitted' }> | undefined,
): Promise<void> {
  if (admission?.probeId === undefined) return;
  try {
    await releaseProbe(deps.breakers, platformBreakerId(platform), admission.probeId);
  } catch {
    // Left to the lease (PLATFORM_BREAKER_CONFIG.probeLeaseMs).
  }
}
