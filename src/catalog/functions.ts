/**
 * The Lambda functions, defined once with what each may touch. The CDK construct turns every
 * `tables`/`queues`/`secrets` entry into both the IAM grant and the environment variable that
 * names the resource (read-only unless it says otherwise); the local mode sets the same
 * variables for the same handler modules.
 */
import type { BucketAccess, BucketId } from './buckets';
import type { EmailSenderId } from './email';
import type { QueueId } from './queues';
import type { SettingId } from './settings';
import type { SecretId } from './secrets';
import type { LayerId } from './layers';
import type { ApplicationKeyId } from './keys';
import { tableDefinition, type TableId } from './tables';
import type { RouteArea } from './route-table';
import { API_TIMEOUT_SECONDS } from './api-limits';

export type FunctionId =
  | 'Api'
  // The API split by route area (issue 12, ADR 0022 sixth round)
  | 'ApiReviews'
  | 'ApiWebhooks'
  | 'ApiPlatforms'
  | 'ApiNotifications'
  | 'ApiModels'
  | 'ApiAccess'
  | 'Authorizer'
  | 'IngestWorker'
  | 'InferenceWorker'
  | 'EventFanout'
  | 'WebhookDelivery'
  | 'ReviewRequestMailer'
  | 'ReplayWorker'
  // Platform sync (issue 8)
  | 'SyncWorker'
  | 'SyncScheduler'
  | 'ImportWorker'
  | 'ReplyWorker'
  // Real-time updates (issue 14)
  | 'RealtimeSocket'
  | 'RealtimeRecorder'
  | 'RealtimeFanout'
  // Two regions: what last writer wins changes (issue 11, ADR 0020)
  | 'SummaryCorrection'
  | 'ReplicatedSpending'
  // Secret rotation (issue 9)
  | 'SecretRotation'
  // Data subject requests (issue 9)
  | 'PrivacyWorker'
  // Scheduled webhook secret rotation (issue 9)
  | 'WebhookSecretRotation'
  // Model retraining and rollout (issue 13, ADR 0026)
  | 'ModelRetrain'
  | 'ModelRollout'
  // The paging path's subscriptions (issue 10)
  | 'PagingCheck';

export type TableAccess = 'read' | 'readwrite' | 'append';

export interface FunctionSchedule {
  readonly everyMinutes: number;
  /** `primary`: one run per period for the whole deployment (writes replicate to every region). */
  readonly regions: 'every' | 'primary';
  readonly description: string;
}

export interface FunctionDefinition {
  readonly id: FunctionId;
  /** Path of the handler module from the repository root; it exports `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /**
   * `append`: reads plus PutItem only (no UpdateItem, DeleteItem or BatchWriteItem), for append-only
   * tables such as Audit; the adapter writes with attribute_not_exists so nothing is overwritten.
   */
  readonly tables: Partial<Record<TableId, TableAccess>>;
  /**
   * `consume-and-send`: the consumer also sends to its own queue (re-enqueued retries) and to its
   * DLQ (deliveries whose retries ran out); both URLs are set as environment variables.
   */
  readonly queues: Partial<Record<QueueId, 'send' | 'consume' | 'consume-and-send'>>;
  readonly secrets: readonly SecretId[];
  /** Lambda layers the function needs (the model artifacts, for inference in process). */
  readonly layers?: readonly LayerId[];
  /** SES senders the function may send as (`ses:SendEmail` on that identity and configuration set). */
  readonly emailSenders?: readonly EmailSenderId[];
  /** S3 buckets (src/catalog/buckets.ts) and how the function may use them. */
  readonly buckets?: Partial<Record<BucketId, BucketAccess>>;
  /** Plain settings (src/catalog/settings.ts) set as environment variables. */
  readonly settings?: readonly SettingId[];
  /** KMS keys (src/catalog/keys.ts) the function may use, with the actions the key lists. */
  readonly keys?: readonly ApplicationKeyId[];
  /**
   * Posts to the region's WebSocket connections (execute-api:ManageConnections on the WebSocket
   * API's stage); the management endpoint comes in REALTIME_MANAGEMENT_ENDPOINT.
   */
  readonly manageConnections?: true;
  /**
   * Invoked on a schedule (issue 9): an EventBridge rule beside the function
   * (lib/constructs/service-function.ts), in every region or in the primary one only; the local
   * mode runs it on a timer (local/function-schedules.ts). SyncScheduler predates this field and
   * keeps its own rule.
   */
  readonly schedule?: FunctionSchedule;
  /** A table whose stream (src/catalog/tables.ts `stream`) is this function's event source. */
  readonly tableStream?: TableId;
  /**
   * Which of the stream's inserts reach the function (Lambda event filtering; the local poller
   * applies the same pattern): every insert by default, or only items whose sort key is this value.
   */
  readonly streamSortKeyEquals?: string;
  /**
   * Where the stream is consumed: in every region (default), or only in the primary region (a
   * consumer that must be the one writer of what it produces, such as the real-time channel log),
   * or in every region of a deployment with replica regions only (a consumer of what replication
   * changes: a global table's replicas always stream new and old images).
   */
  readonly streamRegions?: 'every' | 'primary' | 'replicated';
  /** The stream records that reach it: inserts by default. */
  readonly streamEvents?: readonly ('INSERT' | 'MODIFY')[];
  /**
   * How long a failed stream batch is retried (bisected each time) before it is parked in the
   * on-failure queue: `STREAM_RETRY_ATTEMPTS` attempts by default, or, for a consumer that writes
   * a provisioned table and must not skip records while auto scaling catches up with a burst,
   * until its oldest record is `untilAgeSeconds` old (ADR 0035, addendum).
   */
  readonly streamRetry?: { readonly untilAgeSeconds: number };
  /**
   * `data`: built once, in the data stack (primary region), not in every service stack: the secret
   * rotation function, whose rotation schedules must sit beside the secrets they rotate (a schedule
   * in another stack needs the SMG4 acknowledgement, and one in the data stack naming a service-stack
   * function is a cycle). Its alarms are in the primary service stack, by its derived name.
   */
  readonly stack?: 'data';
  /**
   * Reads the attributes of the region's two alarm topics (`sns:GetTopicAttributes` on those two
   * topics only); their ARNs come in ALARM_TOPIC_ARN_ENV (src/catalog/function-env.ts).
   */
  readonly alarmTopics?: 'read-attributes';
  /**
   * Where the function runs: everywhere (default), or in AWS only, with the reason. The local mode
   * starts no `aws-only` function (README, "What the local mode matches in AWS").
   */
  readonly runs?: { readonly awsOnly: string };
  /**
   * An API function (issue 12, ADR 0022 sixth round): the route areas (src/catalog/route-table.ts
   * `area`) whose routes API Gateway and the local gateway send to it, each area served by exactly
   * one function (src/catalog/api-functions.ts checks), and for one of them `catchAll`: every
   * unknown path and method too (API Gateway's `ANY` methods and `{proxy+}`), answered 404/405.
   * Every API function has the timeout API_TIMEOUT_SECONDS.
   */
  readonly api?: { readonly areas: readonly RouteArea[]; readonly catchAll?: true };
  readonly description: string;
}

export const FUNCTIONS: readonly FunctionDefinition[] = [
  {
    id: 'Api',
    entry: 'functions/api/handler.ts',
    memoryMb: 512,
    timeoutSeconds: API_TIMEOUT_SECONDS,
    // The API description and the deep health check, and the catch-all (404/405 for unknown paths
    // and methods); every other area has a function of its own (ADR 0022, sixth and tenth rounds).
    api: { areas: ['meta'], catchAll: true },
    // The deep health check probes the region's own Reviews replica (a GetItem), the ingest queue
    // (GetQueueAttributes, part of the send grant) and the signing key ring: what the reviews area
    // needs to answer (src/wiring.ts healthProbes). It reads and sends nothing else.
    tables: { Reviews: 'read' },
    queues: { Ingest: 'send' },
    secrets: ['ReviewTokenKey'],
    description: 'HTTP API: the API description, the deep health check, and unknown routes (404/405).',
  },
  {
    id: 'ApiReviews',
    entry: 'functions/api/reviews-handler.ts',
    memoryMb: 512,
    timeoutSeconds: API_TIMEOUT_SECONDS,
    api: { areas: ['reviews'] },
    // Least privilege: what the reviews area's routes use. Reviews are read (the worker writes
    // them); review requests and their daily quota written; Idempotency-Key records.
    tables: { Reviews: 'read', Idempotency: 'readwrite', ReviewRequests: 'readwrite' },
    // Reviews to the ingest queue (202 once queued), review-request e-mails, replies.
    queues: { Ingest: 'send', ReviewRequestEmails: 'send', Replies: 'send' },
    // Signs shareable links and list cursors; checks review-link tokens.
    secrets: ['ReviewTokenKey'],
    settings: ['ReviewRequestsPerDay'],
    description:
      'HTTP API, reviews area: review requests, reviews in (202 once queued) and out, summary, replies.',
  },
  {
    id: 'ApiWebhooks',
    entry: 'functions/api/webhooks-handler.ts',
    memoryMb: 512,
    timeoutSeconds: API_TIMEOUT_SECONDS,
    api: { areas: ['webhooks'] },
    // Least privilege: endpoints, deliveries and replay jobs (Deliveries), breakers (a retry resets
    // a tripped one), the event log read for redelivery; Idempotency-Key records (POST of an
    // endpoint); endpoint changes are admin acts, appended to Audit.
    tables: {
      WebhookEndpoints: 'readwrite',
      Deliveries: 'readwrite',
      WebhookBreakers: 'readwrite',
      EventLog: 'read',
      Idempotency: 'readwrite',
      Audit: 'append',
    },
    // Retries and replays are queued, never sent from the API.
    queues: { Deliveries: 'send', Replays: 'send' },
    // Signs and checks list cursors.
    secrets: ['ReviewTokenKey'],
    settings: ['AuditRetentionDays'],
    description: 'HTTP API, webhooks area: endpoints and their secrets, the delivery log, retries, replays.',
  },
  {
    id: 'ApiPlatforms',
    entry: 'functions/api/platforms-handler.ts',
    memoryMb: 512,
    timeoutSeconds: API_TIMEOUT_SECONDS,
    // Reviews from elsewhere: connected platforms, and CSV imports from platforms without an API.
    api: { areas: ['platforms', 'imports'] },
    tables: {
      // The OAuth connect flow, locations, disconnect (tokens sealed by TokenVault).
      Connections: 'readwrite',
      // The platform audit trail read by its routes; connect/disconnect entries and every platform
      // call's entry appended, never changed; ops acts appended.
      Audit: 'append',
      // Token exchanges and revocations are platform calls: their figures feed the health view.
      PlatformStats: 'readwrite',
      PlatformBreakers: 'read',
      ImportJobs: 'readwrite',
    },
    // An import's file is read and its reviews sent on by the ImportWorker.
    queues: { Imports: 'send' },
    // Imports: pre-signs upload URLs and stores small bodies (write), checks an upload exists (read).
    buckets: { Imports: 'readwrite' },
    // The OAuth `state` is signed with a key derived from ReviewTokenKey (and cursors with it). The
    // platform apps' secrets: code exchange, revocation on disconnect.
    secrets: [
      'ReviewTokenKey',
      'GoogleClientSecret',
      'FacebookAppSecret',
      'TrustpilotApiSecret',
      'YelpApiKey',
    ],
    settings: ['OAuthClientIds', 'OAuthRedirectUri', 'AuditRetentionDays'],
    keys: ['TokenVault'],
    description:
      'HTTP API, platforms area: connections (OAuth), the platform audit trail and integration health.',
  },
  {
    id: 'ApiNotifications',
    entry: 'functions/api/notifications-handler.ts',
    memoryMb: 512,
    timeoutSeconds: API_TIMEOUT_SECONDS,
    // Public routes: apart from the rest of the platforms area, so that what anyone can call holds
    // no OAuth secret, no token key and no connection (ADR 0022 tenth round).
    api: { areas: ['notifications'] },
    // Replay keys (conditional puts) and the location directory.
    tables: { PlatformSync: 'readwrite' },
    // A targeted sync per named review (the SyncWorker fetches it).
    queues: { Sync: 'send' },
    // Each platform's proof: Facebook signs with its app secret and answers the handshake with its
    // verify token; Google's and Trustpilot's URLs carry a secret token.
    secrets: ['FacebookAppSecret', 'FacebookVerifyToken', 'GooglePushToken', 'TrustpilotWebhookToken'],
    description:
      'HTTP API, inbound platform notifications (public, verified by each platform): targeted syncs.',
  },
  {
    id: 'ApiModels',
    entry: 'functions/api/models-handler.ts',
    memoryMb: 512,
    timeoutSeconds: API_TIMEOUT_SECONDS,
    api: { areas: ['models'] },
    // Serving statistics written per request; the ops view's use of an ops key is an admin act.
    tables: { ModelStats: 'readwrite', Audit: 'append' },
    queues: {},
    secrets: [],
    // Model store (ADR 0026): the active models for POST /v1/classify and the ops view, read only.
    buckets: { ModelStore: 'read' },
    layers: ['Models'],
    settings: ['AuditRetentionDays'],
    description:
      'HTTP API, models area: classification in process (POST /v1/classify) and the ops model view.',
  },
  {
    id: 'ApiAccess',
    entry: 'functions/api/access-handler.ts',
    memoryMb: 512,
    timeoutSeconds: API_TIMEOUT_SECONDS,
    // Credentials, and what is held about people (data subject requests, ops keys only).
    api: { areas: ['access', 'realtime', 'privacy'] },
    tables: {
      // API keys (issue 9): the supplier's key list, create and revoke (conditional transactions).
      Tenants: 'readwrite',
      // The admin audit trail read; each act (and each use of an ops key) appended.
      Audit: 'append',
      // Data subject requests: an export reads every table that holds personal data; an erasure
      // request writes its tombstone (ReviewRequests) and is run by the PrivacyWorker.
      ReviewRequests: 'readwrite',
      Reviews: 'read',
      Deliveries: 'read',
      WebhookEndpoints: 'read',
      EventLog: 'read',
    },
    queues: { Privacy: 'send' },
    // Signs cursors and real-time connection tokens (keys derived from it, domain-separated).
    secrets: ['ReviewTokenKey'],
    settings: ['AuditRetentionDays'],
    description:
      'HTTP API, access, realtime and privacy areas: API keys, the admin audit trail, real-time tokens, data subject requests.',
  },
  {
    id: 'Authorizer',
    entry: 'functions/authorizer/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    // readwrite: a key's last use (issue 9), one conditional UpdateItem per key per 5 minutes at most.
    tables: { Tenants: 'readwrite' },
    queues: {},
    secrets: [],
    description: 'REQUEST authorizer: resolves an API key hash to its supplier id.',
  },
  {
    id: 'IngestWorker',
    entry: 'functions/ingest-worker/handler.ts',
    memoryMb: 1024,
    timeoutSeconds: 30,
    tables: { Reviews: 'readwrite', Rejected: 'readwrite', ModelStats: 'readwrite', Budgets: 'readwrite' },
    queues: { Ingest: 'consume', Events: 'send', InferenceRetry: 'send' },
    secrets: [],
    layers: ['Models'],
    // The active model configuration and retrained artifacts (ADR 0026).
    buckets: { ModelStore: 'read' },
    description: 'Drains the ingest queue: inference, idempotent review writes, audit, domain events.',
  },
  {
    id: 'InferenceWorker',
    entry: 'functions/inference-worker/handler.ts',
    memoryMb: 1024,
    timeoutSeconds: 30,
    tables: { Reviews: 'readwrite', ModelStats: 'readwrite' },
    queues: { InferenceRetry: 'consume', Events: 'send' },
    secrets: [],
    layers: ['Models'],
    buckets: { ModelStore: 'read' },
    description: 'Retries inference for reviews stored with inference pending, then announces flags.',
  },
  {
    id: 'EventFanout',
    entry: 'functions/event-fanout/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    // Deliveries: the delivery items it creates. The event log is append-only for it (a conditional
    // put per event, reads of a second copy); its stream is the source of real time (RealtimeRecorder).
    tables: { WebhookEndpoints: 'read', Deliveries: 'readwrite', EventLog: 'append' },
    queues: { Events: 'consume', Deliveries: 'send' },
    secrets: [],
    description: 'Drains the events queue: logs each event for replay, one delivery per subscribed endpoint.',
  },
  {
    id: 'WebhookDelivery',
    entry: 'functions/webhook-delivery/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    tables: { WebhookEndpoints: 'readwrite', Deliveries: 'readwrite', WebhookBreakers: 'readwrite' },
    queues: { Deliveries: 'consume-and-send', Events: 'send' },
    secrets: [],
    description: 'Signed webhook attempts: SSRF check, circuit breaker, retries in hops, delivery log.',
  },
  {
    id: 'ReviewRequestMailer',
    entry: 'functions/review-request-mailer/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    // Tenants: the supplier's name for the e-mail.
    tables: { ReviewRequests: 'readwrite', Tenants: 'read' },
    queues: { ReviewRequestEmails: 'consume' },
    secrets: ['ReviewTokenKey'],
    emailSenders: ['ReviewRequests'],
    settings: ['ReviewLinkBaseUrl'],
    description: "E-mails each review request's private link to the couple through SES (ADR 0010).",
  },
  {
    id: 'ReplayWorker',
    entry: 'functions/replay-worker/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    // Reads the event log page by page; restarts the deliveries it replays.
    tables: { WebhookEndpoints: 'read', Deliveries: 'readwrite', EventLog: 'read' },
    // Sends to its own queue: hand-overs after the time budget, hops while another invocation holds a job.
    queues: { Replays: 'consume-and-send', Deliveries: 'send' },
    secrets: [],
    description:
      'Runs replay jobs: pages through the event log from the job cursor, enqueues deliveries once.',
  },
  // Platform sync: one page per message, behind quotas and the platform breaker.
  {
    id: 'SyncWorker',
    entry: 'functions/sync-worker/handler.ts',
    memoryMb: 512,
    // One platform call per message (10 s timeout) plus a token refresh and a retry, in parallel per batch.
    timeoutSeconds: 60,
    tables: {
      RateLimits: 'readwrite',
      PlatformBreakers: 'readwrite',
      PlatformSync: 'readwrite',
      // Status changes and cursors; the sealed refresh token (rotated on refresh) lives beside it.
      Connections: 'readwrite',
      // Every platform call and token refresh is audited; per-minute call figures for the health view.
      Audit: 'append',
      PlatformStats: 'readwrite',
    },
    // Sends to its own queue: next pages, targeted re-fetches and deferrals; reviews go to ingestion.
    queues: { Sync: 'consume-and-send', Ingest: 'send' },
    // Token refresh needs the platform apps' secrets (Yelp: the API key itself).
    secrets: ['GoogleClientSecret', 'FacebookAppSecret', 'TrustpilotApiSecret', 'YelpApiKey'],
    settings: ['OAuthClientIds', 'OAuthRedirectUri', 'AuditRetentionDays'],
    keys: ['TokenVault'],
    description:
      'Platform sync: one page per message within quotas and behind the platform breaker; defers without failing.',
  },
  {
    id: 'SyncScheduler',
    entry: 'functions/sync-scheduler/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 60,
    tables: {
      PlatformSync: 'readwrite',
      Connections: 'read',
      // The health gauges it publishes each run (breaker open, quota headroom, error rate).
      PlatformBreakers: 'read',
      PlatformStats: 'read',
    },
    queues: { Sync: 'send' },
    secrets: [],
    description:
      'Every 5 minutes: an incremental sync per active location, a full sweep once a day per location; publishes the platform health gauges.',
  },
  {
    id: 'ImportWorker',
    entry: 'functions/import-worker/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 120,
    tables: { ImportJobs: 'readwrite' },
    // Sends to its own queue: the follow-up message of a chunk handed over at its time budget.
    queues: { Imports: 'consume-and-send', Ingest: 'send' },
    secrets: [],
    buckets: { Imports: 'read' },
    description:
      'Runs review imports: streams the file from its checkpoint, validates rows, queues good ones for ingestion, records bad ones.',
  },
  {
    id: 'ReplyWorker',
    entry: 'functions/reply-worker/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: {
      // The reply's state on the review.
      Reviews: 'readwrite',
      // The connection and its sealed refresh token (rotated on refresh).
      Connections: 'readwrite',
      // Every platform call and token refresh is audited; per-minute call figures for the health view.
      Audit: 'append',
      PlatformStats: 'readwrite',
      PlatformBreakers: 'readwrite',
      // The platforms' token buckets, shared with the SyncWorker: a reply takes its token too.
      RateLimits: 'readwrite',
    },
    // Sends to its own queue: deferrals (breaker, buckets, rate limits, transient failures) as DelaySeconds hops.
    queues: { Replies: 'consume-and-send', Events: 'send' },
    // Token refresh needs the platform apps' secrets.
    secrets: ['GoogleClientSecret', 'FacebookAppSecret', 'TrustpilotApiSecret', 'YelpApiKey'],
    settings: ['OAuthClientIds', 'OAuthRedirectUri', 'AuditRetentionDays'],
    keys: ['TokenVault'],
    description:
      "Publishes suppliers' replies on the review's platform, records the reply state on the review, announces review.replied / review.reply_failed.",
  },
  // Real-time updates (issue 14; docs/realtime.md)
  {
    id: 'RealtimeSocket',
    entry: 'functions/realtime-socket/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { RealtimeConnections: 'readwrite', RealtimeLog: 'read' },
    queues: {},
    // Connection tokens are checked with a key derived from the review-token ring.
    secrets: ['ReviewTokenKey'],
    manageConnections: true,
    description:
      'WebSocket routes: $connect (token check), $disconnect, subscribe (entitlement, resume), unsubscribe, ping, $default.',
  },
  {
    id: 'RealtimeRecorder',
    entry: 'functions/realtime-recorder/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 60,
    tables: { RealtimeLog: 'readwrite' },
    queues: {},
    secrets: [],
    // The event log's inserts in the primary region, whose replica holds every region's events:
    // one writer per channel, so a channel's seq never forks (ADR 0017), and off the webhook path.
    // Its own table: every insert is an event, so the filter is just INSERT.
    tableStream: 'EventLog',
    streamRegions: 'primary',
    // It writes RealtimeLog, which is provisioned (ADR 0035, addendum): a throttled batch is
    // retried for as long as auto scaling may take (and then some), not for ten quick attempts.
    streamRetry: { untilAgeSeconds: 900 },
    description:
      "Records each logged domain event in its real-time channel's log (gapless seq per channel, each event once), from the event log's stream.",
  },
  {
    id: 'RealtimeFanout',
    entry: 'functions/realtime-fanout/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    tables: { RealtimeConnections: 'readwrite', RealtimeLog: 'read' },
    queues: {},
    secrets: [],
    manageConnections: true,
    tableStream: 'RealtimeLog',
    description:
      "The channel log's stream in this region to the subscribed WebSocket connections (PostToConnection, once each, in order); 410 removes.",
  },
  // Two regions (issue 11, ADR 0020)
  {
    id: 'SummaryCorrection',
    entry: 'functions/summary-correction/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 60,
    // Its own summary shard and the once-only correction markers.
    tables: { Reviews: 'readwrite' },
    queues: {},
    secrets: [],
    tableStream: 'Reviews',
    streamRegions: 'replicated',
    // Only a replaced item can need a correction.
    streamEvents: ['MODIFY'],
    // It writes Reviews, which is provisioned: retried through a throttle, not skipped (ADR 0035, addendum).
    streamRetry: { untilAgeSeconds: 900 },
    description:
      "Takes a review write that last writer wins replaced (a review created or edited in two regions at once) out of this region's summary shard, from the Reviews stream.",
  },
  {
    id: 'ReplicatedSpending',
    entry: 'functions/replicated-spending/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 60,
    tables: { Budgets: 'read' },
    queues: { Events: 'send' },
    secrets: [],
    tableStream: 'Budgets',
    streamRegions: 'replicated',
    streamEvents: ['INSERT', 'MODIFY'],
    description:
      "Announces the budget thresholds another region's arriving expense crosses in this region's view, from the Budgets stream.",
  },
  // Secret rotation (issue 9)
  {
    id: 'SecretRotation',
    entry: 'functions/secret-rotation/handler.ts',
    stack: 'data',
    memoryMb: 256,
    // A platform proof may take the HTTP client's 10 s; the Secrets Manager calls around it little.
    timeoutSeconds: 30,
    // Rotations are admin acts (secret.rotated / secret.rotation_failed), appended to the audit trail.
    tables: { Audit: 'append' },
    queues: {},
    // Read here (and the variables that tell which catalog secret an event's ARN is); the write
    // actions on each secret come with its rotation schedule (lib/stacks/data-stack.ts), in the
    // primary region only, where the secrets are rotated and then replicated.
    secrets: [
      'ReviewTokenKey',
      'GoogleClientSecret',
      'FacebookAppSecret',
      'TrustpilotApiSecret',
      'YelpApiKey',
      'FacebookVerifyToken',
      'GooglePushToken',
      'TrustpilotWebhookToken',
    ],
    // The client ids, to prove a staged client secret at the platform's token endpoint.
    settings: ['OAuthClientIds', 'AuditRetentionDays'],
    description:
      "Secrets Manager's rotation function: the four steps for every catalogued secret, by its strategy (src/credentials).",
  },
  // Data subject requests (issue 9)
  {
    id: 'PrivacyWorker',
    entry: 'functions/privacy-worker/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 300,
    tables: {
      // Deletes the person's review requests; keeps the tombstone.
      ReviewRequests: 'readwrite',
      // Anonymises the person's reviews and their audit entries in place.
      Reviews: 'readwrite',
      // Blanks the responses kept with the deliveries of those reviews' events.
      Deliveries: 'readwrite',
      // Purges the event-log items about those reviews.
      EventLog: 'readwrite',
      // The supplier's endpoint ids (delivery ids derive from event and endpoint).
      WebhookEndpoints: 'read',
      // Every step is an admin act (privacy.erased), append-only.
      Audit: 'append',
    },
    queues: { Privacy: 'consume', Events: 'send' },
    secrets: [],
    settings: ['AuditRetentionDays'],
    description:
      'Runs data subject erasures: anonymises reviews, purges event-log payloads, deletes review requests, tells the suppliers (privacy.erasure_requested).',
  },
  // Scheduled webhook secret rotation (issue 9; docs/webhooks.md)
  {
    id: 'WebhookSecretRotation',
    entry: 'functions/webhook-secret-rotation/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 120,
    tables: {
      // The due endpoints (rotation index) and their conditional rotation.
      WebhookEndpoints: 'readwrite',
      // Each rotation is an admin act (endpoint.secret_rotated), append-only.
      Audit: 'append',
    },
    queues: {},
    secrets: [],
    settings: ['AuditRetentionDays'],
    // Hourly, in the primary region only: conditional writes on a global table hold per region,
    // so two regions rotating the same endpoint at once would both win there (last writer wins).
    schedule: {
      everyMinutes: 60,
      regions: 'primary',
      description: 'Rotates the webhook signing secrets whose scheduled rotation is due.',
    },
    description:
      "Hourly: rotates the webhook endpoints' signing secrets whose scheduled rotation is due (with the overlap), audited.",
  },
  // Model retraining and rollout (issue 13, ADR 0026)
  {
    id: 'ModelRetrain',
    entry: 'functions/model-retrain/handler.ts',
    // Training holds the 2^18-weight prior and the feature vectors of up to 23,000 texts.
    memoryMb: 2048,
    timeoutSeconds: 600,
    // Reads stored reviews (their stars are the weak labels), never changes them.
    tables: { Reviews: 'read' },
    queues: {},
    secrets: [],
    // The current model, the original training data and the frozen gold set come from the layer.
    layers: ['Models'],
    buckets: { ModelStore: 'readwrite' },
    description:
      'Weekly: retrains sentiment from stored reviews (weak labels) and the original data, evaluates on the gold set, stores the candidate, starts a canary when it beats the current model.',
  },
  {
    id: 'ModelRollout',
    entry: 'functions/model-rollout/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    // The canary's and control's prediction statistics; promotions and rollbacks are audited.
    tables: { ModelStats: 'read', Audit: 'append' },
    queues: { Events: 'send' },
    secrets: [],
    buckets: { ModelStore: 'readwrite' },
    settings: ['AuditRetentionDays'],
    description:
      'Every 15 minutes: promotes a canary model that kept up, rolls back one whose alarms would fire (audited, model.promoted / model.rolled_back).',
  },
  // The paging path's subscriptions (issue 10): CloudWatch has no metric for a pending subscription.
  {
    id: 'PagingCheck',
    entry: 'functions/paging-check/handler.ts',
    memoryMb: 128,
    timeoutSeconds: 30,
    tables: {},
    queues: {},
    secrets: [],
    alarmTopics: 'read-attributes',
    runs: { awsOnly: 'reads the SNS alarm topics, which the local mode does not have (no SNS emulator)' },
    description:
      'Every 15 minutes: reads the pending and confirmed subscriptions of the two alarm topics and publishes them as metrics, for the paging-path alarms.',
  },
];

/** The functions built in the data stack (`stack: 'data'`); every other one is in each service stack. */
export type DataFunctionId = 'SecretRotation';
export type ServiceFunctionId = Exclude<FunctionId, DataFunctionId>;
export const isDataFunction = (f: FunctionDefinition): f is FunctionDefinition & { id: DataFunctionId } =>
  f.stack === 'data';
export const DATA_FUNCTIONS = FUNCTIONS.filter(isDataFunction);
export const SERVICE_FUNCTIONS = FUNCTIONS.filter(
  (f): f is FunctionDefinition & { id: ServiceFunctionId } => !isDataFunction(f),
);

/** The function that drains a queue: the one with `consume` access to it (at most one). */
export function consumerOf(queueId: QueueId): FunctionDefinition | undefined {
  const consumers = FUNCTIONS.filter((f) => {
    const access = f.queues[queueId];
    return access === 'consume' || access === 'consume-and-send';
  });
  if (consumers.length > 1) throw new Error(`queue ${queueId} has more than one consumer`);
  return consumers[0];
}

export function functionDefinition(id: FunctionId): FunctionDefinition {
  const fn = FUNCTIONS.find((f) => f.id === id);
  if (!fn) throw new Error(`unknown function ${id}`);
  return fn;
}

/** A Lambda event filter pattern (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html): equality lists only. */
export interface StreamFilterPattern {
  readonly [field: string]: readonly string[] | StreamFilterPattern;
}

/**
 * The records of its table's stream a function gets: inserts, and with `streamSortKeyEquals` only
 * items with that sort key. CDK passes it to the event source mapping; the local poller applies it.
 */
export function streamFilterPattern(def: FunctionDefinition): StreamFilterPattern | undefined {
  if (!def.tableStream) return undefined;
  const table = tableDefinition(def.tableStream);
  // A global table's replicas stream new and old images; other consumers need the catalog's stream.
  if (!table.stream && def.streamRegions !== 'replicated') {
    throw new Error(`${def.id}: table ${def.tableStream} has no stream`);
  }
  const sortKey = table.sortKey;
  if (def.streamSortKeyEquals !== undefined && !sortKey)
    throw new Error(`${def.id}: table ${def.tableStream} has no sort key to filter on`);
  return {
    eventName: [...(def.streamEvents ?? ['INSERT'])],
    ...(def.streamSortKeyEquals !== undefined && sortKey
      ? { dynamodb: { Keys: { [sortKey]: { S: [def.streamSortKeyEquals] } } } }
      : {}),
  };
}

/** Attempts of a failed stream batch before it is parked, unless the consumer's `streamRetry` says otherwise. */
export const STREAM_RETRY_ATTEMPTS = 10;

/**
 * The event source mapping's retry bounds of a stream consumer: `retryAttempts` -1 (no count:
 * Lambda retries until the age bound) and `maxRecordAgeSeconds` for an age-bounded consumer;
 * otherwise `STREAM_RETRY_ATTEMPTS` and no age bound (the stream's 24 hours).
 */
export function streamRetryOf(def: FunctionDefinition): {
  readonly retryAttempts: number;
  readonly maxRecordAgeSeconds?: number;
} {
  if (!def.streamRetry) return { retryAttempts: STREAM_RETRY_ATTEMPTS };
  const age = def.streamRetry.untilAgeSeconds;
  if (!Number.isInteger(age) || age < 60 || age > 86_400) {
    throw new Error(`${def.id}: streamRetry.untilAgeSeconds must be 60 to 86400 (a stream keeps 24 hours)`);
  }
  return { retryAttempts: -1, maxRecordAgeSeconds: age };
}

/**
 * The functions that consume a table's stream in a region (`primary`: the primary region only;
 * `replicated`: only where the deployment has replica regions).
 */
export function streamConsumersIn(
  isPrimaryRegion: boolean,
  replicated: boolean,
): (FunctionDefinition & { readonly tableStream: TableId })[] {
  return FUNCTIONS.filter(
    (f): f is FunctionDefinition & { readonly tableStream: TableId } =>
      f.tableStream !== undefined &&
      (f.streamRegions === 'primary'
        ? isPrimaryRegion
        : f.streamRegions === 'replicated'
          ? replicated
          : true),
  );
}
