/**
 * The whole system on one machine: DynamoDB Local, the SQS emulator, the SES emulator, tables
 * and queues from the catalog, the local gateway in front of the API handler, and pollers feeding
 * the workers. Used by `npm start`, the integration tests and the bench.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QUEUES, type QueueId } from '../src/catalog/queues';
import { join } from 'node:path';
import { LAYERS } from '../src/catalog/layers';
import { SECRETS } from '../src/catalog/secrets';
import { EMAIL_SENDERS } from '../src/catalog/email';
import { settingDefinition } from '../src/catalog/settings';
import { DEFAULT_REVIEW_REQUESTS_PER_DAY } from '../src/reviews';
import { consumerOf, functionDefinition } from '../src/catalog/functions';
import { FUNCTION_TIMEOUT_ENV } from '../src/shared/env';
import { openApiDocument } from '../src/catalog/openapi';
import { REPO_ROOT } from './processes';
import { DynamoDbLocal } from './dynamodb-local';
import { createGateway } from './gateway';
import { referencePageResponse } from './docs-page';
import { createQueues, createTables, type LocalQueue } from './resources';
import { startSqsEmulator, type SqsEmulator } from './sqs-emulator';
import { startSesEmulator } from './ses-emulator';
import { startWorkerHost, type WorkerHost } from './workers';

export interface LocalStackOptions {
  readonly port?: number;
  /** Keep DynamoDB data in files here (survives a DynamoDB Local restart); default in memory. */
  readonly dbPath?: string;
  /** Local visibility timeout for every queue (tests use a few seconds). */
  readonly visibilityTimeoutSeconds?: number;
  readonly pollerConcurrency?: number;
  readonly rateLimit?: { rate: number; burst: number };
  readonly region?: string;
  /** Where the handlers find the model artifacts (default: the Models layer folder). */
  readonly modelDir?: string;
  /** Review requests per supplier per UTC day (default: REVIEW_REQUESTS_PER_DAY, else 200). */
  readonly reviewRequestsPerDay?: number;
  readonly log?: (line: string) => void;
  /**
   * Silence the functions' own output (Powertools logs and EMF metric lines), in this process and
   * in the worker host: `POWERTOOLS_LOG_LEVEL=SILENT`, `POWERTOOLS_METRICS_DISABLED=true`. The
   * bench sets it so that it prints its progress and tables only.
   */
  readonly quietFunctions?: boolean;
}

/** The From address of local e-mails, and where the local e-mails' review links point. */
export const LOCAL_EMAIL_FROM = 'reviews@wedsync.local';
/** The WedSync web app's review page in development (not part of this repository). */
export const LOCAL_REVIEW_LINK_BASE_URL = 'http://localhost:5173/review';

export interface LocalStack {
  readonly apiUrl: string;
  readonly region: string;
  readonly env: Record<string, string>;
  readonly dynamoDb: DynamoDbLocal;
  readonly sqsEndpoint: string;
  /** The SES emulator: SDK endpoint, inbox web page at `/`, sent mail as JSON at `/store`. */
  readonly sesEndpoint: string;
  readonly queues: Record<QueueId, LocalQueue>;
  readonly dynamoClient: DynamoDBClient;
  readonly sqsClient: SQSClient;
  readonly workers: WorkerHost;
  stop(): Promise<void>;
}

/** Where the local gateway serves the API reference page, rendered from the OpenAPI document. */
export const DOCS_PATH = '/docs';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? (() => undefined);
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const item of started.reverse()) await item.stop().catch(() => undefined);
  };
  try {
    log('starting DynamoDB Local, the SQS emulator and the SES emulator...');
    const [dynamoDb, sqsEmulator, sesEmulator] = await Promise.allSettled([
      DynamoDbLocal.start({ dbPath: options.dbPath }),
      startSqsEmulator(),
      startSesEmulator(),
    ]).then((results) => {
      // Stop whichever did start if another failed.
      for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
        DynamoDbLocal,
        SqsEmulator,
        Awaited<ReturnType<typeof startSesEmulator>>,
      ];
    });

    const secrets = Object.fromEntries(
      SECRETS.map((s) => [`local-${s.id}`, [randomBytes(32).toString('base64url')]]),
    );
    const baseEnv: Record<string, string> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsEmulator.endpoint,
      AWS_ENDPOINT_URL_SESV2: sesEmulator.endpoint,
      // Every catalogued sender sends from one local address (the emulator accepts any).
      ...Object.fromEntries(
        EMAIL_SENDERS.flatMap((s) => [
          [s.fromEnvVar, LOCAL_EMAIL_FROM],
          [s.configurationSetEnvVar, 'wedsync-local'],
        ]),
      ),
      [settingDefinition('ReviewRequestsPerDay').envVar]: String(
        options.reviewRequestsPerDay ??
          process.env[settingDefinition('ReviewRequestsPerDay').envVar] ??
          DEFAULT_REVIEW_REQUESTS_PER_DAY,
      ),
      [settingDefinition('ReviewLinkBaseUrl').envVar]:
        process.env[settingDefinition('ReviewLinkBaseUrl').envVar] ?? LOCAL_REVIEW_LINK_BASE_URL,
      WEDSYNC_LOCAL_SECRETS: JSON.stringify(secrets),
      // Local receivers listen on loopback over http; off by default everywhere else (webhook-config.ts).
      WEBHOOKS_ALLOW_LOOPBACK: 'true',
      // The models layer's files, where Lambda would see them under /opt/nodejs/models.
      WEDSYNC_MODEL_DIR:
        options.modelDir ?? join(REPO_ROOT, LAYERS.find((l) => l.id === 'Models')!.localModelDir),
      ...Object.fromEntries(SECRETS.map((s) => [s.envVar, `local-${s.id}`])),
      // The API (and its authorizer) run in this process: their SDK clients keep inside its timeout.
      [FUNCTION_TIMEOUT_ENV]: String(functionDefinition('Api').timeoutSeconds),
      ...(options.quietFunctions
        ? { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' }
        : {}),
    };
    Object.assign(process.env, baseEnv);

    const dynamoClient = new DynamoDBClient({
      region,
      endpoint: dynamoDb.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    const sqsClient = new SQSClient({
      region,
      endpoint: sqsEmulator.endpoint,
      credentials: LOCAL_CREDENTIALS,
      useQueueUrlAsEndpoint: false,
    });
    started.push({ stop: async () => (dynamoClient.destroy(), sqsClient.destroy()) });

    const tableEnv = await createTables(dynamoClient, 'wedsync-local');
    const { env: queueEnv, queues } = await createQueues(sqsClient, 'wedsync-local', {
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    });
    const env = { ...baseEnv, ...tableEnv, ...queueEnv };
    Object.assign(process.env, env);

    // Imported only now: handler modules read their configuration from the environment.
    const api = await import('../functions/api/handler');
    const authorizer = await import('../functions/authorizer/handler');

    const consumed = [];
    for (const definition of QUEUES) {
      if (!definition.consumer) continue;
      const queue = queues[definition.id];
      const { Attributes } = await sqsClient.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['QueueArn'] }),
      );
      consumed.push({ id: definition.id, url: queue.url, arn: Attributes?.QueueArn ?? definition.id });
    }
    log('starting the queue workers in their own process...');
    // One process hosts every consumer: its SDK timeouts follow the shortest consumer timeout.
    const workerTimeout = Math.min(
      ...QUEUES.flatMap((q) => consumerOf(q.id) ?? []).map((fn) => fn.timeoutSeconds),
    );
    const workers = await startWorkerHost(
      { ...env, [FUNCTION_TIMEOUT_ENV]: String(workerTimeout) },
      {
        queues: consumed,
        concurrency: options.pollerConcurrency ?? 4,
      },
    );
    started.push(workers);

    const server: Server = createGateway({
      handlers: { api: api.handleRequest, authorizer: authorizer.handleAuthorization },
      rateLimit: options.rateLimit,
      pages: { [DOCS_PATH]: () => referencePageResponse(openApiDocument()) },
      onError: (error) => log(`gateway: ${(error as Error).message}`),
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    started.push({
      stop: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    });
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    return {
      apiUrl,
      region,
      env,
      dynamoDb,
      sqsEndpoint: sqsEmulator.endpoint,
      sesEndpoint: sesEmulator.endpoint,
      queues,
      dynamoClient,
      sqsClient,
      workers,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
