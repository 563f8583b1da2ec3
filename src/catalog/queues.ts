/**
 * The SQS queues, defined once. Every queue gets a DLQ (CDK construct and local mode alike);
 * `consumer` holds the settings of the Lambda event source that drains it, which the local
 * pollers copy. Which function consumes a queue is written once, in src/catalog/functions.ts
 * (`consume` access), and read with `consumerOf`.
 */
import { constantCase } from './env-names';

export type QueueId =
  | 'Ingest'
  | 'Events'
  | 'InferenceRetry'
  | 'Deliveries'
  | 'ReviewRequestEmails'
  | 'Replays'
  // Platform sync (issue 8)
  | 'Sync'
  | 'Imports'
  | 'Replies'
  // Data subject requests (issue 9)
  | 'Privacy';

export interface QueueConsumer {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly maxConcurrency: number;
}

export interface QueueDefinition {
  readonly id: QueueId;
  /** Environment variable that carries the queue URL to the functions that use it (`queueEnvVar`). */
  readonly envVar: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly retentionDays: number;
  /** Alarm when the oldest message is older than this (a stuck consumer), if set. */
  readonly oldestMessageAlarmSeconds?: number;
  readonly consumer?: QueueConsumer;
  // What each queue carries is the comment that ends its entry: nothing reads it at run time,
  // so it is not a field that every function sending to a queue would bundle (ADR 0022, sixth round).
}

const QUEUE_SETTINGS: readonly Omit<QueueDefinition, 'envVar'>[] = [
  {
    id: 'Ingest',
    // Six times the worker timeout, as AWS advises for Lambda event sources.
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 14,
    oldestMessageAlarmSeconds: 300,
    consumer: { batchSize: 25, maxBatchingWindowSeconds: 1, maxConcurrency: 10 },
    // Reviews accepted by the API (202) and events from other WedSync services, until stored.
  },
  {
    id: 'Events',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 14,
    // Events fan out within seconds; five minutes means the fan-out is stuck and webhooks are late.
    oldestMessageAlarmSeconds: 300,
    consumer: { batchSize: 10, maxBatchingWindowSeconds: 1, maxConcurrency: 5 },
    // Domain events (review.received, review.negative, ...) for webhook delivery.
  },
  {
    id: 'Deliveries',
    // Six times the delivery worker timeout. Standard queue: per-message DelaySeconds (ADR 0003).
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 14,
    // Larger batches share the per-endpoint reads (endpoint, breaker) among more deliveries.
    consumer: {
      batchSize: 50,
      maxBatchingWindowSeconds: 1,
      maxConcurrency: 20,
    },
    // One message per (event, endpoint) delivery attempt; retries and breaker deferrals re-enqueued
    // in DelaySeconds hops (ADR 0003, 0005).
  },
  {
    id: 'Replays',
    // Six times the replay worker's timeout.
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    retentionDays: 14,
    // Jobs are handed over every 20 s and hop at most a minute while another invocation holds one.
    oldestMessageAlarmSeconds: 900,
    // One job per invocation: each runs for up to its time budget.
    consumer: { batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
    // Replay jobs (POST /v1/webhook-endpoints/{id}/replay): one message per unit of work on a job;
    // the job keeps its cursor (ADR 0005).
  },
  {
    id: 'InferenceRetry',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 14,
    oldestMessageAlarmSeconds: 900,
    consumer: {
      batchSize: 10,
      maxBatchingWindowSeconds: 5,
      maxConcurrency: 2,
    },
    // Reviews stored with inference pending (model failed to load, threw or ran over budget).
  },
  {
    id: 'ReviewRequestEmails',
    // Six times the mailer's timeout.
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 14,
    // A couple waiting a quarter of an hour for their link means SES or the mailer is stuck.
    oldestMessageAlarmSeconds: 900,
    // Small batches, little concurrency: SES has an account-wide sending rate.
    consumer: { batchSize: 10, maxBatchingWindowSeconds: 1, maxConcurrency: 2 },
    // Review requests whose link is to be e-mailed to the couple (request ids only, never a token;
    // ADR 0010).
  },
  // Platform sync (issue 8)
  {
    id: 'Sync',
    // Six times the SyncWorker's timeout.
    visibilityTimeoutSeconds: 360,
    // Deferrals (quota, open breaker) are new messages, never receives: only real failures count.
    maxReceiveCount: 5,
    retentionDays: 14,
    // A deferral waits at most 900 s per hop; an hour-old message means sync is stuck, not throttled.
    oldestMessageAlarmSeconds: 3600,
    // Small batches: each message is one platform call (or five targeted ones) taking shared tokens.
    consumer: { batchSize: 5, maxBatchingWindowSeconds: 1, maxConcurrency: 5 },
    // One message per page of a platform sync (incremental, full sweep, targeted re-fetch); quota
    // and breaker deferrals re-enqueued with DelaySeconds hops.
  },
  {
    id: 'Imports',
    // Six times the import worker's timeout.
    visibilityTimeoutSeconds: 720,
    maxReceiveCount: 5,
    retentionDays: 14,
    // A chunk takes at most a minute and each hands over at once: a quarter of an hour means stuck.
    oldestMessageAlarmSeconds: 900,
    // One import per invocation: each runs for up to its time budget.
    consumer: { batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
    // Review import jobs (POST /v1/imports/{importId}/start): one message per chunk of a file; the
    // job keeps its checkpoint (docs/imports.md).
  },
  {
    id: 'Replies',
    // Six times the reply worker's timeout.
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 14,
    // A deferral is a new message (its age starts again), so an old one means a stuck worker.
    oldestMessageAlarmSeconds: 1800,
    // Small batches, little concurrency: platform quotas are small (Google ~5 requests/s per project).
    consumer: { batchSize: 5, maxBatchingWindowSeconds: 1, maxConcurrency: 2 },
    // Suppliers' replies (and reply deletions) to platform reviews, one message per request; rate
    // limits and transient failures re-enqueue in DelaySeconds hops.
  },
  // Data subject requests (issue 9)
  {
    id: 'Privacy',
    // Six times the PrivacyWorker's timeout.
    visibilityTimeoutSeconds: 1800,
    maxReceiveCount: 5,
    retentionDays: 14,
    // An erasure takes seconds to minutes; an hour-old one means the worker is stuck (a legal deadline runs).
    oldestMessageAlarmSeconds: 3600,
    // One erasure per invocation, few at once: they are rare and touch several tables.
    consumer: { batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 2 },
    // Erasures accepted by POST /v1/ops/privacy/erasures (202): one message per erasure (the subject
    // hash, never the address); the tombstone keeps its progress (docs/privacy.md).
  },
];

/**
 * The environment variable that carries a queue's URL, derived from its id (`InferenceRetry` ->
 * `QUEUE_URL_INFERENCE_RETRY`): a function finds its queues without bundling their settings.
 */
export const queueEnvVar = (id: QueueId): string => `QUEUE_URL_${constantCase(id)}`;

// Pure: a bundle that only derives environment variable names drops the settings.
export const QUEUES: readonly QueueDefinition[] = /* @__PURE__ */ QUEUE_SETTINGS.map((queue) => ({
  ...queue,
  envVar: queueEnvVar(queue.id),
}));

export function queueDefinition(id: QueueId): QueueDefinition {
  const queue = QUEUES.find((q) => q.id === id);
  if (!queue) throw new Error(`unknown queue ${id}`);
  return queue;
}

/** The DLQ's name suffix and env var are derived, never written twice. */
export const dlqEnvVar = (queue: { readonly id: QueueId }): string => `${queueEnvVar(queue.id)}_DLQ`;
