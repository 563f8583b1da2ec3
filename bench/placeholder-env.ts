/**
 * The environment a function gets, with placeholder resource names, for the bench phases that
 * load or run a function's code without the local stack (bench/bundles.ts, bench/api-cpu.ts,
 * bench/worker-cpu.ts): nothing named here is ever reached. Written once; each phase adds what it
 * needs on top (region, credentials, a local key ring).
 */
import type { QueueId } from '../src/catalog/queues';
import type { SecretId } from '../src/catalog/secrets';
import type { FunctionDefinition } from '../src/catalog/functions';
import { environmentFor, settingsEnvironment } from '../src/catalog/function-env';

/** The placeholder name of a secret (a local key ring is keyed by it). */
export const placeholderSecretName = (id: SecretId): string => `bench-secret-${id}`;

/**
 * The catalog's variables for `fn` (src/catalog/function-env.ts), every resource a placeholder:
 * queues get `queueUrl(id)` (a URL the caller's SQS client accepts) and DLQs `queueUrl(id)-dlq`.
 */
export function placeholderEnvironment(
  fn: FunctionDefinition,
  queueUrl: (id: QueueId) => string,
): Record<string, string> {
  const name = (kind: string) => (id: string) => `bench-${kind}-${id}`;
  return {
    ...settingsEnvironment({
      serviceName: 'wedsync-bench',
      metricsNamespace: 'WedSyncBench',
      logLevel: 'ERROR',
    }),
    ...environmentFor(fn, {
      table: name('table'),
      queue: queueUrl,
      deadLetterQueue: (id) => `${queueUrl(id)}-dlq`,
      secret: placeholderSecretName,
      emailSender: () => ({ fromAddress: 'bench@example.com', configurationSetName: 'bench' }),
      setting: () => '1',
      key: name('key'),
      bucket: name('bucket'),
      webSocketManagementEndpoint: () => 'https://bench.execute-api.eu-west-1.amazonaws.com/bench',
      alarmTopicArn: (id) => `arn:aws:sns:eu-west-1:111111111111:bench-${id}`,
    }),
  };
}

/** An SQS queue URL in `region` that no request reaches (the in-process phases answer locally). */
export const placeholderQueueUrl =
  (region: string) =>
  (id: QueueId): string =>
    `https://sqs.${region}.amazonaws.com/000000000000/${id}`;
