/**
 * The circuit breaker of a review platform (one per platform, shared by every sync and reply
 * worker): the shared breaker state machine (src/shared/circuit-breaker.ts) with a config that
 * meets "< 5 s recovery from platform outages":
 * - it opens after a few retry-later failures in a row (most calls of a platform fail together
 *   when it is down, unlike webhook endpoints);
 * - the cool-down is 1/20 of the outage so far, at least 1 s and at most 60 s: during the first
 *   minute of an outage a probe goes out every 1-3 s, so after a short outage the first successful
 *   call comes within ~3 s (+ the 1 s granularity of SQS delays) of the platform being healthy;
 *   after a long one within one cool-down (<= 60 s);
 * - while open nothing is called except the single probe (half-open); everything else is deferred;
 * - a platform is never disabled (unlike an endpoint): it is someone else's service, we wait.
 * Only `retry-later` failures count: a rate-limited, refused or unsupported call got an answer
 * from a healthy platform.
 */
import type {
  BreakerConfig,
  BreakerDecision,
  BreakerState,
  ReportedOutcome,
} from '../../shared/circuit-breaker';
import type { ConnectedPlatform, PlatformFailureKind } from './platform';

/**
 * The longest timeout of the functions that call platforms through the gate (SyncWorker, ReplyWorker):
 * the catalog's figures, checked against it by test/unit/platforms/sync-rules.test.ts.
 */
export const PROBING_FUNCTION_TIMEOUT_SECONDS = 60;

export const PLATFORM_BREAKER_CONFIG: BreakerConfig = {
  bucketMs: 10_000,
  windowMs: 60_000,
  openAfterConsecutiveFailures: 3,
  failureRateThreshold: 0.5,
  baseCoolDownMs: 1_000,
  coolDownMultiplier: 1,
  coolDownShareOfOutage: 1 / 20,
  maxCoolDownMs: 60_000,
  // Longer than the longest invocation of a function that claims probes (SyncWorker: 60 s), so a
  // live probe is never joined by a second one (a probe attempt can make several 10 s calls: a
  // token refresh, the retry after it, a targeted sync's gets). Every attempt gives back a probe it
  // did not report when it ends (platform-gate.ts), so only an invocation that dies holding one
  // leaves the breaker waiting for the lease.
  probeLeaseMs: PROBING_FUNCTION_TIMEOUT_SECONDS * 1000 + 5_000,
  disableAfterFailingMs: Number.POSITIVE_INFINITY,
  // A platform that times out holds the probe for the client's 10 s timeout: counting the cool-down
  // from the probe's start keeps probes one cool-down apart, so recovery stays within one cool-down.
  coolDownFromProbeStart: true,
};

/** While another worker's probe is in flight, look again this soon (the probe may fail fast). */
export const PROBE_WAIT_MS = 1_000;

/** The breaker's key for a platform. */
export const platformBreakerId = (platform: ConnectedPlatform): string => platform;

/** What a call's result tells the platform's breaker. */
export function breakerOutcome(failure: PlatformFailureKind | undefined): ReportedOutcome {
  return failure === 'retry-later' ? 'failure' : 'success';
}

/** Why a call waits for the breaker (a deferral, never a failure). */
export type BreakerWaitReason = 'breaker-open' | 'probe-in-flight';

/**
 * How long a call the breaker did not let through waits, and why: until the cool-down ends while
 * open; at most PROBE_WAIT_MS while another worker's probe is out (it may fail fast and re-open
 * the breaker with a short cool-down); a platform breaker is never disabled, but a state that
 * says so waits the longest cool-down. Undefined when the call may go (`send`).
 */
export function breakerWait(
  decision: BreakerDecision,
  nowMs: number,
): { readonly reason: BreakerWaitReason; readonly delayMs: number } | undefined {
  switch (decision.action) {
    case 'send':
      return undefined;
    case 'disabled':
      return { reason: 'breaker-open', delayMs: PLATFORM_BREAKER_CONFIG.maxCoolDownMs };
    case 'defer':
      return decision.reason === 'open'
        ? { reason: 'breaker-open', delayMs: Math.max(0, decision.untilMs - nowMs) }
        : {
            reason: 'probe-in-flight',
            delayMs: Math.min(Math.max(decision.untilMs - nowMs, 0), PROBE_WAIT_MS),
          };
  }
}

/**
 * Whether a call's result must be written to the shared breaker: every failure, the probe's
 * result, and a success that changes something (a breaker not closed, or failures to forget).
 * A success on a healthy platform writes nothing: the common case costs no write.
 */
export function breakerReportNeeded(before: BreakerState, outcome: ReportedOutcome, probe: boolean): boolean {
  return (
    outcome !== 'success' || probe || before.status !== 'closed' || before.consecutiveFailures !== undefined
  );
}
