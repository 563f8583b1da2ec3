/**
 * Lambda entry of the PrivacyWorker: drains the Privacy queue, one erasure per message (batch size
 * 1), with partial batch responses. The erasure is idempotent step by step, so a failed or timed
 * out run is simply retried by SQS; after five tries it is in the DLQ (alarm,
 * runbooks/privacy-dlq-not-empty.md). Logs carry the erasure id, never the address.
 */
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseErasureMessage, runErasure, UnrunnableErasureError } from '../../src/privacy';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { runErasureDeps } from '../../src/wiring';

const tally = new MetricTally(metrics);

async function handleRecord(record: SQSRecord): Promise<void> {
  try {
    const tombstone = await runErasure(parseErasureMessage(record.body), runErasureDeps());
    tally.add('ErasureDone', MetricUnit.Count, 1);
    logger.info('erasure done', { erasureId: tombstone.erasureId, counts: tombstone.counts });
  } catch (error) {
    if (error instanceof UnrunnableErasureError) {
      // Nothing to erase by (malformed, or no tombstone): retrying cannot help.
      logger.error('dropping an erasure message that cannot run', {
        messageId: record.messageId,
        reason: error.reason,
      });
      tally.add('ErasureUnrunnable', MetricUnit.Count, 1);
      return;
    }
    tally.add('ErasureFailed', MetricUnit.Count, 1);
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
