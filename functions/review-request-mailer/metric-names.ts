/**
 * The metric each outcome of a review-request e-mail emits. `sent` is the one the global dashboard
 * and the ops page read (conversion = completed / sent), so it comes from the catalog
 * (src/catalog/metrics.ts); test/infra/alarms.spec.ts checks the synthesized dashboard against it.
 * The others are counted for operators only and keep their historical names.
 */
import { SERVICE_METRICS } from '../../src/catalog/metrics';
import type { SendOutcome } from '../../src/reviews/use-cases/send-review-request-email';

export const SEND_OUTCOME_METRICS: Readonly<Record<SendOutcome, string>> = {
  sent: SERVICE_METRICS.reviewRequestsSent,
  'already-sent': 'ReviewRequestEmail_already-sent',
  gone: 'ReviewRequestEmail_gone',
  expired: 'ReviewRequestEmail_expired',
  rejected: 'ReviewRequestEmail_rejected',
  'not-email': 'ReviewRequestEmail_not-email',
};
