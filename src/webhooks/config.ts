/**
 * Webhook delivery settings, read from the environment in this one module.
 *
 * - WEBHOOKS_ALLOW_LOOPBACK=true: allow loopback addresses and plain http endpoint URLs. Off by
 *   default; only the local mode (local/stack.ts) and tests set it.
 * - WEBHOOK_ROTATION_OVERLAP_SECONDS: how long the previous secret keeps signing after a
 *   rotation (default 86400).
 * - WEBHOOK_TIMEOUT_MS: total time of one attempt (default 10000); the connect timeout is
 *   min(5000, this).
 * - WEBHOOK_MAX_ENDPOINTS_PER_SUPPLIER: endpoints one supplier may register (default 20).
 * - WEBHOOK_REPLAYS_PER_HOUR: replay jobs per endpoint per sliding hour (default 10).
 * - WEBHOOK_REPLAY_TIME_BUDGET_MS: how long one ReplayWorker invocation works on a job before it
 *   hands over to a fresh message (default 20000; well inside the function's timeout).
 * - WEBHOOK_RETRY_SCALE (TEST ONLY): multiplies the retry schedule (5 s .. 10 h) so that the
 *   local-mode integration tests run the whole schedule in seconds. Default 1; never set it in a
 *   deployment. The unit tests cover the real schedule with a fake clock.
 */
import { DEFAULT_BREAKER_CONFIG, type BreakerConfig } from './domain/circuit-breaker';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_TOTAL_TIMEOUT_MS,
  type HttpDeliveryOptions,
} from './adapters/http-delivery';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './domain/retry-schedule';
import { DEFAULT_ROTATION_OVERLAP_SECONDS } from './domain/signing';
import type { ResolveOptions } from './domain/ssrf';
import { DEFAULT_REPLAY_POLICY, type ReplayPolicy } from './domain/replay-job';
import { numberEnv, optionalEnv } from '../shared/env';

export interface WebhookConfig {
  readonly policy: ResolveOptions;
  readonly retryPolicy: RetryPolicy;
  readonly breaker: BreakerConfig;
  readonly http: HttpDeliveryOptions;
  readonly rotationOverlapSeconds: number;
  /** How far back a replay may reach (and how long the event log keeps events). */
  readonly replayMaxDays: number;
  readonly replay: ReplayPolicy;
  readonly maxEndpointsPerSupplier: number;
}

export const DEFAULT_MAX_ENDPOINTS_PER_SUPPLIER = 20;

export const REPLAY_MAX_DAYS = 14;

export function webhookConfigFromEnv(): WebhookConfig {
  const allowLoopback = optionalEnv('WEBHOOKS_ALLOW_LOOPBACK') === 'true';
  const scale = numberEnv('WEBHOOK_RETRY_SCALE', 1);
  if (!(scale > 0 && scale <= 1)) throw new Error('WEBHOOK_RETRY_SCALE must be in (0, 1]');
  const totalTimeoutMs = numberEnv('WEBHOOK_TIMEOUT_MS', DEFAULT_TOTAL_TIMEOUT_MS);
  return {
    policy: { allowLoopback, allowHttp: allowLoopback },
    retryPolicy: {
      ...DEFAULT_RETRY_POLICY,
      scheduleSeconds: DEFAULT_RETRY_POLICY.scheduleSeconds.map((s) => s * scale),
    },
    // The probe's lease must outlast one attempt, whatever the timeout.
    breaker: {
      ...DEFAULT_BREAKER_CONFIG,
      probeLeaseMs: Math.max(DEFAULT_BREAKER_CONFIG.probeLeaseMs, totalTimeoutMs + 5000),
    },
    http: {
      totalTimeoutMs,
      connectTimeoutMs: Math.min(DEFAULT_CONNECT_TIMEOUT_MS, totalTimeoutMs),
    },
    rotationOverlapSeconds: numberEnv('WEBHOOK_ROTATION_OVERLAP_SECONDS', DEFAULT_ROTATION_OVERLAP_SECONDS),
    replayMaxDays: REPLAY_MAX_DAYS,
    replay: {
      ...DEFAULT_REPLAY_POLICY,
      perHour: positiveInteger('WEBHOOK_REPLAYS_PER_HOUR', DEFAULT_REPLAY_POLICY.perHour),
      timeBudgetMs: positiveInteger('WEBHOOK_REPLAY_TIME_BUDGET_MS', DEFAULT_REPLAY_POLICY.timeBudgetMs),
    },
    maxEndpointsPerSupplier: positiveInteger(
      'WEBHOOK_MAX_ENDPOINTS_PER_SUPPLIER',
      DEFAULT_MAX_ENDPOINTS_PER_SUPPLIER,
    ),
  };
}

function positiveInteger(name: string, fallback: number): number {
  const value = numberEnv(name, fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0`);
  return value;
}
