/**
 * Lambda entry of the import worker (Imports queue, one job per message, partial batch
 * responses): runs an import from its checkpoint for up to its time budget, then hands over to a
 * fresh message (docs/imports.md).
 */
import middy from '@middy/core';
import { correlated, withLogging } from '../../src/shared/logging';
import { DEFAULT_IMPORT_POLICY, isImportMessage, runImport, type ImportWorkerDeps } from '../../src/imports';
import { systemClock } from '../../src/shared/clock';
import { jobBatchHandler } from '../../src/shared/job-batch';
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

const importBatch = jobBatchHandler(tally, {
  noun: 'import',
  isMessage: isImportMessage,
  run: (message) => runImport(message, deps()),
  idsOf: (message) => ({ importId: message.importId }),
  failureOf: (outcome) => (outcome.kind === 'failed' ? outcome.job.error : undefined),
  metrics: {
    invalid: 'InvalidImportMessages',
    errors: 'ImportJobErrors',
    outcomes: {
      completed: 'ImportJobsCompleted',
      failed: 'ImportJobsFailed',
      'handed-over': 'ImportJobsHandedOver',
      skipped: 'ImportMessagesSkipped',
      lost: 'ImportMessagesSuperseded',
    },
  },
});

export const handleBatch = correlated(logger, publishingMetrics(tally, metrics, importBatch));

export const handler = middy(handleBatch).use(withLogging(logger));
