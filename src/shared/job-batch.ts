/**
 * The SQS consumer of a long-running job queue (imports, replays): one job per message, run in
 * turn (a job uses its whole time budget), with partial batch responses (Powertools batch).
 * - A message that is not a job can never succeed: dropped, counted and logged (not retried).
 * - Each outcome is counted under its metric; a failed job is logged with its reason.
 * - A run that throws is counted and logged, and its message alone is retried by SQS: the job
 *   resumes from its own checkpoint.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { MetricTally } from './metric-tally';
import { logger } from './powertools';

export interface JobQueue<M, K extends string, O extends { readonly kind: K }> {
  /** What a job is called in logs: `import`, `replay job`. */
  readonly noun: string;
  readonly isMessage: (value: unknown) => value is M;
  readonly run: (message: M) => Promise<O>;
  /** The ids a log line about the message carries (never personal data). */
  readonly idsOf: (message: M) => Record<string, string>;
  /** Why a job failed, for the log. */
  readonly failureOf: (outcome: O) => unknown;
  readonly metrics: {
    readonly invalid: string;
    readonly errors: string;
    readonly outcomes: Readonly<Record<K, string>>;
  };
}

export function jobBatchHandler<M, K extends string, O extends { readonly kind: K }>(
  tally: MetricTally,
  queue: JobQueue<M, K, O>,
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    let message: unknown;
    try {
      message = JSON.parse(record.body);
    } catch {
      message = undefined;
    }
    if (!queue.isMessage(message)) {
      tally.add(queue.metrics.invalid, MetricUnit.Count);
      logger.error(`dropping a malformed ${queue.noun} message`, { messageId: record.messageId });
      return;
    }
    try {
      const outcome = await queue.run(message);
      tally.add(queue.metrics.outcomes[outcome.kind], MetricUnit.Count);
      if (outcome.kind === 'failed') {
        logger.warn(`${queue.noun} failed`, { ...queue.idsOf(message), error: queue.failureOf(outcome) });
      }
    } catch (error) {
      tally.add(queue.metrics.errors, MetricUnit.Count);
      logger.error(`${queue.noun} interrupted, will be resumed from its checkpoint`, {
        ...queue.idsOf(message),
        messageId: record.messageId,
        error: error as Error,
      });
      throw error;
    }
  };
  return (event) =>
    processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
      processInParallel: false,
    });
}
