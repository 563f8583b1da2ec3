/**
 * The environment variables a function gets from its catalog entry, computed in this one place:
 * the CDK construct (lib/constructs/service-function.ts) sets exactly these beside its IAM grants,
 * and the local mode (local/function-env.ts) gives each handler exactly these, so a grant missing
 * from the catalog fails locally as it would in AWS (src/wiring.ts reads them with requireEnv).
 */
import { FUNCTION_TIMEOUT_ENV } from '../shared/env';
import { bucketDefinition, type BucketId } from './buckets';
import { emailSenderDefinition, type EmailSenderId } from './email';
import { keyDefinition, type ApplicationKeyId } from './keys';
import type { FunctionDefinition } from './functions';
import { dlqEnvVar, queueDefinition, type QueueId } from './queues';
import { secretDefinition, type SecretId } from './secrets';
import { settingDefinition, type SettingId } from './settings';
import { tableDefinition, type TableId } from './tables';

/** How a deployment (or the local mode) names each granted resource. */
export interface ResourceNames {
  table(id: TableId): string;
  queue(id: QueueId): string;
  /** The queue's DLQ, for a `consume-and-send` consumer (it parks what it gives up on there). */
  deadLetterQueue(id: QueueId): string;
  secret(id: SecretId): string;
  /** The From address and configuration set of an SES sender. */
  emailSender(id: EmailSenderId): { readonly fromAddress: string; readonly configurationSetName: string };
  /** A plain setting's value from the deployment configuration. */
  setting(id: SettingId): string;
  /** A KMS key's ARN (in the function's region), or the local mode's `local:<key file>`. */
  key(id: ApplicationKeyId): string;
  /** An S3 bucket's name. */
  bucket(id: BucketId): string;
  /** The WebSocket API's management endpoint (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`). */
  webSocketManagementEndpoint?(): string;
  /** An alarm topic's ARN (issue 10), for functions with `alarmTopics`; AWS only. */
  alarmTopicArn?(topic: AlarmTopicId): string;
}

/** Carries the WebSocket management endpoint to functions with `manageConnections`. */
export const REALTIME_MANAGEMENT_ENDPOINT_ENV = 'REALTIME_MANAGEMENT_ENDPOINT';

/** The region's two alarm topics (issue 10; lib/constructs/service-alarms.ts makes them). */
export const ALARM_TOPIC_IDS = ['critical', 'warning'] as const;
export type AlarmTopicId = (typeof ALARM_TOPIC_IDS)[number];
/** Carries each alarm topic's ARN to functions with `alarmTopics`. */
export const ALARM_TOPIC_ARN_ENV: Readonly<Record<AlarmTopicId, string>> = {
  critical: 'CRITICAL_ALARM_TOPIC_ARN',
  warning: 'WARNING_ALARM_TOPIC_ARN',
};

/**
 * One entry per grant: tables, queues a function sends to (and its DLQ where it may), secrets,
 * e-mail senders and settings; plus the function's timeout, which its SDK clients keep inside
 * (src/shared/aws-clients.ts).
 */
export function environmentFor(fn: FunctionDefinition, names: ResourceNames): Record<string, string> {
  const env: Record<string, string> = { [FUNCTION_TIMEOUT_ENV]: String(fn.timeoutSeconds) };
  for (const tableId of Object.keys(fn.tables) as TableId[]) {
    env[tableDefinition(tableId).envVar] = names.table(tableId);
  }
  for (const [queueId, use] of Object.entries(fn.queues) as [QueueId, string][]) {
    const queue = queueDefinition(queueId);
    // A pure consumer gets its events from the event source mapping, not from a URL.
    if (use === 'send' || use === 'consume-and-send') env[queue.envVar] = names.queue(queueId);
    if (use === 'consume-and-send') env[dlqEnvVar(queue)] = names.deadLetterQueue(queueId);
  }
  for (const secretId of fn.secrets) {
    env[secretDefinition(secretId).envVar] = names.secret(secretId);
  }
  for (const senderId of fn.emailSenders ?? []) {
    const sender = emailSenderDefinition(senderId);
    const { fromAddress, configurationSetName } = names.emailSender(senderId);
    env[sender.fromEnvVar] = fromAddress;
    env[sender.configurationSetEnvVar] = configurationSetName;
  }
  for (const bucketId of Object.keys(fn.buckets ?? {}) as BucketId[]) {
    env[bucketDefinition(bucketId).envVar] = names.bucket(bucketId);
  }
  for (const settingId of fn.settings ?? []) {
    env[settingDefinition(settingId).envVar] = names.setting(settingId);
  }
  for (const keyId of fn.keys ?? []) {
    env[keyDefinition(keyId).envVar] = names.key(keyId);
  }
  if (fn.manageConnections) {
    if (!names.webSocketManagementEndpoint)
      throw new Error(`${fn.id} posts to WebSocket connections: no endpoint given`);
    env[REALTIME_MANAGEMENT_ENDPOINT_ENV] = names.webSocketManagementEndpoint();
  }
  if (fn.alarmTopics) {
    const arn = names.alarmTopicArn;
    if (!arn) throw new Error(`${fn.id} reads the alarm topics: no topic ARNs given`);
    for (const topic of ALARM_TOPIC_IDS) env[ALARM_TOPIC_ARN_ENV[topic]] = arn(topic);
  }
  return env;
}

/** Settings every function gets from the deployment configuration (the same in every function). */
export interface FunctionSettings {
  readonly serviceName: string;
  readonly metricsNamespace: string;
  readonly logLevel: string;
}

/**
 * Powertools settings every function is deployed with. No NODE_OPTIONS: `--enable-source-maps`
 * parsed each bundle's map at every cold start; the bundles map their stack traces themselves, at
 * the first one (src/shared/lazy-source-maps.ts).
 */
export function settingsEnvironment(settings: FunctionSettings): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: settings.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: settings.metricsNamespace,
    POWERTOOLS_LOG_LEVEL: settings.logLevel,
  };
}
