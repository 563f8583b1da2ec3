/**
 * Circuit breaker shared by every concurrent worker: per webhook endpoint (src/webhooks) and per
 * review platform (src/platforms, with its own config). Moved here from src/webhooks/domain so
 * both capabilities use one state machine; the webhook wording below is its first use.
 *
 * The state machine is pure (`decide`, `recordOutcome`); `acquire` and `report` run it against a
 * store with compare-and-set (DynamoDB: a conditional update on a version attribute), re-reading
 * and re-applying on a lost race, so concurrent workers agree on every transition.
 *
 * - closed: every delivery is sent. The breaker opens only for an endpoint that is really
 *   failing, not for one that fails part of its requests (ADR 0005, "Partial failure"): both
 *   - `openAfterConsecutiveFailures` (100) results in a row failed, with no success in between
 *     (whatever time they span: a low-volume endpoint that is down opens too), and
 *   - the failure rate of the sliding window (60 s buckets over 10 min) is >= `failureRateThreshold`
 *     (95 %): at high volume a run of 100 failures also happens to an endpoint that still gets a
 *     good share through (10 % success: about once in 370,000 attempts), and the rate tells them apart.
 *   An endpoint failing every other request never opens it, and one failing 90 % practically
 *   never does: those are degraded, not down, and each delivery runs its own bounded retry
 *   schedule instead. An endpoint failing 98 % or more opens it within a few hundred attempts.
 * - open: deliveries are deferred (not attempted, no attempt spent) until the cool-down ends.
 * - half-open: exactly one worker claims the probe (its compare-and-set wins); the others defer
 *   until the probe's lease ends. Probe success closes the breaker (window cleared); probe
 *   failure re-opens it with a longer cool-down (x2, capped). A probe whose worker died is
 *   re-claimable after its lease.
 * - disabled: an endpoint with no success for `disableAfterFailingMs` (5 days) at its latest
 *   failure, or one that answered 410 Gone. `report` returns `disabled` exactly once, to the
 *   worker whose write made the transition, so the endpoint.disabled event is emitted once.
 *
 * Counting: `rate-limited` results count as failures; `gone` disables at once.
 * Times are epoch milliseconds; the state is plain JSON (stored as is).
 */
import { randomUUID } from 'node:crypto';

export type BreakerStatus = 'closed' | 'open' | 'half-open' | 'disabled';
export type DisabledReason = 'gone' | 'failing';
export type ReportedOutcome = 'success' | 'failure' | 'rate-limited' | 'gone';

export interface WindowBucket {
  readonly startMs: number;
  readonly successes: number;
  readonly failures: number;
}

export interface BreakerState {
  readonly status: BreakerStatus;
  readonly buckets: readonly WindowBucket[];
  /** First failure since the last success; absent while the latest result was a success. */
  readonly failingSinceMs?: number;
  /**
   * Failures since the last success; absent while the latest result was a success (and in states
   * stored before this field existed, which then count from 0).
   */
  readonly consecutiveFailures?: number;
  readonly openedAtMs?: number;
  /** End of the current cool-down (status open). */
  readonly openUntilMs?: number;
  /** Times opened since the last close; the next cool-down is base * multiplier^openCount. */
  readonly openCount: number;
  /** The claimed probe (status half-open). */
  readonly probe?: {
    readonly id: string;
    readonly leaseUntilMs: number;
    /** When the probe was claimed (absent on states written before it was recorded). */
    readonly claimedAtMs?: number;
  };
  readonly disabledAtMs?: number;
  readonly disabledReason?: DisabledReason;
}

export interface BreakerConfig {
  readonly bucketMs: number;
  readonly windowMs: number;
  /** Opens only after this many failures in a row (no success in between)... */
  readonly openAfterConsecutiveFailures: number;
  /** ...and only while the window's failures / results >= this. */
  readonly failureRateThreshold: number;
  readonly baseCoolDownMs: number;
  readonly coolDownMultiplier: number;
  readonly maxCoolDownMs: number;
  /** How long a claimed probe blocks others; longer than one attempt's total timeout. */
  readonly probeLeaseMs: number;
  readonly disableAfterFailingMs: number;
  /**
   * Optional: the cool-down as a share of how long the target has been failing (clamped to
   * [baseCoolDownMs, maxCoolDownMs]) instead of base * multiplier^openCount. Recovery then costs at
   * most this share of the outage: short outages get quick probes, long ones back off (platforms).
   */
  readonly coolDownShareOfOutage?: number;
  /**
   * Optional: a failed probe's cool-down runs from when the probe was claimed, not from when it
   * failed, so a probe that hangs until its timeout does not stretch the time between probes
   * (probes then start at most one cool-down apart; never two at once). For targets whose outages
   * are often timeouts (platforms).
   */
  readonly coolDownFromProbeStart?: boolean;
}

export const DEFAULT_BREAKER_CONFIG: BreakerConfig = {
  bucketMs: 60_000,
  windowMs: 10 * 60_000,
  openAfterConsecutiveFailures: 100,
  failureRateThreshold: 0.95,
  baseCoolDownMs: 60_000,
  coolDownMultiplier: 2,
  maxCoolDownMs: 60 * 60_000,
  probeLeaseMs: 60_000,
  disableAfterFailingMs: 5 * 24 * 60 * 60_000,
};

export type BreakerDecision =
  | { readonly action: 'send'; readonly probe: false }
  | { readonly action: 'send'; readonly probe: true; readonly probeId: string }
  | {
      readonly action: 'defer';
      readonly untilMs: number;
      readonly reason: 'open' | 'probe-in-flight' | 'contention';
    }
  | { readonly action: 'disabled'; readonly reason: DisabledReason };

export function initialBreakerState(): BreakerState {
  return { status: 'closed', buckets: [], openCount: 0 };
}

// ---------------------------------------------------------------------------------------------
// Pure state machine

function pruneBuckets(
  buckets: readonly WindowBucket[],
  nowMs: number,
  config: BreakerConfig,
): WindowBucket[] {
  return buckets.filter((b) => b.startMs > nowMs - config.windowMs && b.startMs <= nowMs);
}

function addToWindow(
  buckets: readonly WindowBucket[],
  nowMs: number,
  failed: boolean,
  config: BreakerConfig,
): WindowBucket[] {
  const startMs = Math.floor(nowMs / config.bucketMs) * config.bucketMs;
  const kept = pruneBuckets(buckets, nowMs, config);
  const index = kept.findIndex((b) => b.startMs === startMs);
  const current = kept[index] ?? { startMs, successes: 0, failures: 0 };
  const updated: WindowBucket = {
    startMs,
    successes: current.successes + (failed ? 0 : 1),
    failures: current.failures + (failed ? 1 : 0),
  };
  if (index >= 0) kept[index] = updated;
  else kept.push(updated);
  return kept.sort((a, b) => a.startMs - b.startMs);
}

export interface WindowStats {
  readonly total: number;
  readonly failures: number;
  readonly failureRate: number;
}

export function windowStats(
  state: BreakerState,
  nowMs: number,
  config: BreakerConfig = DEFAULT_BREAKER_CONFIG,
): WindowStats {
  const buckets = pruneBuckets(state.buckets, nowMs, config);
  const failures = buckets.reduce((sum, b) => sum + b.failures, 0);
  const total = buckets.reduce((sum, b) => sum + b.failures + b.successes, 0);
  return { total, failures, failureRate: total === 0 ? 0 : failures / total };
}

function coolDownMs(state: BreakerState, nowMs: number, config: BreakerConfig): number {
  if (config.coolDownShareOfOutage !== undefined) {
    const outageMs = Math.max(0, nowMs - (state.failingSinceMs ?? nowMs));
    return Math.min(
      config.maxCoolDownMs,
      Math.max(config.baseCoolDownMs, outageMs * config.coolDownShareOfOutage),
    );
  }
  return Math.min(config.maxCoolDownMs, config.baseCoolDownMs * config.coolDownMultiplier ** state.openCount);
}

export interface DecideResult {
  readonly decision: BreakerDecision;
  /** When set, the decision holds only if this state is written (compare-and-set) first. */
  readonly next?: BreakerState;
}

/**
 * What to do with a delivery now. Sending while closed needs no write; claiming the probe does
 * (`next`), and only the worker whose write wins may send it.
 */
export function decide(
  state: BreakerState,
  nowMs: number,
  probeId: string,
  config: BreakerConfig = DEFAULT_BREAKER_CONFIG,
): DecideResult {
  switch (state.status) {
    case 'disabled':
      return { decision: { action: 'disabled', reason: state.disabledReason ?? 'failing' } };
    case 'closed':
      return { decision: { action: 'send', probe: false } };
    case 'open':
    case 'half-open': {
      if (state.status === 'open' && nowMs < (state.openUntilMs ?? 0)) {
        return { decision: { action: 'defer', untilMs: state.openUntilMs ?? nowMs, reason: 'open' } };
      }
      if (state.status === 'half-open' && state.probe && nowMs < state.probe.leaseUntilMs) {
        return {
          decision: { action: 'defer', untilMs: state.probe.leaseUntilMs, reason: 'probe-in-flight' },
        };
      }
      const next: BreakerState = {
        ...state,
        status: 'half-open',
        probe: { id: probeId, leaseUntilMs: nowMs + config.probeLeaseMs, claimedAtMs: nowMs },
      };
      return { decision: { action: 'send', probe: true, probeId }, next };
    }
  }
}

export interface RecordResult {
  readonly next: BreakerState;
  /** Set only on the transition into `disabled`. */
  readonly disabled?: DisabledReason;
}

/** Fold one delivery result into the state. `probeId` is set when the attempt was the probe. */
export function recordOutcome(
  state: BreakerState,
  nowMs: number,
  outcome: ReportedOutcome,
  probeId?: string,
  config: BreakerConfig = DEFAULT_BREAKER_CONFIG,
): RecordResult {
  if (state.status === 'disabled') return { next: state };
  const failed = outcome !== 'success';
  const buckets = addToWindow(state.buckets, nowMs, failed, config);
  const isCurrentProbe = state.status === 'half-open' && probeId !== undefined && state.probe?.id === probeId;

  if (outcome === 'gone') {
    return { next: disable({ ...state, buckets }, nowMs, 'gone'), disabled: 'gone' };
  }

  if (!failed) {
    const { failingSinceMs: _since, consecutiveFailures: _count, ...rest } = state;
    if (isCurrentProbe) {
      return { next: { status: 'closed', buckets: [], openCount: 0 } };
    }
    return { next: { ...rest, buckets } };
  }

  const failingSinceMs = state.failingSinceMs ?? nowMs;
  const failing: BreakerState = {
    ...state,
    buckets,
    failingSinceMs,
    consecutiveFailures: (state.consecutiveFailures ?? 0) + 1,
  };
  if (nowMs - failingSinceMs >= config.disableAfterFailingMs) {
    return { next: disable(failing, nowMs, 'failing'), disabled: 'failing' };
  }
  if (isCurrentProbe) {
    const probeStartMs = config.coolDownFromProbeStart ? state.probe?.claimedAtMs : undefined;
    return { next: open(failing, nowMs, config, probeStartMs) };
  }
  if (state.status === 'closed' && isReallyFailing(failing, nowMs, config)) {
    return { next: open(failing, nowMs, config) };
  }
  return { next: failing };
}

/** The rule that opens a closed breaker (see the header): a long run of failures and a window that agrees. */
export function isReallyFailing(
  state: BreakerState,
  nowMs: number,
  config: BreakerConfig = DEFAULT_BREAKER_CONFIG,
): boolean {
  return (
    (state.consecutiveFailures ?? 0) >= config.openAfterConsecutiveFailures &&
    windowStats(state, nowMs, config).failureRate >= config.failureRateThreshold
  );
}

/** Opens the breaker; its cool-down runs from `coolDownFromMs` (default: now), never ending before now. */
function open(
  state: BreakerState,
  nowMs: number,
  config: BreakerConfig,
  coolDownFromMs = nowMs,
): BreakerState {
  const { probe: _probe, ...rest } = state;
  return {
    ...rest,
    status: 'open',
    openedAtMs: nowMs,
    openUntilMs: Math.max(nowMs, Math.min(nowMs, coolDownFromMs) + coolDownMs(state, nowMs, config)),
    openCount: state.openCount + 1,
  };
}

function disable(state: BreakerState, nowMs: number, reason: DisabledReason): BreakerState {
  const { probe: _probe, openUntilMs: _until, ...rest } = state;
  return { ...rest, status: 'disabled', disabledAtMs: nowMs, disabledReason: reason };
}

// ---------------------------------------------------------------------------------------------
// Shared state through a compare-and-set store

export interface VersionedBreakerState {
  readonly state: BreakerState;
  /** Incremented by every successful compare-and-set; an absent record is version 0. */
  readonly version: number;
}

/**
 * Where the breaker state lives (DynamoDB in AWS: `get` is a strongly consistent read;
 * `compareAndSet` is a put/update with `ConditionExpression` on the version, or
 * `attribute_not_exists` for version 0).
 */
export interface BreakerStore {
  get(endpointId: string): Promise<VersionedBreakerState | undefined>;
  /** Write `next` as version expectedVersion + 1 if the stored version is still `expectedVersion`. */
  compareAndSet(endpointId: string, expectedVersion: number, next: BreakerState): Promise<boolean>;
}

export interface BreakerCallOptions {
  readonly nowMs: number;
  readonly config?: BreakerConfig;
  /** Compare-and-set rounds before giving up. Default 20. */
  readonly maxCasAttempts?: number;
}

async function load(store: BreakerStore, endpointId: string): Promise<VersionedBreakerState> {
  return (await store.get(endpointId)) ?? { state: initialBreakerState(), version: 0 };
}

/**
 * Ask whether a delivery to the endpoint may be sent now. A `send` with `probe: true` must be
 * followed by `report(..., probeId)`, or by `releaseProbe` when there is no result to report; a
 * `defer` means re-enqueue until `untilMs` without spending an attempt.
 */
export async function acquire(
  store: BreakerStore,
  endpointId: string,
  options: BreakerCallOptions & { readonly probeId?: string },
): Promise<BreakerDecision> {
  const config = options.config ?? DEFAULT_BREAKER_CONFIG;
  const probeId = options.probeId ?? randomUUID();
  const attempts = options.maxCasAttempts ?? 20;
  for (let i = 0; i < attempts; i++) {
    const { state, version } = await load(store, endpointId);
    const { decision, next } = decide(state, options.nowMs, probeId, config);
    if (!next) return decision;
    if (await store.compareAndSet(endpointId, version, next)) return decision;
  }
  return { action: 'defer', untilMs: options.nowMs + 1000, reason: 'contention' };
}

export interface ReportResult {
  /** False when every compare-and-set round lost (the result was not counted). */
  readonly recorded: boolean;
  readonly state: BreakerState;
  /** Set for exactly one reporter: the one whose write disabled the endpoint. */
  readonly disabled?: DisabledReason;
}

/** Record a delivery result (success, failure, rate-limited, gone) in the shared state. */
export async function report(
  store: BreakerStore,
  endpointId: string,
  outcome: ReportedOutcome,
  options: BreakerCallOptions & { readonly probeId?: string },
): Promise<ReportResult> {
  const config = options.config ?? DEFAULT_BREAKER_CONFIG;
  const attempts = options.maxCasAttempts ?? 20;
  let last: BreakerState = initialBreakerState();
  for (let i = 0; i < attempts; i++) {
    const { state, version } = await load(store, endpointId);
    last = state;
    const result = recordOutcome(state, options.nowMs, outcome, options.probeId, config);
    if (result.next === state) return { recorded: true, state };
    if (await store.compareAndSet(endpointId, version, result.next)) {
      return {
        recorded: true,
        state: result.next,
        ...(result.disabled ? { disabled: result.disabled } : {}),
      };
    }
  }
  return { recorded: false, state: last };
}

/**
 * The state after giving a claimed probe back without a result: half-open with no probe, so the next
 * caller claims one at once instead of waiting out the lease. Unchanged when `probeId` is no longer
 * the current probe (its result was reported, or its lease ran out and another caller took over).
 */
export function releasedProbe(state: BreakerState, probeId: string): BreakerState {
  if (state.status !== 'half-open' || state.probe?.id !== probeId) return state;
  const { probe: _probe, ...rest } = state;
  return rest;
}

/**
 * Gives a probe back that was claimed (`acquire`) and will not be reported: the call it was for
 * never went out, or ended on our side without an answer to count. A no-op once it was reported,
 * so a caller can release in a `finally` after every probe. True when the stored state no longer
 * holds the probe; false when every compare-and-set round lost (the lease still bounds it).
 */
export async function releaseProbe(
  store: BreakerStore,
  endpointId: string,
  probeId: string,
  maxCasAttempts = 20,
): Promise<boolean> {
  for (let i = 0; i < maxCasAttempts; i++) {
    const { state, version } = await load(store, endpointId);
    const next = releasedProbe(state, probeId);
    if (next === state) return true;
    if (await store.compareAndSet(endpointId, version, next)) return true;
  }
  return false;
}

/** Re-enabling an endpoint starts it from a closed breaker with an empty window. */
export async function resetBreaker(
  store: BreakerStore,
  endpointId: string,
  maxCasAttempts = 20,
): Promise<boolean> {
  for (let i = 0; i < maxCasAttempts; i++) {
    const { version } = await load(store, endpointId);
    if (await store.compareAndSet(endpointId, version, initialBreakerState())) return true;
  }
  return false;
}

/** A BreakerStore in memory (tests, and a reference for the DynamoDB implementation). */
export class InMemoryBreakerStore implements BreakerStore {
  private readonly records = new Map<string, VersionedBreakerState>();

  async get(endpointId: string): Promise<VersionedBreakerState | undefined> {
    const record = this.records.get(endpointId);
    return record === undefined ? undefined : structuredClone(record);
  }

  async compareAndSet(endpointId: string, expectedVersion: number, next: BreakerState): Promise<boolean> {
    const currentVersion = this.records.get(endpointId)?.version ?? 0;
    if (currentVersion !== expectedVersion) return false;
    this.records.set(endpointId, { state: structuredClone(next), version: expectedVersion + 1 });
    return true;
  }
}
