/**
 * The whole system on one machine: DynamoDB Local, the SQS emulator, the SES emulator, tables and
 * queues from the catalog, the local gateway (with the deployed throttling, timeouts and authorizer cache, read
 * from the same config as the CDK) in front of the API handler, and pollers feeding the workers.
 * Every function runs in its own worker thread with only the environment its catalog entry grants
 * (local/function-env.ts): the API and the authorizer here, the queue consumers in the worker-host
 * process. Used by `npm start`, the integration tests and the bench.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ResourceNames } from '../src/catalog/function-env';
import { openApiDocument } from '../src/catalog/openapi';
import { DEFAULT_REVIEW_REQUESTS_PER_DAY } from '../src/reviews';
import {
  consumerOf,
  FUNCTIONS,
  functionDefinition,
  type FunctionDefinition,
  type FunctionId,
} from '../src/catalog/functions';
import { QUEUES, type QueueId } from '../src/catalog/queues';
import { SECRETS } from '../src/catalog/secrets';
import { tableDefinition } from '../src/catalog/tables';
import { readProjectConfig, type WedSyncConfig } from '../lib/settings';
import { DynamoDbLocal } from './dynamodb-local';
import { localFunctionEnv } from './function-env';
import { startFunctionThread, type FunctionThread } from './function-thread';
import { referencePageResponse } from './docs-page';
import { createGateway, listen, type GatewayLimits } from './gateway';
import { createQueues, createTables, type LocalQueue } from './resources';
import { startSesEmulator } from './ses-emulator';
import { startSqsEmulator, type SqsEmulator } from './sqs-emulator';
import { startWorkerHost, type WorkerHost } from './workers';

export interface LocalStackOptions {
  readonly port?: number;
  /** Keep DynamoDB data in files here (survives a DynamoDB Local restart); default in memory. */
  readonly dbPath?: string;
  /** Local visibility timeout for every queue (tests use a few seconds). */
  readonly visibilityTimeoutSeconds?: number;
  readonly pollerConcurrency?: number;
  /**
   * `deployed` (default): the stage throttling the stacks deploy (cdk.json). `off`: none, for the
   * bench and load tests that measure the handlers rather than the stage limit.
   */
  readonly throttling?: 'deployed' | 'off';
  readonly region?: string;
  /** Where the handlers find the model artifacts (default: the Models layer folder). */
  readonly modelDir?: string;
  /** Review requests per supplier per UTC day (default: REVIEW_REQUESTS_PER_DAY, else 200). */
  readonly reviewRequestsPerDay?: number;
  readonly log?: (line: string) => void;
  /**
   * Silence the functions' own output (Powertools logs and EMF metric lines) in every function's
   * thread: `POWERTOOLS_LOG_LEVEL=SILENT`, `POWERTOOLS_METRICS_DISABLED=true`. The bench sets it
   * so that it prints its progress and tables only.
   */
  readonly quietFunctions?: boolean;
}

/** The From address of local e-mails, and where the local e-mails' review links point. */
export const LOCAL_EMAIL_FROM = 'reviews@wedsync.local';
/** The WedSync web app's review page in development (not part of this repository). */
export const LOCAL_REVIEW_LINK_BASE_URL = 'http://localhost:5173/review';

/** Where the local gateway serves the API reference page, rendered from the OpenAPI document. */
export const DOCS_PATH = '/docs';

export interface LocalStack {
  readonly apiUrl: string;
  readonly region: string;
  /** Every resource name and local setting (for tests and tools; no handler sees all of it). */
  readonly env: Record<string, string>;
  /** The deployment configuration the local gateway applies (cdk.json `wedsync`). */
  readonly config: WedSyncConfig;
  readonly limits: GatewayLimits;
  readonly dynamoDb: DynamoDbLocal;
  readonly sqsEndpoint: string;
  /** The SES emulator: SDK endpoint, inbox web page at `/`, sent mail as JSON at `/store`. */
  readonly sesEndpoint: string;
  readonly queues: Record<QueueId, LocalQueue>;
  readonly dynamoClient: DynamoDBClient;
  readonly sqsClient: SQSClient;
  readonly workers: WorkerHost;
  /** The environment the local mode gives a function with this catalog entry (the same as Lambda's). */
  functionEnv(definition: FunctionDefinition): Record<string, string>;
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The deployed API's limits: stage throttling, integration and function timeouts (no decision cache). */
export function gatewayLimits(
  config: WedSyncConfig,
  throttling: 'deployed' | 'off' = 'deployed',
): GatewayLimits {
  return {
    throttle: config.api,
    throttleEnabled: throttling === 'deployed',
    integrationTimeoutMs:
      Math.min(config.api.integrationTimeoutSeconds, functionDefinition('Api').timeoutSeconds) * 1000,
    authorizerTimeoutMs: functionDefinition('Authorizer').timeoutSeconds * 1000,
    // The one deliberate difference: API Gateway's decision cache is not emulated, so a revoked key
    // stops working within the authorizer's own 4 s key cache locally (the issue
    // asks 5 s), while in AWS both caches add up (ADR 0010, ADR 0011).
    authorizerCacheSeconds: 0,
  };
}

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

    const secretValues = Object.fromEntries(
      SECRETS.map((secret) => [`local-${secret.id}`, [randomBytes(32).toString('base64url')]]),
    );
    // What the Lambda runtime gives every function (here with the emulators' endpoints).
    const runtimeEnv: Record<string, string> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsEmulator.endpoint,
      AWS_ENDPOINT_URL_SESV2: sesEmulator.endpoint,
    };
    const config = readProjectConfig();

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
    const names: ResourceNames = {
      table: (id) => tableEnv[tableDefinition(id).envVar]!,
      queue: (id) => queues[id].url,
      deadLetterQueue: (id) => queues[id].dlqUrl,
      secret: (id) => `local-${id}`,
      // Every catalogued sender sends from one local address (the emulator accepts any).
      emailSender: () => ({ fromAddress: LOCAL_EMAIL_FROM, configurationSetName: 'wedsync-local' }),
      setting: (id) =>
        id === 'AuditRetentionDays'
          ? String(config.platformHealth.auditRetentionDays)
          : id === 'ReviewRequestsPerDay'
            ? String(
                options.reviewRequestsPerDay ??
                  process.env.REVIEW_REQUESTS_PER_DAY ??
                  DEFAULT_REVIEW_REQUESTS_PER_DAY,
              )
            : (process.env.REVIEW_LINK_BASE_URL ?? LOCAL_REVIEW_LINK_BASE_URL),
    };
    const functionEnv = (definition: FunctionDefinition) =>
      localFunctionEnv(definition, {
        runtime: runtimeEnv,
        config,
        names,
        secretValues,
        modelDir: options.modelDir,
        overrides: options.quietFunctions
          ? { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' }
          : process.env,
      });
    const env: Record<string, string> = {
      ...runtimeEnv,
      ...tableEnv,
      ...queueEnv,
      ...Object.fromEntries(SECRETS.map((s) => [s.envVar, names.secret(s.id)])),
      WEDSYNC_LOCAL_SECRETS: JSON.stringify(secretValues),
    };

    // Each handler in its own thread, with only its own environment (as Lambda gives it): the API
    // and the authorizer here, the queue consumers in the worker host; both start in parallel.
    log('starting the functions (API and authorizer here, queue consumers in their own process)...');
    const threads: FunctionThread[] = [];
    started.push({ stop: async () => void (await Promise.all(threads.map((t) => t.stop()))) });
    const startThread = async (id: FunctionId) => {
      const definition = functionDefinition(id);
      const thread = await startFunctionThread(definition, functionEnv(definition));
      threads.push(thread);
      return thread;
    };
    const startConsumers = async () => {
      const consumed = [];
      for (const definition of QUEUES) {
        if (!definition.consumer) continue;
        const queue = queues[definition.id];
        const { Attributes } = await sqsClient.send(
          new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['QueueArn'] }),
        );
        consumed.push({ id: definition.id, url: queue.url, arn: Attributes?.QueueArn ?? definition.id });
      }
      const consumerEnv: Partial<Record<FunctionId, Record<string, string>>> = {};
      for (const definition of FUNCTIONS) {
        if (Object.keys(definition.queues).some((q) => consumerOf(q as QueueId)?.id === definition.id)) {
          consumerEnv[definition.id] = functionEnv(definition);
        }
      }
      const host = await startWorkerHost(runtimeEnv, {
        queues: consumed,
        concurrency: options.pollerConcurrency ?? 4,
        functionEnv: consumerEnv,
      });
      started.push(host);
      return host;
    };
    const [api, authorizer, workers] = await Promise.all([
      startThread('Api'),
      startThread('Authorizer'),
      startConsumers(),
    ]);
    const limits = gatewayLimits(config, options.throttling);

    const server: Server = createGateway({
      handlers: {
        // The gateway enforces the deadlines (the integration timeout is already capped at the
        // function's timeout), so the threads' own timers are set just beyond them.
        api: (event) =>
          api.invoke<APIGatewayProxyEvent, APIGatewayProxyResult>(
            'handleRequest',
            event,
            limits.integrationTimeoutMs + 1000,
          ),
        authorizer: (event) =>
          authorizer.invoke<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>(
            'handleAuthorization',
            event,
            limits.authorizerTimeoutMs + 1000,
          ),
      },
      limits,
      region,
      pages: { [DOCS_PATH]: () => referencePageResponse(openApiDocument()) },
      onError: (error) => log(`gateway: ${(error as Error).message}`),
    });
    await listen(server, options.port ?? 0);
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
      config,
      limits,
      functionEnv,
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
