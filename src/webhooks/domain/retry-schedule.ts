/**
 * When to try a webhook delivery again, and how to wait that long with SQS.
 *
 * Schedule (after the first, immediate attempt): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, i.e.
 * eight attempts over about 27.6 hours, then `exhausted`. Each delay gets ±10 % jitter from the
 * injected random source (so endpoints recovering from an outage are not hit in lockstep).
 *
 * Retry-After (429/503): the next delay is max(jittered schedule step, Retry-After), capped at
 * 24 h. The schedule step is a floor: a receiver asking for 1 s after our third failure does not
 * pull the retry earlier than the schedule, and a receiver asking for a longer pause gets it, up
 * to the cap. Honouring Retry-After never adds attempts: the attempt count still ends the schedule.
 *
 * SQS delays stop at 15 minutes (`DelaySeconds` <= 900). Decision 0003 chooses how longer waits
 * are made durable: the message is re-enqueued in hops of at most 900 s carrying its due time,
 * and a worker that receives it before it is due sends it on again (`planWait`).
 */

/** Delays after attempt 1, 2, ... (seconds). */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
export const DEFAULT_JITTER_RATIO = 0.1;
export const MAX_RETRY_DELAY_SECONDS = 24 * 60 * 60;
/** The SQS `DelaySeconds` ceiling. */
export const SQS_MAX_DELAY_SECONDS = 900;

export interface RetryPolicy {
  readonly scheduleSeconds: readonly number[];
  /** Fraction of each delay used as symmetric jitter: 0.1 means ±10 %. */
  readonly jitterRatio: number;
  /** No delay (Retry-After included) exceeds this. */
  readonly maxDelaySeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  scheduleSeconds: RETRY_SCHEDULE_SECONDS,
  jitterRatio: DEFAULT_JITTER_RATIO,
  maxDelaySeconds: MAX_RETRY_DELAY_SECONDS,
};

/** Uniform in [0, 1), like Math.random; injected so tests are deterministic. */
export type RandomSource = () => number;

export interface NextAttemptInput {
  /** Attempts made so far, including the one that just failed (>= 1). */
  readonly attemptsMade: number;
  /** Epoch ms of the failure. */
  readonly nowMs: number;
  readonly random: RandomSource;
  /** Parsed (and already bounded) Retry-After of a 429/503, if any. */
  readonly retryAfterSeconds?: number;
  readonly policy?: RetryPolicy;
}

export type NextAttempt =
  | {
      readonly kind: 'retry';
      /** Number of the next attempt (2 for the first retry). */
      readonly attempt: number;
      readonly delaySeconds: number;
      readonly dueAtMs: number;
      /** True when Retry-After made the delay longer than the schedule step. */
      readonly retryAfterApplied: boolean;
    }
  | { readonly kind: 'exhausted'; readonly attemptsMade: number };

/** The jittered delay for one schedule step, in whole seconds (at least 1). */
export function jitteredDelaySeconds(baseSeconds: number, jitterRatio: number, random: RandomSource): number {
  const r = Math.min(Math.max(random(), 0), 1);
  const factor = 1 + jitterRatio * (2 * r - 1);
  return Math.max(1, Math.round(baseSeconds * factor));
}

/** The next attempt after a failed (or rate-limited) one, or `exhausted`. */
export function nextAttempt(input: NextAttemptInput): NextAttempt {
  const policy = input.policy ?? DEFAULT_RETRY_POLICY;
  if (!Number.isInteger(input.attemptsMade) || input.attemptsMade < 1) {
    throw new Error('attemptsMade must be an integer >= 1');
  }
  const step = policy.scheduleSeconds[input.attemptsMade - 1];
  if (step === undefined) return { kind: 'exhausted', attemptsMade: input.attemptsMade };
  const scheduled = Math.min(
    jitteredDelaySeconds(step, policy.jitterRatio, input.random),
    policy.maxDelaySeconds,
  );
  const retryAfter =
    input.retryAfterSeconds === undefined
      ? 0
      : Math.min(Math.ceil(input.retryAfterSeconds), policy.maxDelaySeconds);
  const delaySeconds = Math.max(scheduled, retryAfter);
  return {
    kind: 'retry',
    attempt: input.attemptsMade + 1,
    delaySeconds,
    dueAtMs: input.nowMs + delaySeconds * 1000,
    retryAfterApplied: retryAfter > scheduled,
  };
}

export interface DelaySplit {
  /** `DelaySeconds` for this hop, 0..900. */
  readonly delaySeconds: number;
  /** What is left after this hop; 0 when this hop reaches the due time. */
  readonly remainingSeconds: number;
  /** Hops needed in total, this one included. */
  readonly hops: number;
}

/** Split a wait into an SQS hop of at most 900 s and the remainder. */
export function splitDelay(seconds: number, maxStepSeconds: number = SQS_MAX_DELAY_SECONDS): DelaySplit {
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error('seconds must be a finite number >= 0');
  const total = Math.ceil(seconds);
  const delaySeconds = Math.min(total, maxStepSeconds);
  return {
    delaySeconds,
    remainingSeconds: total - delaySeconds,
    hops: Math.max(1, Math.ceil(total / maxStepSeconds)),
  };
}

export type WaitPlan =
  /** Due: deliver now. */
  | { readonly action: 'deliver' }
  /** Not yet due: send the same message again (same webhook-id, same due time) with this DelaySeconds. */
  | { readonly action: 'wait'; readonly delaySeconds: number; readonly remainingAfterHopSeconds: number };

/**
 * What a worker does with a delivery message that carries `dueAtMs`: deliver if due, otherwise
 * re-enqueue it with `DelaySeconds` = min(900, time left, rounded up). SQS never delivers a
 * delayed message early, so the delivery happens at or after `dueAtMs`, never before.
 */
export function planWait(
  dueAtMs: number,
  nowMs: number,
  maxStepSeconds: number = SQS_MAX_DELAY_SECONDS,
): WaitPlan {
  const remainingMs = dueAtMs - nowMs;
  if (remainingMs <= 0) return { action: 'deliver' };
  const split = splitDelay(remainingMs / 1000, maxStepSeconds);
  return {
    action: 'wait',
    delaySeconds: split.delaySeconds,
    remainingAfterHopSeconds: split.remainingSeconds,
  };
}
