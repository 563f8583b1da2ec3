/**
 * The ingest worker's batch logic, independent of Lambda wiring: Powertools batch processing
 * with partial batch responses. A permanently bad message is parked with its reason and then
 * counts as handled (never retried forever); anything else fails the record so SQS retries
 * it, and after maxReceiveCount redrives it to the DLQ.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { PermanentMessageError } from '../../src/domain/review';
import type { RejectedStore } from '../../src/ports';
import { ingestReview, type IngestDeps } from '../../src/use-cases/ingest-review';

export interface WorkerDeps extends IngestDeps {
  readonly rejected: RejectedStore;
  readonly queueName: string;
  readonly onOutcome: (
    outcome: 'created' | 'duplicate' | 'parked' | 'failed',
    record: SQSRecord,
    error?: unknown,
  ) => void;
}

export async function processIngestBatch(event: SQSEvent, deps: WorkerDeps): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  const handleRecord = async (record: SQSRecord) => {
    try {
      const outcome = await ingestReview(record.body, deps);
      deps.onOutcome(outcome, record);
    } catch (error) {
      if (error instanceof PermanentMessageError) {
        await deps.rejected.park({
          queue: deps.queueName,
          messageId: record.messageId,
          body: record.body,
          reason: error.reason,
          detail: error.detail,
        });
        deps.onOutcome('parked', record, error);
        return;
      }
      deps.onOutcome('failed', record, error);
      throw error;
    }
  };
  // A batch where every record failed is reported as such (not thrown), so the local poller
  // and Lambda treat it alike: every record goes back to the queue.
  return processPartialResponse(event, handleRecord, processor, { throwOnFullBatchFailure: false });
}
