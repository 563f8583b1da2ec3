/**
 * The one table that says how loud every alarm is (issue 10). Each kind of alarm the stacks create
 * is listed here with its severity (per subject where subjects differ: a queue, a function, a
 * topic) and its runbook page; the constructs that build alarms name a kind and never choose a
 * topic or a page themselves. A new queue or function does not compile until it is given a
 * severity here.
 *
 * - **critical**: users are affected now or data is at risk. Critical alarms have no action of their
 *   own: they are the children of the region's `service-degraded` composite alarm, which pages
 *   on-call (PagerDuty) once per incident, however many of them fire together.
 * - **warning**: someone should look within working hours. Sent to the warning topic (e-mail, chat).
 *
 * The only exception is `standalone`: a critical alarm that must page by itself because it is not a
 * degradation of the service (the warning channel itself failing).
 */
import type { FunctionId } from '#src/catalog/functions';
import { API_FUNCTION_IDS, type ApiFunctionId } from '#src/catalog/api-functions';
import type { QueueId } from '#src/catalog/queues';
import { kebabCase } from './runbooks';

export type Severity = 'critical' | 'warning';

/** What each severity means, for the runbooks and the README. */
export const SEVERITY_MEANING: Readonly<Record<Severity, string>> = {
  critical: 'pages on-call (PagerDuty) through the region\'s "service degraded" composite alarm',
  warning: 'goes to the warning topic (e-mail, chat): look within working hours',
};

/** The two topics; the paging path alarms watch each one and report to the other. */
export type TopicId = 'critical' | 'warning';

interface AlarmKind<S extends string> {
  /** One severity for every alarm of the kind, or one per subject (checked to cover every subject). */
  readonly severity: Severity | Readonly<Record<S, Severity>>;
  /** The runbook page (in runbooks/, without `.md`), or one per subject. */
  readonly runbook: string | ((subject: S) => string);
  /** Pages on its own instead of through the composite (critical alarms only). */
  readonly standalone?: boolean;
}

const kind = <S extends string = never>(definition: AlarmKind<S>): AlarmKind<S> => definition;

/** Queues whose delay or loss users see at once (the review and webhook path). */
const QUEUE_SEVERITY: Readonly<Record<QueueId, Severity>> = {
  Ingest: 'critical',
  Events: 'critical',
  Deliveries: 'critical',
  InferenceRetry: 'warning',
  ReviewRequestEmails: 'warning',
  Replays: 'warning',
  Sync: 'warning',
  Imports: 'warning',
  Replies: 'warning',
  // Data subject requests (issue 9): erasures have a legal deadline in days, not seconds.
  Privacy: 'warning',
};

/**
 * One severity per function: every API function's (src/catalog/api-functions.ts, one per route area)
 * derived from the catalog, since each fails its callers alike; every other function's listed here.
 */
const perFunction = (
  api: Severity,
  others: Readonly<Record<Exclude<FunctionId, ApiFunctionId>, Severity>>,
): Readonly<Record<FunctionId, Severity>> => ({
  ...(Object.fromEntries(API_FUNCTION_IDS.map((id) => [id, api])) as Record<ApiFunctionId, Severity>),
  ...others,
});

export const ALARM_TABLE = {
  // Queues (lib/constructs/monitored-queue.ts): a parked message, a consumer falling behind.
  queueDlqNotEmpty: kind<QueueId>({
    severity: QUEUE_SEVERITY,
    runbook: (queue) => `${kebabCase(queue)}-dlq-not-empty`,
  }),
  queueMessageAge: kind<QueueId>({
    severity: QUEUE_SEVERITY,
    runbook: (queue) => `${kebabCase(queue)}-queue-message-age`,
  }),
  /** Messages that can never be processed, parked in the Rejected table (nothing is lost). */
  rejectedMessages: kind({ severity: 'warning', runbook: 'rejected-messages' }),

  // Functions (lib/constructs/service-function.ts).
  functionErrors: kind<FunctionId>({
    // The API functions fail their callers (ADR 0022, sixth round).
    severity: perFunction('critical', {
      Authorizer: 'critical',
      IngestWorker: 'critical',
      EventFanout: 'critical',
      WebhookDelivery: 'critical',
      InferenceWorker: 'warning',
      ReviewRequestMailer: 'warning',
      ReplayWorker: 'warning',
      SyncWorker: 'warning',
      SyncScheduler: 'warning',
      ImportWorker: 'warning',
      ReplyWorker: 'warning',
      // Real-time updates (issue 14): live updates degrade; webhooks and the API are unaffected.
      RealtimeSocket: 'warning',
      RealtimeRecorder: 'warning',
      RealtimeFanout: 'warning',
      // Two regions (ADR 0020): a missed correction leaves a summary or a threshold off until fixed.
      SummaryCorrection: 'warning',
      ReplicatedSpending: 'warning',
      // A failed rotation leaves the current secret in place (issue 9).
      SecretRotation: 'warning',
      PrivacyWorker: 'warning',
      // A failed scheduled rotation leaves the endpoint's secrets as they were; the next hour retries.
      WebhookSecretRotation: 'warning',
      // Model retraining (issue 13): a failed run leaves the serving models as they are.
      ModelRetrain: 'warning',
      ModelRollout: 'warning',
      // The paging path's check (issue 10): if it fails, its subscription alarms go silent, not red.
      PagingCheck: 'warning',
    }),
    runbook: 'function-errors',
  }),
  /** Throttled API functions fail callers; throttled queue consumers only delay (SQS keeps the messages). */
  functionThrottles: kind<FunctionId>({
    // The API functions fail their callers (ADR 0022, sixth round).
    severity: perFunction('critical', {
      Authorizer: 'critical',
      IngestWorker: 'warning',
      EventFanout: 'warning',
      WebhookDelivery: 'warning',
      InferenceWorker: 'warning',
      ReviewRequestMailer: 'warning',
      ReplayWorker: 'warning',
      SyncWorker: 'warning',
      SyncScheduler: 'warning',
      ImportWorker: 'warning',
      ReplyWorker: 'warning',
      // Real-time updates (issue 14): live updates degrade; webhooks and the API are unaffected.
      RealtimeSocket: 'warning',
      RealtimeRecorder: 'warning',
      RealtimeFanout: 'warning',
      // Two regions (ADR 0020): a missed correction leaves a summary or a threshold off until fixed.
      SummaryCorrection: 'warning',
      ReplicatedSpending: 'warning',
      SecretRotation: 'warning',
      PrivacyWorker: 'warning',
      WebhookSecretRotation: 'warning',
      ModelRetrain: 'warning',
      ModelRollout: 'warning',
      PagingCheck: 'warning',
    }),
    runbook: 'lambda-throttles',
  }),
  lambdaConcurrency: kind({ severity: 'warning', runbook: 'lambda-throttles' }),

  // The API (lib/constructs/service-api.ts).
  api5xx: kind({ severity: 'critical', runbook: 'api-5xx' }),
  apiLatencyP99: kind({ severity: 'warning', runbook: 'api-traffic' }),
  api4xxSurge: kind({ severity: 'warning', runbook: 'api-traffic' }),
  api429Surge: kind({ severity: 'warning', runbook: 'api-traffic' }),
  wafBlocks: kind({ severity: 'warning', runbook: 'api-traffic' }),

  // DynamoDB global tables, every table of the region at once (lib/constructs/data-alarms.ts).
  dynamoSystemErrors: kind({ severity: 'critical', runbook: 'dynamodb' }),
  dynamoThrottles: kind({ severity: 'warning', runbook: 'dynamodb' }),
  // Throttled items inside batches (BatchGetItem, BatchWriteItem), which ThrottledRequests misses:
  // provisioned tables (ADR 0035) throttle there first when auto scaling lags.
  dynamoReadThrottleEvents: kind({ severity: 'warning', runbook: 'dynamodb' }),
  dynamoWriteThrottleEvents: kind({ severity: 'warning', runbook: 'dynamodb' }),
  dynamoReplicationLatency: kind({ severity: 'warning', runbook: 'dynamodb' }),

  // Webhooks: endpoints' own failures are the subscribers' to fix; we watch the ratio.
  webhookFailureRatio: kind({ severity: 'warning', runbook: 'webhooks' }),
  webhookEndpointsDisabled: kind({ severity: 'warning', runbook: 'webhooks' }),

  // Models (lib/constructs/model-alarms.ts): quality, not availability.
  modelDrift: kind({ severity: 'warning', runbook: 'model-drift' }),
  modelAgreement: kind({ severity: 'warning', runbook: 'model-agreement' }),
  inferencePending: kind({ severity: 'warning', runbook: 'inference-pending' }),
  // Bias slices (issue 13, ADR 0026): a slice of reviews agreeing with its stars well below the rest.
  modelBiasSlice: kind({ severity: 'warning', runbook: 'model-bias-slices' }),

  // Platform integrations (lib/constructs/platform-alarms.ts): a platform's trouble, not ours.
  platformBreakerOpen: kind({ severity: 'warning', runbook: 'platform-breaker-open' }),
  platformSyncLag: kind({ severity: 'warning', runbook: 'platform-sync-lag' }),
  platformQuotaExhausted: kind({ severity: 'warning', runbook: 'platform-quota-exhausted' }),
  platformReauthRequired: kind({ severity: 'warning', runbook: 'platform-reauth-required' }),
  auditEntriesParked: kind({ severity: 'warning', runbook: 'audit-entries-parked' }),

  // Real-time updates (issue 14; lib/constructs/realtime-monitoring.ts). All warnings, deliberately:
  // the channel log is the source and keeps an hour, clients resume or reload (docs/realtime.md),
  // and reviews, the API and webhooks do not depend on real time. Live updates stalling in one
  // region is worth a look within the day, not a page at night.
  /** Refusals and failures at the WebSocket API (ClientError + IntegrationError + ExecutionError) over its traffic. */
  realtimeConnectionErrors: kind({ severity: 'warning', runbook: 'realtime' }),
  /** The RealtimeLog stream's consumer falling behind (Lambda IteratorAge of RealtimeFanout). */
  realtimeFanoutLag: kind({ severity: 'warning', runbook: 'realtime' }),
  /** Subscriptions a fan-out left unserved over all posts (each is retried; none is lost within the hour). */
  realtimeErrorRate: kind({ severity: 'warning', runbook: 'realtime' }),
  /**
   * Stream batches of either real-time consumer (RealtimeRecorder, RealtimeFanout) skipped after
   * their retries, parked in the one on-failure queue (subscribers must resume or reload).
   */
  realtimeStreamBatchesSkipped: kind({ severity: 'warning', runbook: 'realtime' }),

  // Secret rotation (issue 9): a failed step leaves AWSCURRENT as it was; Secrets Manager retries.
  secretRotationFailed: kind({ severity: 'warning', runbook: 'secret-rotation-failed' }),
  // Deep health (issue 11): the region's health route failing; Route 53 has failed clients over.
  regionUnhealthy: kind({ severity: 'critical', runbook: 'region-failover' }),

  /**
   * The paging path: a topic whose notifications fail (or are published but never delivered, as
   * with an unconfirmed subscription) is reported on the other topic. A broken PagerDuty path is
   * a warning (it cannot page through itself); a broken warning channel pages by itself.
   */
  pagingPath: kind<TopicId>({
    severity: { critical: 'warning', warning: 'critical' },
    runbook: 'paging-path',
    standalone: true,
  }),
  /**
   * The paging path's subscriptions (functions/paging-check): a topic with a subscription pending
   * confirmation, or none confirmed, for an hour. Routed like `pagingPath`, for the same reason.
   */
  pagingSubscriptions: kind<TopicId>({
    severity: { critical: 'warning', warning: 'critical' },
    runbook: 'paging-path',
    standalone: true,
  }),
} as const;

export type AlarmKindId = keyof typeof ALARM_TABLE;

/** The subject type of a kind: a queue id, a function id, a topic, or nothing. */
export type SubjectOf<K extends AlarmKindId> = (typeof ALARM_TABLE)[K] extends AlarmKind<infer S> ? S : never;

/** The composite alarm of each region: any critical alarm in it means the service is degraded. */
export const SERVICE_DEGRADED = { name: 'service-degraded', runbook: 'service-degraded' } as const;

export interface AlarmClass {
  readonly severity: Severity;
  readonly runbook: string;
  /** Critical and part of the composite (false for warnings and standalone critical alarms). */
  readonly inComposite: boolean;
}

/** Severity, runbook page and routing of one alarm of `kindId` about `subject`. */
export function classify<K extends AlarmKindId>(kindId: K, subject?: SubjectOf<K>): AlarmClass {
  const definition = ALARM_TABLE[kindId] as AlarmKind<string>;
  const pick = <T>(value: T | Readonly<Record<string, T>>, isPerSubject: boolean): T => {
    if (!isPerSubject) return value as T;
    if (subject === undefined) throw new Error(`Alarm kind ${kindId} needs a subject`);
    const found = (value as Readonly<Record<string, T>>)[subject];
    if (found === undefined) throw new Error(`Alarm kind ${kindId} has no entry for ${subject}`);
    return found;
  };
  const severity = pick(definition.severity, typeof definition.severity === 'object');
  const runbook =
    typeof definition.runbook === 'function'
      ? definition.runbook(pickSubject(kindId, subject))
      : definition.runbook;
  return { severity, runbook, inComposite: severity === 'critical' && definition.standalone !== true };
}

function pickSubject(kindId: string, subject: string | undefined): string {
  if (subject === undefined) throw new Error(`Alarm kind ${kindId} needs a subject`);
  return subject;
}
