/**
 * Lambda entry of the import worker (Imports queue, one job per message, partial batch
 * responses): runs an import from its checkpoint for up to its time budget, then hands over to a
 * fresh message (docs/imports.md).
 */
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DEFAULT_IMPORT_POLICY, isImportMessage, runImport, type ImportWorkerDeps } from '../../src/imports';
import { systemClock } from '../../src/shared/clock';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { importFiles, importJobStore, importQueue, ingestBatchSender, once } from '../../src/wiring';

const deps = once((): ImportWorkerDeps => ({
  importJobs: importJobStore(),
  importFiles: importFiles(),
  importQueue: importQueue(),
  ingest: ingestBatchSender(),
  clock: systemClock,
  ...DEFAULT_IMPORT_POLICY,
}));

const tally = new MetricTally(metrics);

const OUTCOME_METRICS = {
  completed: 'ImportJobsCompleted',
  failed: 'ImportJobsFailed',
  'handed-over': 'ImportJobsHandedOver',
  skipped: 'ImportMessagesSkipped',
  lost: 'ImportMessagesSuperseded',
} as const;

async function importBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    let message: unknown;
    try {
      message = JSON.parse(record.body);
    } catch {
      message = undefined;
    }
    if (!isImportMessage(message)) {
      // Can never succeed: dropped, counted and logged.
      tally.add('InvalidImportMessages', MetricUnit.Count);
      logger.error('dropping a malformed import message', { messageId: record.messageId });
      continue;
    }
    try {
      const outcome = await runImport(message, deps());
      tally.add(OUTCOME_METRICS[outcome.kind], MetricUnit.Count);
      if (outcome.kind === 'failed') {
        logger.warn('import failed', { importId: message.importId, error: outcome.job.error });
      }
    } catch (error) {
      tally.add('ImportJobErrors', MetricUnit.Count);
      logger.error('import interrupted, will be resumed from its checkpoint', {
        importId: message.importId,
        messageId: record.messageId,
        error: error as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

export const handleBatch = correlated(logger, publishingMetrics(tally, metrics, importBatch));

export const handler = middy(handleBatch).use(withLogging(logger));
