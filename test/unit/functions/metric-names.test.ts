/**
 * The metric names two handlers build per state or outcome are the catalog's names the dashboards
 * read (issue 10): the webhook delivery worker per breaker transition, the review-request mailer per
 * outcome. The tables are what the handlers pass to their tally; a name typed by hand on either
 * side fails here (and test/infra/alarms.spec.ts checks the synthesized dashboards against them).
 */
import { SERVICE_METRICS } from '../../../src/catalog/metrics';
import { BREAKER_STATE_METRICS } from '../../../functions/webhook-delivery/metric-names';
import { SEND_OUTCOME_METRICS } from '../../../functions/review-request-mailer/metric-names';

it('emits the catalog’s breaker names for the transitions the dashboard draws, one name per state', () => {
  expect(BREAKER_STATE_METRICS.open).toBe(SERVICE_METRICS.webhookBreakerOpened);
  expect(BREAKER_STATE_METRICS['half-open']).toBe(SERVICE_METRICS.webhookBreakerHalfOpen);
  expect(BREAKER_STATE_METRICS.closed).toBe(SERVICE_METRICS.webhookBreakerClosed);
  const names = Object.values(BREAKER_STATE_METRICS);
  expect(new Set(names).size).toBe(names.length);
});

it('emits the catalog’s sent name for a sent review-request e-mail, and another name for every other outcome', () => {
  expect(SEND_OUTCOME_METRICS.sent).toBe(SERVICE_METRICS.reviewRequestsSent);
  const names = Object.values(SEND_OUTCOME_METRICS);
  expect(new Set(names).size).toBe(names.length);
});
