/**
 * Lambda entry of the review-request mailer: drains the ReviewRequestEmails queue with partial
 * batch responses. Each message names one review request; the use case signs its link and
 * e-mails it to the couple through SES. SES failures are retried by SQS and end in the DLQ
 * (alarm, runbooks/review-request-emails-dlq-not-empty.md). The token is never logged.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PermanentMessageError } from '../../src/reviews/domain/review';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { SEND_OUTCOME_METRICS } from './metric-names';
import {
  emailSender,
  once,
  reviewLinkBaseUrl,
  reviewRequestRepository,
  reviewTokenKeys,
  tenantStore,
} from '../../src/wiring';
import {
  sendReviewRequestEmail,
  type SendReviewRequestEmailDeps,
} from '../../src/reviews/use-cases/send-review-request-email';

const tally = new MetricTally(metrics);

const deps = once((): SendReviewRequestEmailDeps => ({
  requests: reviewRequestRepository(),
  suppliers: tenantStore(),
  keys: reviewTokenKeys(),
  sender: emailSender('ReviewRequests'),
  clock: systemClock,
  linkBaseUrl: reviewLinkBaseUrl(),
}));

async function handleRecord(record: SQSRecord): Promise<void> {
  try {
    const outcome = await sendReviewRequestEmail(record.body, deps());
    tally.add(SEND_OUTCOME_METRICS[outcome], MetricUnit.Count, 1);
    // Ids and outcome only: the address is personal data and the link is a credential.
    logger.info('review request e-mail', { messageId: record.messageId, outcome });
  } catch (error) {
    if (error instanceof PermanentMessageError) {
      logger.error('dropping malformed review-request e-mail message', {
        messageId: record.messageId,
        reason: error.reason,
      });
      return;
    }
    tally.add('ReviewRequestEmailFailed', MetricUnit.Count, 1);
    throw error;
  }
}

export const handleBatch = correlated(
  logger,
  publishingMetrics(tally, metrics, (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
    }),
  ),
);

export const handler = middy(handleBatch).use(withLogging(logger));
