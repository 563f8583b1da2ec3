/**
 * The ingest worker's batch logic, independent of Lambda wiring. It stores the batch with
 * few, larger store transactions (see "Batched transactions" in docs/decisions/0001-ingestion.md for why this is
 * not Powertools' per-record BatchProcessor) and answers with a partial batch response: only
 * the failed messages return to the queue, and SQS moves them to the DLQ after maxReceiveCount.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { correlationIdOfRecord, withCorrelationId } from '../../src/shared/correlation';
import { ingestBatch, type IngestDeps, type IngestOutcome } from '../../src/reviews/use-cases/ingest-batch';

export interface WorkerDeps extends IngestDeps {
  readonly onOutcome: (messageId: string, outcome: IngestOutcome) => void;
}

export async function processIngestBatch(event: SQSEvent, deps: WorkerDeps): Promise<SQSBatchResponse> {
  const outcomes = await ingestBatch(
    event.Records.map((r) => ({
      messageId: r.messageId,
      body: r.body,
      ...withCorrelationId(correlationIdOfRecord(r)),
    })),
    deps,
  );
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const outcome = outcomes.get(record.messageId) ?? { kind: 'failed', error: new Error('no outcome') };
    deps.onOutcome(record.messageId, outcome);
    if (outcome.kind === 'failed') batchItemFailures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures };
}
