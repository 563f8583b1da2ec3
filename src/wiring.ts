/**
 * The composition root: every adapter a handler needs, built from the environment once per
 * process (per Lambda container) and shared by the handlers, and so by the local mode, which runs
 * the same handlers. Each factory reads only the variables the CDK construct sets for the
 * resources its function was granted (src/catalog/functions.ts), so a missing grant fails fast.
 * One idiom: `once(() => new Adapter(client, name))`; handlers call the factories lazily.
 */
import { keyRingFor } from './access/adapters/key-ring';
import { DynamoApiKeyStore } from './access/adapters/dynamo-api-keys';
import { keySetFor } from './access/adapters/key-set';
import type { AdminAuditReader, AdminAuditTrail } from './audit';
import { DynamoAdminAuditTrail } from './audit/adapters/dynamo-admin-audit-trail';
import { DynamoBudgetStore } from './budgets/adapters/budget-store';
import { dlqEnvVar, queueEnvVar, type QueueId } from './catalog/queues';
import { secretEnvVar } from './catalog/secrets';
import { API_TIMEOUT_SECONDS } from './catalog/api-limits';
import { tableDefinition, tableEnvVar, type TableId } from './catalog/tables';
import { SqsEventPublisher } from './events/adapters/sqs-event-publisher';
import { DynamoModelStatsStore } from './models/adapters/model-stats-store';
import { createModelEngine } from './models/inference/engine';
import {
  createActiveModelEngine,
  DEFAULT_MODEL_CONFIG_CACHE_SECONDS,
  type ActiveModelEngine,
} from './models/inference/active-models';
import { S3ModelStore } from './models/adapters/s3-model-store';
import { DynamoReviewSamples } from './models/adapters/review-samples';
import { defaultModelDir } from './models/ml/load';
import { emailSenderDefinition, type EmailSenderId } from './catalog/email';
import { settingDefinition, type SettingId } from './catalog/settings';
import {
  DynamoDailyQuota,
  DynamoRejectedStore,
  DynamoReviewRequestRepository,
  DynamoTenantStore,
} from './reviews/adapters/dynamo-records';
import { SesEmailSender } from './reviews/adapters/ses-email-sender';
import { DynamoReviewReplies } from './reviews/adapters/dynamo-review-replies';
import { DynamoReviewRepository } from './reviews/adapters/review-repository';
import { dynamo, dynamoClient, sqs } from './shared/aws-clients';
import { sesv2 } from './shared/ses-client';
import { currentRegion, optionalEnv, requireEnv } from './shared/env';
import { dynamoIdempotencyStore } from './shared/idempotency-store';
import { logger, metrics } from './shared/powertools';
import { DriftMetrics } from './models/adapters/drift-metrics';
import { SqsQueue } from './shared/sqs-queues';
import { DynamoBreakerStore } from './webhooks/adapters/breaker-store';
import { DynamoDeliveryStore } from './webhooks/adapters/deliveries';
import { DynamoEventLog } from './webhooks/adapters/event-log';
import { SqsDeliveryQueue } from './webhooks/adapters/delivery-queue';
import { DynamoEndpointRepository } from './webhooks/adapters/webhook-endpoints';
import { DynamoReplayJobStore } from './webhooks/adapters/replay-jobs';
import { SqsReplayQueue } from './webhooks/adapters/replay-queue';
import { webhookConfigFromEnv } from './webhooks/config';
import { newKmsClient } from './shared/kms-client';
import { keyDefinition } from './catalog/keys';
import type { SecretId } from './catalog/secrets';
import { parseClientIds, SecretAppCredentials } from './platforms/adapters/app-credentials';
import { DynamoConnectionStore } from './platforms/adapters/dynamo-connections';
import { FetchPlatformHttp } from './platforms/adapters/fetch-platform-http';
import { KmsKeyEncryption } from './platforms/adapters/kms-key-encryption';
import { LocalKeyEncryption } from './platforms/adapters/local-key-encryption';
import { HttpOAuthClient, HttpOAuthRefresher } from './platforms/adapters/oauth-http-client';
import type { KeyEncryption } from './platforms/oauth-ports';
import type { ConnectionDeps } from './platforms/use-cases/connections';
import { VaultTokenProvider } from './platforms/use-cases/token-provider';
import { TokenSafe } from './platforms/use-cases/token-safe';
import { functionSdkTimeouts } from './shared/aws-clients';
import { systemClock } from './shared/clock';
import type { AuditLog, PlatformHttp } from './platforms';
import { AuditedPlatformHttp, type QuotaFromHeaders } from './platforms/adapters/audited-platform-http';
import { DynamoAuditAppender, DynamoAuditLog } from './platforms/adapters/dynamo-audit-log';
import { DynamoBreakerStates } from './platforms/adapters/breaker-states';
import { MeteredAuditLog } from './platforms/adapters/metered-audit-log';
import { PowertoolsPlatformMetrics } from './platforms/adapters/platform-metrics';
import {
  DynamoPlatformStatsRecorder,
  DynamoPlatformStatsStore,
} from './platforms/adapters/platform-stats-store';
// Platform sync (issue 8)
import { DynamoRateLimiter } from './platforms/adapters/dynamo-rate-limiter';
import { DynamoPlatformBreakerStore } from './platforms/adapters/platform-breaker-store';
import { DynamoPlatformSyncStore } from './platforms/adapters/platform-sync-store';
import { SqsSyncQueue } from './platforms/adapters/sqs-sync-queue';
import { bucketPolicy } from './platforms/domain/quota-policy';
import type { ReviewSink } from './platforms/ports';
import { platformRegistry, quotaFromHeaders } from './platforms/adapters/platform-registry';
import type { ConnectedPlatform } from './platforms';
import { bucketDefinition, type BucketId } from './catalog/buckets';
import { DynamoImportJobStore } from './imports/adapters/import-job-store';
import { S3ImportFiles } from './imports/adapters/s3-import-files';
import { SqsBatchSender, SqsImportQueue } from './imports/adapters/sqs-import-queues';
import { s3 } from './shared/s3-client';
import { IngestReviewSink } from './platforms/adapters/ingest-review-sink';
import { SqsReplyQueue } from './platforms/adapters/sqs-reply-queue';
import { REPLY_CAPABILITIES } from './platforms/domain/replies';
import type { ReplyCapability } from './platforms';
// Inbound platform notifications (issue 8)
import { randomUUID } from 'node:crypto';
import { SecretNotificationSecrets } from './platforms/adapters/notification-secrets';
import type { InboundNotification, ReceiveNotificationDeps } from './platforms';
// Real-time updates (issue 14)
import { newManagementApiClient } from './shared/management-api-client';
import { REALTIME_MANAGEMENT_ENDPOINT_ENV } from './catalog/function-env';
// The paging path's subscriptions (issue 10)
import { newSnsClient } from './shared/sns-client';
import { ALARM_TOPIC_ARN_ENV, ALARM_TOPIC_IDS } from './catalog/function-env';
import { snsTopicAttributes } from './recovery/adapters/sns-topic-attributes';
import type { PagingTopic } from './recovery';
import { DynamoChannelLog } from './realtime/adapters/dynamo-channel-log';
import { DynamoRealtimeConnections } from './realtime/adapters/dynamo-connections';
import { ManagementApiMessenger } from './realtime/adapters/management-api-messenger';
// Secret rotation (issue 9)
import { newSecretsManagerClient } from './shared/secrets-manager-client';
import { PlatformSecretProver } from './credentials/adapters/platform-secret-probe';
import { SecretsManagerVersionStore } from './credentials/adapters/secrets-manager-versions';
// Data subject requests (issue 9)
import { DynamoSubjectData } from './privacy/adapters/dynamo-subject-data';
import { MessageErasureQueue } from './privacy/adapters/erasure-queue';
import type { ExportSubjectDeps, RequestErasureDeps, RunErasureDeps } from './privacy';
// Deep health (issue 11)
import type { HealthProbes } from './recovery/domain/health';
import { dynamoTableProbe, keyRingProbe, sqsQueueProbe } from './recovery/adapters/health-probes';

/**
 * Builds a value on first use and keeps it for the life of the process (the container).
 * Declared free of side effects so esbuild drops every factory a function never calls, and with
 * it the adapters (and their dependencies) only other functions use: each bundle carries its own.
 */
export const once = /* @__NO_SIDE_EFFECTS__ */ <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= build());
};

export const tableName = (id: TableId): string => requireEnv(tableEnvVar(id));
export const queueUrl = (id: QueueId): string => requireEnv(queueEnvVar(id));
const dlqUrl = (id: QueueId): string => requireEnv(dlqEnvVar({ id }));
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
// lease is the API functions' timeout (one for all of them, so that a key shared by routes of two
// areas leases alike): a request cannot run longer than that.
export const idempotencyStore = once(() =>
  dynamoIdempotencyStore(tableName('Idempotency'), dynamoClient(), {
    leaseMs: API_TIMEOUT_SECONDS * 1000,
    inFlightWaitMs: 5000,
    onStoreError: (error, stage) =>
      logger.error('Idempotency-Key store failed', { stage, error: error as Error }),
  }),
);

// Access
export const tenantStore = once(() => new DynamoTenantStore(dynamo(), tableName('Tenants')));
/** A signing key set (issue 9): review-link tokens name their key; cursors and OAuth state use its keys. */
export const reviewTokenKeys = once(() => keySetFor(requireEnv(secretEnvVar('ReviewTokenKey'))));
/** API keys' lifecycle and last use (issue 9): the owners' key lists in the Tenants table. */
export const apiKeyStore = once(() => new DynamoApiKeyStore(dynamo(), tableName('Tenants')));

// Reviews
export const reviewRepository = once(
  () => new DynamoReviewRepository(dynamo(), tableName('Reviews'), currentRegion(), dynamoClient()),
);
/** The reply state of stored reviews alone (the reply worker's part of the repository). */
export const reviewReplies = once(() => new DynamoReviewReplies(dynamo(), tableName('Reviews')));
export const reviewRequestRepository = once(
  () => new DynamoReviewRequestRepository(dynamo(), tableName('ReviewRequests')),
);
export const reviewRequestQuota = once(
  () => new DynamoDailyQuota(dynamo(), tableName('ReviewRequests'), currentRegion()),
);
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
export const modelStatsStore = once(
  () => new DynamoModelStatsStore(dynamo(), tableName('ModelStats'), currentRegion()),
);
/**
 * The models a function serves (ADR 0026): the model store's active configuration when the
 * function has the ModelStore bucket (refreshed before each batch or request, at most once per
 * MODEL_CONFIG_CACHE_SECONDS, default 60), the layer's registry otherwise and as the fallback.
 */
export const modelEngine = once((): ActiveModelEngine => {
  const bucket = optionalEnv(bucketDefinition('ModelStore').envVar);
  return createActiveModelEngine({
    layer: createModelEngine(),
    layerDir: defaultModelDir(),
    ...(bucket ? { store: new S3ModelStore(s3(), bucket) } : {}),
    cacheMs: Number(optionalEnv('MODEL_CONFIG_CACHE_SECONDS') ?? DEFAULT_MODEL_CONFIG_CACHE_SECONDS) * 1000,
    onFallback: (reason, error) => logger.warn(reason, { error: error as Error }),
  });
});
export const modelStore = once(() => new S3ModelStore(s3(), bucketName('ModelStore')));
export const reviewSamples = once(() => new DynamoReviewSamples(dynamo(), tableName('Reviews')));

// Budgets
export const budgetStore = once(() => new DynamoBudgetStore(dynamo(), tableName('Budgets'), currentRegion()));

// Webhooks
export const webhookConfig = once(() => webhookConfigFromEnv());
export const endpointRepository = once(
  () => new DynamoEndpointRepository(dynamo(), tableName('WebhookEndpoints')),
);
export const deliveryStore = once(() => new DynamoDeliveryStore(dynamo(), tableName('Deliveries')));
/** The event log (its own table, ADR 0017): the fan-out, replay, redelivery and privacy read or write it. */
export const eventLog = once(() => new DynamoEventLog(dynamo(), tableName('EventLog')));
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

// Imports
export const bucketName = (id: BucketId): string => requireEnv(bucketDefinition(id).envVar);
export const importJobStore = once(() => new DynamoImportJobStore(dynamo(), tableName('ImportJobs')));
export const importFiles = once(() => new S3ImportFiles(s3(), bucketName('Imports')));
export const importQueue = once(() => new SqsImportQueue(sqs(), queueUrl('Imports')));
/** The ingest queue in batches of ten (an import sends many reviews at once). */
export const ingestBatchSender = once(() => new SqsBatchSender(sqs(), queueUrl('Ingest')));

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

// Platforms: connections, the token vault, the platforms' OAuth endpoints
export const connectionStore = once(() => new DynamoConnectionStore(dynamo(), tableName('Connections')));
const appSecret = (id: SecretId) => keyRingFor(requireEnv(secretEnvVar(id)));
export const platformApp = once(
  () =>
    new SecretAppCredentials(parseClientIds(setting('OAuthClientIds')), {
      google: appSecret('GoogleClientSecret'),
      facebook: appSecret('FacebookAppSecret'),
      trustpilot: appSecret('TrustpilotApiSecret'),
      yelp: appSecret('YelpApiKey'),
    }),
);
/**
 * Local mode only: the fake platform servers' origins (`WEDSYNC_PLATFORM_ORIGINS`, JSON platform ->
 * http://127.0.0.1:port); the real endpoints without it.
 */
export const platformOrigins = once((): Partial<Record<ConnectedPlatform, string>> => {
  const raw = optionalEnv('WEDSYNC_PLATFORM_ORIGINS');
  return raw ? (JSON.parse(raw) as Partial<Record<ConnectedPlatform, string>>) : {};
});
/** Every platform call (API and OAuth) goes through the bounded client, audited. */
export const platformHttp = once(() => auditedPlatformHttp(quotaFromHeaders));
export const oauthClient = once(() => new HttpOAuthClient(platformHttp(), platformApp(), platformOrigins()));
/** Refreshing alone, for the token provider (its functions bundle no connect-time OAuth code). */
export const oauthRefresher = once(
  () => new HttpOAuthRefresher(platformHttp(), platformApp(), platformOrigins()),
);
/** KMS in AWS; the local mode names a key file (`local:<path>`) for the same port. */
export const tokenKeyEncryption = once((): KeyEncryption => {
  const keyId = requireEnv(keyDefinition('TokenVault').envVar);
  return keyId.startsWith('local:')
    ? new LocalKeyEncryption(keyId.slice('local:'.length))
    : new KmsKeyEncryption(newKmsClient(), keyId);
});
export const tokenSafe = once(() => new TokenSafe(tokenKeyEncryption(), connectionStore()));
let tokenProviderInstance: VaultTokenProvider | undefined;
/**
 * One per process: access tokens live in its memory, refreshes are single-flight within it. The
 * calling handler passes its invocation tally as `onMetric` (one value per name per invocation);
 * a Lambda process, like a local function thread, runs one function, so the first caller's is it.
 */
export function tokenProvider(onMetric: (name: string) => void): VaultTokenProvider {
  tokenProviderInstance ??= new VaultTokenProvider({
    connections: connectionStore(),
    safe: tokenSafe(),
    oauth: oauthRefresher(),
    app: platformApp(),
    audit: auditLog(),
    clock: systemClock,
    onMetric,
  });
  return tokenProviderInstance;
}
export const connectionDeps = once((): ConnectionDeps => ({
  connections: connectionStore(),
  safe: tokenSafe(),
  oauth: oauthClient(),
  app: platformApp(),
  stateKeys: reviewTokenKeys(),
  audit: auditLog(),
  clock: systemClock,
  redirectUri: new URL(setting('OAuthRedirectUri')).toString(),
  authorizeOrigin: (platform) => platformOrigins()[platform],
  onRevokeFailed: (error, connection) =>
    logger.warn('revocation at the platform failed; tokens erased anyway', {
      error: error as Error,
      connectionId: connection.connectionId,
      platform: connection.platform,
    }),
}));

// Platforms: the audit trail and the integration health view (issue 8).
/** Powertools metrics of platform calls, audit writes and health gauges (one per process). */
export const platformMetrics = once(() => new PowertoolsPlatformMetrics(metrics));
/** The audit trail read by the API's audit and health routes. */
export const dynamoAuditLog = once(
  () =>
    new DynamoAuditLog(dynamo(), tableName('Audit'), {
      retentionDays: integerSetting('AuditRetentionDays', 1),
    }),
);
/**
 * The append-only audit trail (catalog access level `append`), counting re-auth events as metrics;
 * appending alone, so the platform-calling functions bundle no reading code.
 */
export const auditLog = once(
  (): AuditLog =>
    new MeteredAuditLog(
      new DynamoAuditAppender(dynamo(), tableName('Audit'), {
        retentionDays: integerSetting('AuditRetentionDays', 1),
      }),
      platformMetrics(),
    ),
);
/** Admin and credential acts (issue 9), in the same append-only table as the platform calls. */
export const adminAuditTrail = once(
  (): AdminAuditTrail =>
    new DynamoAdminAuditTrail(dynamo(), tableName('Audit'), {
      retentionDays: integerSetting('AuditRetentionDays', 1),
    }),
);
/** Reading the admin acts (issue 9): a supplier's, or everyone's for ops. */
export const adminAuditReader = once(
  (): AdminAuditReader =>
    new DynamoAdminAuditTrail(dynamo(), tableName('Audit'), {
      retentionDays: integerSetting('AuditRetentionDays', 1),
    }),
);
export const platformStatsStore = once(
  () => new DynamoPlatformStatsStore(dynamo(), tableName('PlatformStats'), currentRegion()),
);
/** Recording alone, for every platform call (the platform-calling functions bundle no reading). */
export const platformStatsRecorder = once(
  () => new DynamoPlatformStatsRecorder(dynamo(), tableName('PlatformStats'), currentRegion()),
);
export const platformBreakerStates = once(
  () => new DynamoBreakerStates(dynamo(), tableName('PlatformBreakers')),
);
/**
 * Every platform call goes through this: the bounded fetch client, audited. Functions that call
 * platforms need Audit `append`, PlatformStats `readwrite` and the AuditRetentionDays setting.
 */
export function auditedPlatformHttp(quotaFrom: QuotaFromHeaders): PlatformHttp {
  return new AuditedPlatformHttp(new FetchPlatformHttp(), {
    audit: auditLog(),
    stats: platformStatsRecorder(),
    quotaFrom,
    metrics: platformMetrics(),
    // Parked entries are the durable record of what the table refused: one ERROR line each, whole.
    park: (entries, error) =>
      logger.error('audit entries parked: the Audit table refused them after retries', {
        auditParked: entries,
        error: error as Error,
      }),
    onStatsError: (error) => logger.warn('platform statistics not saved', { error: error as Error }),
  });
}
// Platform sync (issue 8): the sync pipeline's own adapters.
export const rateLimiter = once(() => new DynamoRateLimiter(dynamo(), tableName('RateLimits'), bucketPolicy));
export const platformBreakerStore = once(
  () => new DynamoPlatformBreakerStore(dynamo(), tableName('PlatformBreakers')),
);
/** Ledger, daily sweep claims, location directory and notification replay keys (one table). */
export const platformSyncStore = once(() => new DynamoPlatformSyncStore(dynamo(), tableName('PlatformSync')));
export const syncQueue = once(() => new SqsSyncQueue(sqs(), queueUrl('Sync')));

export const platformConnectionStore = connectionStore;
/** The four connectors on the audited client; `adapterFor` for sync, `all` by platform. */
export const platformAdapters = once(() =>
  platformRegistry({ http: platformHttp(), origins: platformOrigins() }),
);
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
/** The ReviewSink the sync worker hands pages to. */
export const platformReviewSink = (): ReviewSink => ingestReviewSink();
/** What the API tells suppliers about a platform's replies, from its adapter. */
// From the platforms' reply table, not their adapters: the API's reply routes load no wire format.
export const replyCapability = (platform: ConnectedPlatform): ReplyCapability => REPLY_CAPABILITIES[platform];

// Platforms: inbound notifications (issue 8). Their function needs PlatformSync `readwrite` (replay
// keys, the location directory), Sync `send`, and the notification secrets in its catalog entry.
export const notificationSecrets = once(
  () =>
    new SecretNotificationSecrets({
      facebookAppSecret: appSecret('FacebookAppSecret'),
      facebookVerifyToken: appSecret('FacebookVerifyToken'),
      googlePushToken: appSecret('GooglePushToken'),
      trustpilotWebhookToken: appSecret('TrustpilotWebhookToken'),
    }),
);
/**
 * The connectors as inbound notifications use them: to verify what a platform sent, which calls no
 * platform (pure, on the raw body), so on a client that refuses every call. The function that serves
 * them has no Audit or PlatformStats grant (ADR 0022 tenth round).
 */
export const notificationAdapters = once(() =>
  platformRegistry({
    http: {
      request: () => Promise.reject(new Error('verifying an inbound notification makes no platform call')),
    },
    origins: platformOrigins(),
  }),
);
/** The notification use case's dependencies for one request (its query scopes the secrets). */
export const receiveNotificationDeps = (request: InboundNotification): ReceiveNotificationDeps => ({
  adapters: notificationAdapters(),
  secrets: notificationSecrets().forRequest(request.query),
  replays: platformSyncStore(),
  directory: platformSyncStore(),
  queue: syncQueue(),
  newId: randomUUID,
});

// Real-time updates (issue 14; docs/realtime.md, ADR 0017)
export const realtimeConnections = once(
  () => new DynamoRealtimeConnections(dynamo(), tableName('RealtimeConnections'), currentRegion()),
);
export const realtimeLog = once(() => new DynamoChannelLog(dynamo(), tableName('RealtimeLog')));
export const realtimeMessenger = once(() => {
  // The SDK client makes no call: its signer (SigV4 for execute-api, its region and default
  // credential chain, refreshed before they expire) signs the messenger's lean requests (one post
  // per event and connection: ADR 0017 decision 7).
  const sdk = newManagementApiClient();
  const { requestTimeout, maxAttempts } = functionSdkTimeouts();
  return new ManagementApiMessenger({
    endpoint: requireEnv(REALTIME_MANAGEMENT_ENDPOINT_ENV),
    signer: () => sdk.config.signer(),
    requestTimeoutMs: requestTimeout,
    maxAttempts,
  });
});
// Secret rotation (issue 9): Secrets Manager's versions, and the platforms that prove staged secrets.
export const secretVersionStore = once(() => new SecretsManagerVersionStore(newSecretsManagerClient()));
/** Plain (not audited) platform calls: a proof concerns no supplier and must not count in their health. */
export const secretProver = once(
  () =>
    new PlatformSecretProver(
      new FetchPlatformHttp(),
      parseClientIds(setting('OAuthClientIds')),
      platformOrigins(),
    ),
);
// Data subject requests (issue 9): export, erasure and its tombstone, across the tables that hold
// personal data. The Api needs ReviewRequests, Reviews, Deliveries, EventLog, WebhookEndpoints, Audit
// and Privacy `send`; the PrivacyWorker the same with write access and Events `send`.
export const subjectData = once(
  () =>
    new DynamoSubjectData(dynamo(), {
      reviewRequests: tableName('ReviewRequests'),
      reviews: tableName('Reviews'),
      deliveries: tableName('Deliveries'),
      webhookEndpoints: tableName('WebhookEndpoints'),
      eventLog: eventLog(),
    }),
);
export const erasureQueue = once(() => new MessageErasureQueue(queueSender('Privacy')));
/** What the API's privacy routes need (export, erasure request, status). */
export const privacyRequestDeps = once((): ExportSubjectDeps & RequestErasureDeps => ({
  reader: subjectData(),
  tombstones: subjectData(),
  queue: erasureQueue(),
  audit: adminAuditTrail(),
  clock: systemClock,
}));
/** What the PrivacyWorker needs to run an erasure. */
export const runErasureDeps = once((): RunErasureDeps => ({
  reader: subjectData(),
  eraser: subjectData(),
  tombstones: subjectData(),
  events: privacyEventPublisher(),
  audit: adminAuditTrail(),
  clock: systemClock,
}));
/** privacy.erasure_requested events, with the privacy capability's own source. */
export const privacyEventPublisher = once(
  () => new SqsEventPublisher(sqs(), queueUrl('Events'), `wedsync/${currentRegion()}/privacy`),
);
// Deep health (issue 11): the Api's own table replica, ingest queue and signing key ring.
export const healthProbes = once((): HealthProbes => ({
  dynamodb: dynamoTableProbe(dynamoClient(), { ...tableDefinition('Reviews'), name: tableName('Reviews') }),
  sqs: sqsQueueProbe(sqs(), queueUrl('Ingest')),
  secrets: keyRingProbe(reviewTokenKeys()),
}));
// The paging path's subscriptions (issue 10): the region's two alarm topics, read with SNS.
export const pagingTopics = once((): PagingTopic[] =>
  ALARM_TOPIC_IDS.map((topic) => ({ topic, arn: requireEnv(ALARM_TOPIC_ARN_ENV[topic]) })),
);
export const topicAttributes = once(() => snsTopicAttributes(newSnsClient()));

// Adapters a handler uses directly (issue 7 §1: handlers take their adapters from this module
// only; `npm run lint:deps` refuses a handler importing an adapter). Drift monitors keep a window
// per container, so each worker builds one, once.
export const driftMetrics = once(() => new DriftMetrics(metrics));
export { MAX_REVIEWS_PER_TRANSACTION } from './reviews/adapters/review-repository';
export { recordStoredReview } from './reviews/adapters/review-kpi-metrics';
export { channelEventsOfRecords, insertedItems, type StreamRecord } from './realtime/adapters/stream-records';
export { loggedEventOfItem } from './webhooks/adapters/event-log';
export { deliverWebhook } from './webhooks/adapters/http-delivery';
export {
  inboundNotificationOf,
  notificationResponse,
  refusedResponse,
} from './platforms/adapters/api-gateway-notification';
