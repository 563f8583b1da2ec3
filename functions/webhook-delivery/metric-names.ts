/**
 * The metric each breaker transition emits (by the state it moves to). The names the dashboards
 * read come from the catalog (src/catalog/metrics.ts), so a rename moves both sides;
 * test/infra/alarms.spec.ts checks the synthesized dashboard against this table.
 */
import { SERVICE_METRICS } from '../../src/catalog/metrics';
import type { BreakerStatus } from '../../src/shared/circuit-breaker';

export const BREAKER_STATE_METRICS: Readonly<Record<BreakerStatus, string>> = {
  open: SERVICE_METRICS.webhookBreakerOpened,
  'half-open': SERVICE_METRICS.webhookBreakerHalfOpen,
  closed: SERVICE_METRICS.webhookBreakerClosed,
  disabled: SERVICE_METRICS.webhookBreakerDisabled,
};
