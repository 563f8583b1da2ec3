/**
 * The composition root: every adapter a handler needs, built from the environment once per
 * process (per Lambda container) and shared by the handlers, and so by the local mode, which runs
 * the same handlers. Each factory reads only the variables the CDK construct sets for the
 * resources its function was granted (src/catalog/functions.ts), so a missing grant fails fast.
 * One idiom: `once(() => new Adapter(client, name))`; handlers call the factories lazily.
 */
import { keyRingFor } from './access/adapters/key-ring';
import { DynamoBudgetStore } from './budgets/adapters/budget-store';
import { queueDefinition, dlqEnvVar, type QueueId } from './catalog/queues';
import { secretDefinition } from './catalog/secrets';
import { functionDefinition } from './catalog/functions';
import { tableDefinition, type TableId } from './catalog/tables';
import { SqsEventPublisher } from './events/adapters/sqs-event-publisher';
import { DynamoModelStatsStore } from './models/adapters/model-stats-store';
import { createModelEngine, type ModelEngine } from './models/inference/engine';
import { emailSenderDefinition, type EmailSenderId } from './catalog/email';
import { settingDefinition, type SettingId } from './catalog/settings';
import {
  DynamoDailyQuota,
  DynamoRejectedStore,
  DynamoReviewRequestRepository,
  DynamoTenantStore,
} from './reviews/adapters/dynamo-records';
import { SesEmailSender } from './reviews/adapters/ses-email-sender';
import { DynamoReviewRepository } from './reviews/adapters/review-repository';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { dynamo, dynamoClient, sesv2, sqs } from './shared/aws-clients';
import { currentRegion, optionalEnv, requireEnv } from './shared/env';
import { PowertoolsIdempotencyStore } from './shared/idempotency-store';
import { logger } from './shared/powertools';
import { SqsQueue } from './shared/sqs-queues';
import { DynamoBreakerStore } from './webhooks/adapters/breaker-store';
import { DynamoDeliveryStore } from './webhooks/adapters/deliveries';
import { SqsDeliveryQueue } from './webhooks/adapters/delivery-queue';
import { DynamoEndpointRepository } from './webhooks/adapters/webhook-endpoints';
import { DynamoReplayJobStore } from './webhooks/adapters/replay-jobs';
import { SqsReplayQueue } from './webhooks/adapters/replay-queue';
import { webhookConfigFromEnv } from './webhooks/config';
import { IngestReviewSink } from './platforms/adapters/ingest-review-sink';
import { SqsReplyQueue } from './platforms/adapters/sqs-reply-queue';
import { noAdapters, noConnections, noTokens } from './platforms/adapters/not-yet-connected';
import type { ConnectedPlatform, ConnectionStore, PlatformAdapter, TokenProvider } from './platforms';
import type { ReplyCapability } from './platforms';
import { systemClock } from './shared/clock';

/** Builds a value on first use and keeps it for the life of the process (the container). */
export const once = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= build());
};

export const tableName = (id: TableId): string => requireEnv(tableDefinition(id).envVar);
export const queueUrl = (id: QueueId): string => requireEnv(queueDefinition(id).envVar);
const dlqUrl = (id: QueueId): string => requireEnv(dlqEnvVar(queueDefinition(id)));
/** A catalogued setting (src/catalog/settings.ts), required. */
export const setting = (id: SettingId): string => requireEnv(settingDefinition(id).envVar);
/** A catalogued whole-number setting, required and checked. */
export function integerSetting(id: SettingId, min: number): number {
  const raw = setting(id);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${settingDefinition(id).envVar} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

// The API's Idempotency-Key records (Powertools idempotency on the Idempotency table). The
// lease is the API function's timeout: a request cannot run longer than that.
export const idempotencyStore = once(
  () =>
    new PowertoolsIdempotencyStore(
      new DynamoDBPersistenceLayer({ tableName: tableName('Idempotency'), awsSdkV3Client: dynamoClient() }),
      {
        leaseMs: functionDefinition('Api').timeoutSeconds * 1000,
        inFlightWaitMs: 5000,
        onStoreError: (error, stage) =>
          logger.error('Idempotency-Key store failed', { stage, error: error as Error }),
      },
    ),
);

// Access
export const tenantStore = once(() => new DynamoTenantStore(dynamo(), tableName('Tenants')));
export const reviewTokenKeys = once(() => keyRingFor(requireEnv(secretDefinition('ReviewTokenKey').envVar)));

// Reviews
export const reviewRepository = once(
  () => new DynamoReviewRepository(dynamo(), tableName('Reviews'), currentRegion()),
);
export const reviewRequestRepository = once(
  () => new DynamoReviewRequestRepository(dynamo(), tableName('ReviewRequests')),
);
export const reviewRequestQuota = once(() => new DynamoDailyQuota(dynamo(), tableName('ReviewRequests')));
export const reviewRequestsPerDay = once(() => integerSetting('ReviewRequestsPerDay', 0));
export const reviewLinkBaseUrl = once(() => new URL(setting('ReviewLinkBaseUrl')).toString());

const emailSenders = new Map<EmailSenderId, SesEmailSender>();
/** SES as one catalogued sender: its From address and configuration set come with the grant. */
export function emailSender(id: EmailSenderId): SesEmailSender {
  let sender = emailSenders.get(id);
  if (!sender) {
    const def = emailSenderDefinition(id);
    sender = new SesEmailSender(sesv2(), requireEnv(def.fromEnvVar), optionalEnv(def.configurationSetEnvVar));
    emailSenders.set(id, sender);
  }
  return sender;
}
export const rejectedStore = once(() => new DynamoRejectedStore(dynamo(), tableName('Rejected')));

// Events
export const eventPublisher = once(
  () => new SqsEventPublisher(sqs(), queueUrl('Events'), `wedsync/${currentRegion()}`),
);
/** Events the webhook capability itself emits (endpoint.disabled), with their own source. */
export const webhookEventPublisher = once(
  () => new SqsEventPublisher(sqs(), queueUrl('Events'), `wedsync/${currentRegion()}/webhooks`),
);

// Models
export const modelStatsStore = once(() => new DynamoModelStatsStore(dynamo(), tableName('ModelStats')));
export const modelEngine = once((): ModelEngine => createModelEngine());

// Budgets
export const budgetStore = once(() => new DynamoBudgetStore(dynamo(), tableName('Budgets')));

// Webhooks
export const webhookConfig = once(() => webhookConfigFromEnv());
export const endpointRepository = once(
  () => new DynamoEndpointRepository(dynamo(), tableName('WebhookEndpoints')),
);
export const deliveryStore = once(() => new DynamoDeliveryStore(dynamo(), tableName('Deliveries')));
export const breakerStore = once(() => new DynamoBreakerStore(dynamo(), tableName('WebhookBreakers')));
/** The Deliveries queue for senders (the API's retry and replay, the fan-out). */
export const deliveryQueue = once(() => new SqsDeliveryQueue(sqs(), queueUrl('Deliveries')));
/** The Deliveries queue for its consumer, which also moves exhausted deliveries to the DLQ. */
export const deliveryQueueWithDlq = once(
  () => new SqsDeliveryQueue(sqs(), queueUrl('Deliveries'), dlqUrl('Deliveries')),
);
/** Replay jobs and their per-endpoint limit (Deliveries table), and the Replays queue. */
export const replayJobStore = once(() => new DynamoReplayJobStore(dynamo(), tableName('Deliveries')));
export const replayQueue = once(() => new SqsReplayQueue(sqs(), queueUrl('Replays')));

const senders = new Map<QueueId, SqsQueue>();
/** A plain sender to a catalogued queue (the API's ingest queue, the inference-retry queue). */
export function queueSender(id: QueueId): SqsQueue {
  let sender = senders.get(id);
  if (!sender) {
    sender = new SqsQueue(sqs(), queueUrl(id));
    senders.set(id, sender);
  }
  return sender;
}

// Platforms: synced reviews into the ingestion pipeline, and replies.
/** The ReviewSink the sync worker hands pages to (needs `Ingest: 'send'` in its catalog entry). */
export const ingestReviewSink = once(
  () =>
    new IngestReviewSink(sqs(), queueUrl('Ingest'), systemClock, {
      onInvalid: (connection, externalId, reason) =>
        logger.warn('synced review left out: not a valid review', {
          connectionId: connection.connectionId,
          platform: connection.platform,
          externalId,
          reason,
        }),
    }),
);
export const replyQueue = once(() => new SqsReplyQueue(sqs(), queueUrl('Replies')));
/**
 * MERGE POINTS: the three factories below return placeholders (adapters/not-yet-connected.ts)
 * until the connections, tokens and adapters branches are merged; replace each body with the
 * real adapter (and add its table, key and secret grants to the ReplyWorker's catalog entry).
 */
export const platformConnectionStore = once((): ConnectionStore => noConnections);
export const platformTokenProvider = once((): TokenProvider => noTokens);
export const platformAdapters = once((): Readonly<Record<ConnectedPlatform, PlatformAdapter>> =>
  noAdapters(),
);
/** What the API tells suppliers about a platform's replies, from its adapter. */
export const replyCapability = (platform: ConnectedPlatform): ReplyCapability => {
  const adapter = platformAdapters()[platform];
  return {
    supportsReplies: adapter.supportsReplies,
    ...(adapter.maxReplyLength !== undefined ? { maxReplyLength: adapter.maxReplyLength } : {}),
  };
};
