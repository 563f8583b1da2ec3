/**
 * CPU per review of the ingest worker in process (issue 12), for the profile in ADR 0022: the
 * IngestWorker's own handler (`handleBatch`: parsing, inference with the shipped models, the
 * repository's transaction, events, statistics) with SQS batches of 25 new reviews of one
 * supplier, its DynamoDB and SQS calls answered in process (bench/answer-locally.ts), no I/O.
 *   `node --import tsx bench/worker-cpu.ts [batches]` prints one JSON line;
 *   add `--cpu-prof --cpu-prof-dir=.cache/profiles` before `--import` to profile it.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { functionDefinition } from '../src/catalog/functions';
import { LAYERS } from '../src/catalog/layers';
import { REPO_ROOT } from '../local/processes';
import { answerLocally, attributeValue, batchGetAnswer, type JsonAnswer } from './answer-locally';
import { reviewItem } from './cost-items';
import { benchReview } from './support';
import { placeholderEnvironment, placeholderQueueUrl } from './placeholder-env';
import { reviewIdFor } from '../src/reviews/domain/review-ids';

const BATCH = 25;
const SUPPLIER = 'sup_benchworker00000000000';

function environment(): Record<string, string> {
  return {
    ...placeholderEnvironment(functionDefinition('IngestWorker'), placeholderQueueUrl('eu-west-1')),
    WEDSYNC_MODEL_DIR: join(REPO_ROOT, LAYERS.find((l) => l.id === 'Models')!.localModelDir),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

function record(i: number): SQSRecord {
  const review = benchReview(i);
  const body = JSON.stringify({
    type: 'review.submitted',
    version: 1,
    supplierId: SUPPLIER,
    reviewId: reviewIdFor(SUPPLIER, { kind: 'external', platform: 'google', externalId: `cpu-${i}` }),
    origin: { kind: 'external', platform: 'google', externalId: `cpu-${i}` },
    actor: { kind: 'supplier', id: 'key_bench' },
    receivedAt: new Date().toISOString(),
    review: {
      ...review,
      reviewerName: `Couple ${i}`,
      platform: 'google',
      submittedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    },
  });
  return {
    messageId: `m-${i}`,
    receiptHandle: `r-${i}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'bench',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: { type: { stringValue: 'review.submitted', dataType: 'String' } },
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:Ingest',
    awsRegion: 'eu-west-1',
  };
}

let answerParked: () => void = () => undefined;

async function run(batches: number): Promise<Record<string, number>> {
  Object.assign(process.env, environment());
  const clients = await import('../src/shared/aws-clients');
  // The supplier's 50 latest reviews (the near-duplicate and burst checks read them per chunk).
  // byCreatedAt holds their keys (ADR 0032): a Query of the index, then BatchGetItem of the reviews.
  const latest = Array.from({ length: 50 }, (_, i) => reviewItem(100_000 + i, SUPPLIER, true));
  const recent = JSON.stringify({
    Items: latest.map((r) => attributeValue({ pk: r.pk, sk: r.sk }).M),
    Count: 50,
    ScannedCount: 50,
  });
  const byKey = new Map<string, string>();
  const dynamoAnswer: JsonAnswer = (operation, request) => {
    if (operation === 'Query') return recent;
    if (operation === 'BatchGetItem') return batchGetAnswer(byKey, request(), latest);
    // A PutItem here is a message parked as rejected: the bench's messages must all be stored.
    if (operation === 'PutItem') answerParked();
    if (operation === 'TransactWriteItems' || operation === 'UpdateItem' || operation === 'PutItem')
      return {};
    throw new Error(`unexpected DynamoDB call ${operation}`);
  };
  // The low-level client and the DocumentClient's own one (src/shared/aws-clients.ts).
  answerLocally(clients.dynamoClient(), dynamoAnswer);
  answerLocally(clients.dynamo(), dynamoAnswer);
  answerLocally(clients.sqs(), (operation, request) => {
    if (operation !== 'SendMessageBatch') throw new Error(`unexpected SQS call ${operation}`);
    const entries = (request().Entries ?? []) as { Id: string; MessageBody: string }[];
    return {
      Successful: entries.map((e) => ({
        Id: e.Id,
        MessageId: e.Id,
        MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex'),
      })),
      Failed: [],
    };
  });
  let parked = 0;
  answerParked = () => (parked += 1);
  const { handleBatch } = await import('../functions/ingest-worker/handler');
  const batchOf = (b: number): SQSEvent => ({
    Records: Array.from({ length: BATCH }, (_, k) => record(b * BATCH + k)),
  });
  const warmUp = 20;
  for (let b = 0; b < warmUp; b += 1) {
    const answer = await handleBatch(batchOf(b));
    if (answer.batchItemFailures.length > 0) throw new Error(`warm-up: ${JSON.stringify(answer)}`);
  }
  const events = Array.from({ length: batches }, (_, b) => batchOf(warmUp + b));
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const event of events) {
    const answer = await handleBatch(event);
    if (answer.batchItemFailures.length > 0) throw new Error(JSON.stringify(answer));
  }
  const wallMs = performance.now() - started;
  if (parked > 0) throw new Error(`${parked} messages were parked as rejected, not stored`);
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return {
    batches,
    batchSize: BATCH,
    cpuMsPerReview: Math.round((cpuMs / (batches * BATCH)) * 1000) / 1000,
    cpuMsPerBatch: Math.round((cpuMs / batches) * 10) / 10,
    wallMsPerBatch: Math.round((wallMs / batches) * 10) / 10,
  };
}

if (require.main === module) {
  run(Number(process.argv[2] ?? 100))
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
