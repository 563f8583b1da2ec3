/**
 * The whole system on one machine: DynamoDB Local, the SQS emulator, the SES emulator, tables and
 * queues from the catalog, the local gateway (with the deployed throttling, timeouts and authorizer cache, read
 * from the same config as the CDK) in front of the API handler, and pollers feeding the workers.
 * Every function runs in its own worker thread with only the environment its catalog entry grants
 * (local/function-env.ts): the API and the authorizer here, the queue consumers in the worker-host
 * process. Used by `npm start`, the integration tests and the bench.
 */
import { API_FUNCTION_IDS } from '../src/catalog/api-functions';
import { API_TIMEOUT_SECONDS } from '../src/catalog/api-limits';
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
import { issueApiKey } from '../src/access';
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
import { planOfUsageKey } from '../src/catalog/usage-plans';
import { readProjectConfig, type WedSyncConfig } from '../lib/settings';
import { DynamoDbLocal } from './dynamodb-local';
import { localFunctionEnv } from './function-env';
import { startFunctionThread, warpFunctionThreads, type FunctionThread } from './function-thread';
import { startedOnFirstCall, type FunctionInvoker, type FunctionStart } from './function-on-first-call';
import { localClock, type LocalClock } from './local-clock';
import { referencePageResponse } from './docs-page';
import { createGateway, listen, type GatewayLimits } from './gateway';
import { createQueues, createTables, deleteTables, type LocalQueue } from './resources';
import { startSesEmulator } from './ses-emulator';
import { startS3Emulator, type S3Emulator } from './s3-emulator';
import { BUCKETS, type BucketId } from '../src/catalog/buckets';
import { startSqsEmulator, type SqsEmulator } from './sqs-emulator';
import { startWorkerHost, type WorkerHost } from './workers';
import { freePort, REPO_ROOT } from './processes';
import { join } from 'node:path';
import { startSyncSchedule, type LocalSyncSchedule } from './sync-schedule';
import { startFunctionSchedules, type LocalFunctionSchedules } from './function-schedules';
import { OpsCollector } from './ops/collector';
import { OPS_METRICS_PATH, OPS_PATH, opsJsonResponse, opsPageResponse } from './ops/ops-page';
// Real-time updates (issue 14)
import { startRealtime, type LocalRealtime } from './realtime';

export interface LocalStackOptions {
  readonly port?: number;
  /** The WebSocket API's port (real-time updates); a free one by default. */
  readonly realtimePort?: number;
  /** Keep DynamoDB data in files here (survives a DynamoDB Local restart); default in memory. */
  readonly dbPath?: string;
  /** Local visibility timeout for every queue (tests use a few seconds). */
  readonly visibilityTimeoutSeconds?: number;
  readonly pollerConcurrency?: number;
  /**
   * Local batching window for every queue's poller, instead of the catalog's (Lambda's): tests use 0,
   * invoking with what one round of receives brings (local/sqs-poller.ts).
   */
  readonly batchingWindowSeconds?: number;
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
  /** When the function threads start (default 'at-start'; local/function-on-first-call.ts). */
  readonly functionStart?: FunctionStart;
  /**
   * Silence the functions' own output (Powertools logs and EMF metric lines) in every function's
   * thread: `POWERTOOLS_LOG_LEVEL=SILENT`, `POWERTOOLS_METRICS_DISABLED=true`. The bench sets it
   * so that it prints its progress and tables only.
   */
  readonly quietFunctions?: boolean;
  /**
   * The API alone: its functions, the authorizer and the gateway, on the same emulators, tables and
   * queues; no queue consumers (the worker host) and no real-time server or stream readers. For a
   * stack that only serves reads (the bench's 100k queries, bench/run.ts): it starts without the
   * consumers' process, the slowest part of a start. `workers` and `realtimeUrl` then throw.
   */
  readonly apiOnly?: boolean;
  /**
   * Start the real-time part (the WebSocket API on RealtimeSocket and the stream consumers
   * RealtimeRecorder and RealtimeFanout): true by default (`npm start`, the bench, the drills), false
   * with `apiOnly`. The test stacks leave it out unless a test asks for it (ADR 0037): it costs a
   * start about 0.6 s, and only the real-time tests read what it does. `realtimeUrl` then throws.
   */
  readonly realtime?: boolean;
  /**
   * Run every function thread and the SQS emulator on a clock whose rate the caller can change
   * (`LocalStack.clock`, local/local-clock.ts): the bench runs its 5-minute platform outage on it.
   * Not with a caller-owned `sqsEmulator` (its delays would stay in real time).
   */
  readonly clockWarp?: boolean;
  /** Run the platform sync schedule (the EventBridge rule's stand-in) every 5 minutes; `npm start` does. */
  readonly syncSchedule?: boolean;
  /**
   * Run the catalog's scheduled functions (issue 9: WebhookSecretRotation, hourly, primary region
   * only) on their periods, as their EventBridge rules do; `npm start` does. Tests call `runOnce`.
   */
  readonly functionSchedules?: boolean;
  /**
   * Use this running DynamoDB Local (shared by several stacks, as the integration tests do) instead
   * of starting one: the stack's tables get a prefix of their own and are deleted when it stops.
   */
  readonly dynamoDbEndpoint?: string;
  // Two regions, locally (issue 11): local/two-regions.ts composes two stacks with these.
  /**
   * A DynamoDB Local the caller owns (a region of the two-region mode): the tables are created in
   * it under the usual names with every table streaming new and old images (the replicator reads
   * them); the stack neither stops it nor deletes its tables.
   */
  readonly replicaStore?: DynamoDbLocal;
  /**
   * The deployment's primary region (default: this one). Consumers catalogued for the primary
   * region only (the real-time recorder, the channel log's one writer) run only there.
   */
  readonly primaryRegion?: string;
  /** An SQS emulator the caller owns: the queues (and what they hold) outlive the stack's processes. */
  readonly sqsEmulator?: SqsEmulator;
  /** The local secrets' values (Secrets Manager replicates a secret to every region); new ones by default. */
  readonly secretValues?: Record<string, string[]>;
}

/** The From address of local e-mails, and where the local e-mails' review links point. */
export const LOCAL_EMAIL_FROM = 'reviews@wedsync.local';
/** The WedSync web app's review page in development (not part of this repository). */
export const LOCAL_REVIEW_LINK_BASE_URL = 'http://localhost:5173/review';

/** Where the local gateway serves the API reference page, rendered from the OpenAPI document. */
export const DOCS_PATH = '/docs';
/** The local operations page (issue 10), and its data (for ops keys only). */
export { OPS_METRICS_PATH, OPS_PATH } from './ops/ops-page';
/** How often the local mode samples the queues' depths for the operations page's charts. */
const OPS_QUEUE_SAMPLE_MS = 30_000;

export interface LocalStack {
  readonly apiUrl: string;
  /** The local WebSocket API (`ws://127.0.0.1:<port>`; `?token=` from POST /v1/realtime/tokens). */
  readonly realtimeUrl: string;
  /** RealtimeSocket invocations the local WebSocket API has in flight (the bench waits for 0). */
  realtimeHandlersInFlight(): number;
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
  /** The S3 emulator (s3rver, path-style): the catalog's buckets, files in a temporary folder. */
  readonly s3Endpoint: string;
  readonly queues: Record<QueueId, LocalQueue>;
  readonly dynamoClient: DynamoDBClient;
  readonly sqsClient: SQSClient;
  readonly workers: WorkerHost;
  /** The environment the local mode gives a function with this catalog entry (the same as Lambda's). */
  functionEnv(definition: FunctionDefinition): Record<string, string>;
  /**
   * Starts one more catalogued function in its own thread, with the environment Lambda gives it;
   * it stops with the stack (the two-region mode runs its replicated-stream consumers on this).
   */
  startFunction(id: FunctionId): Promise<FunctionThread>;
  /** The sync schedule's stand-in, when started (`runOnce` syncs every active location now). */
  readonly syncSchedule?: LocalSyncSchedule;
  /** The scheduled functions' stand-ins, when started (`runOnce(id)` runs one now). */
  readonly functionSchedules?: LocalFunctionSchedules;
  /** The functions' scaled clock, when started with `clockWarp`. */
  readonly clock?: LocalClock;
  stop(): Promise<void>;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
/** The local tables' and queues' name prefix (a stack on a shared DynamoDB Local adds its own suffix). */
export const LOCAL_TABLE_PREFIX = 'wedsync-local';

/** The local token-vault key file (the local stand-in for the KMS key), under the repository. */
export const LOCAL_VAULT_KEY_FILE = '.local/token-vault.key';
/** The local platform apps' client ids (the fake platforms accept what they are told). */
export const LOCAL_OAUTH_CLIENT_IDS = {
  google: 'wedsync-local.apps.googleusercontent.com',
  facebook: '100000000000001',
  trustpilot: 'wedsync-local-trustpilot',
};

function localOAuthSetting(id: 'OAuthClientIds' | 'OAuthRedirectUri', gatewayPort: number): string {
  return id === 'OAuthClientIds'
    ? (process.env.OAUTH_CLIENT_IDS ?? JSON.stringify(LOCAL_OAUTH_CLIENT_IDS))
    : `http://127.0.0.1:${gatewayPort}/v1/oauth/callback`;
}
/** A catalogued bucket's local name (S3 bucket names are lower case). */
export const localBucketName = (id: BucketId): string => `wedsync-local-${id.toLowerCase()}`;

/** The deployed API's limits: stage throttling, integration and function timeouts (no decision cache). */
export function gatewayLimits(
  config: WedSyncConfig,
  throttling: 'deployed' | 'off' = 'deployed',
): GatewayLimits {
  return {
    throttle: config.api,
    throttleEnabled: throttling === 'deployed',
    integrationTimeoutMs: Math.min(config.api.integrationTimeoutSeconds, API_TIMEOUT_SECONDS) * 1000,
    authorizerTimeoutMs: functionDefinition('Authorizer').timeoutSeconds * 1000,
    // The one deliberate difference: API Gateway's decision cache is not emulated, so a revoked key
    // stops working within the authorizer's own 4 s key cache locally (the issue
    // asks 5 s), while in AWS both caches add up (ADR 0010, ADR 0011).
    authorizerCacheSeconds: 0,
    // The catalog's usage plans (ADR 0036): a shared key's plan, `suppliers` for a supplier's key.
    // Locally no supplier key is registered anywhere: every well-formed one is held, as
    // createSupplierWithKey registers it in every region in AWS before the authorizer returns it.
    usagePlans: planOfUsageKey,
  };
}

/**
 * One harmless request through each function the gateway calls, before the stack is handed out.
 * In AWS a burst on a cold API starts many execution environments, each with its own cold start, in
 * parallel; here each function is one thread, and its first invocation (loading the SDK and the
 * handler's dependencies) held up every request of a burst behind it for seconds. A well-formed
 * key that no supplier has: the authorizer's key lookup (401); the public OpenAPI document: the
 * Api's routing and problem paths. Nothing is stored.
 */
async function warmUp(apiUrl: string): Promise<void> {
  const unknownKey = issueApiKey().apiKey;
  await fetch(`${apiUrl}/v1/reviews`, { headers: { authorization: `Bearer ${unknownKey}` } }).then((r) =>
    r.arrayBuffer(),
  );
  await fetch(`${apiUrl}/v1/openapi.json`).then((r) => r.arrayBuffer());
}

/**
 * Counts a failed invocation for the operations page (Lambda's `Errors`) and passes the error on.
 * Not counted: a throttle (FunctionBusyError: it never ran) and the authorizer's deliberate
 * `Unauthorized` (its 401 answer; an unknown key is not a fault of ours).
 */
function functionError(ops: OpsCollector, functionId: FunctionId): (error: unknown) => never {
  return (error) => {
    const name = error instanceof Error ? error.name : '';
    const message = error instanceof Error ? error.message : '';
    if (name !== 'FunctionBusyError' && message !== 'Unauthorized') ops.recordFunctionError(functionId);
    throw error;
  };
}

/** `apiOnly`: the worker host that is not there (every use is a mistake of the caller). */
async function withoutConsumers(): Promise<WorkerHost> {
  const refuse = (): Promise<never> =>
    Promise.reject(new Error('this local stack was started apiOnly: it runs no queue consumers'));
  return { pause: refuse, resume: refuse, clock: refuse, stop: refuse };
}

/** `apiOnly` or `realtime: false`: the real-time server that is not there. */
async function withoutRealtime(why: string): Promise<LocalRealtime> {
  const refuse = (): never => {
    throw new Error(`this local stack was started ${why}: it runs no real-time server`);
  };
  return {
    get url(): string {
      return refuse();
    },
    handlersInFlight: refuse,
    stop: async () => undefined,
  };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? (() => undefined);
  const started: { name: string; stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    // Each part's stop time in one line (with `log`): where a test file's teardown goes (ADR 0037).
    const times: string[] = [];
    const from = Date.now();
    for (const item of started.reverse()) {
      const itemFrom = Date.now();
      await item.stop().catch(() => undefined);
      times.push(`${item.name} ${Date.now() - itemFrom}`);
    }
    log(`stopped in ${Date.now() - from} ms (${times.join(', ')})`);
  };
  if (options.clockWarp && options.apiOnly)
    throw new Error('clockWarp needs the queue consumers (not apiOnly)');
  if (options.clockWarp) {
    if (options.sqsEmulator) throw new Error('clockWarp needs the stack to start its own SQS emulator');
    // Read by local/function-thread.ts here and in the consumers' process (which inherits it).
    process.env.WEDSYNC_LOCAL_CLOCK_WARP = '1';
    started.push({ name: 'clock', stop: async () => void delete process.env.WEDSYNC_LOCAL_CLOCK_WARP });
  }
  const startedAt = Date.now();
  try {
    log('starting DynamoDB Local, the SQS emulator, the SES emulator and the S3 emulator...');
    const [{ instance: dynamoDb }, sqsEmulator, sesEmulator, s3Emulator] = await Promise.allSettled([
      options.replicaStore
        ? { instance: options.replicaStore, stop: async () => undefined }
        : options.dynamoDbEndpoint
          ? { instance: DynamoDbLocal.attach(options.dynamoDbEndpoint), stop: async () => undefined }
          : DynamoDbLocal.start({ dbPath: options.dbPath }).then((instance) => ({
              instance,
              stop: () => instance.stop(),
            })),
      options.sqsEmulator
        ? { ...options.sqsEmulator, stop: async () => undefined }
        : startSqsEmulator(0, { clockWarp: options.clockWarp === true }),
      startSesEmulator(),
      startS3Emulator(
        BUCKETS.map((b) => localBucketName(b.id)),
        LOCAL_CREDENTIALS,
      ),
    ]).then((results) => {
      // Stop whichever did start if another failed.
      const names = ['DynamoDB Local', 'SQS emulator', 'SES emulator', 'S3 emulator'];
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') started.push({ name: names[i]!, stop: () => result.value.stop() });
      });
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
        { instance: DynamoDbLocal },
        SqsEmulator,
        Awaited<ReturnType<typeof startSesEmulator>>,
        S3Emulator,
      ];
    });

    log(`emulators up in ${Date.now() - startedAt} ms`);
    const secretValues =
      options.secretValues ??
      Object.fromEntries(
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
      AWS_ENDPOINT_URL_S3: s3Emulator.endpoint,
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
    started.push({ name: 'clients', stop: async () => (dynamoClient.destroy(), sqsClient.destroy()) });

    // A shared DynamoDB Local holds other stacks' tables too: ours get a prefix of their own.
    const tablePrefix = options.dynamoDbEndpoint
      ? `${LOCAL_TABLE_PREFIX}-${randomBytes(4).toString('hex')}`
      : LOCAL_TABLE_PREFIX;
    if (options.dynamoDbEndpoint)
      started.push({ name: 'tables', stop: () => deleteTables(dynamoClient, tablePrefix) });
    // The tables and the queues are in different emulators: created side by side.
    const resourcesFrom = Date.now();
    const [tableEnv, { env: queueEnv, queues }] = await Promise.all([
      createTables(dynamoClient, tablePrefix, { replicated: Boolean(options.replicaStore) }),
      createQueues(sqsClient, 'wedsync-local', {
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
      }),
    ]);
    log(`tables and queues created in ${Date.now() - resourcesFrom} ms`);
    // The operations page's metrics: the functions' EMF lines, their errors, the queues' depths
    // (not collected when the functions are silenced: the bench measures without it).
    const ops = new OpsCollector({
      sqs: sqsClient,
      queues,
      namespace: config.metricsNamespace,
      sampleEveryMs: options.quietFunctions ? undefined : OPS_QUEUE_SAMPLE_MS,
    });
    started.push({ name: 'ops', stop: async () => ops.stop() });
    const opsOutput = options.quietFunctions ? undefined : ops.onOutputLine;
    // Known before the functions start: the OAuth redirect URI names the gateway's port.
    const gatewayPort = options.port ?? (await freePort());
    // Real-time updates (issue 14): the WebSocket server's port names its management endpoint.
    const realtimePort = options.realtimePort ?? (await freePort());
    const names: ResourceNames = {
      table: (id) => tableEnv[tableDefinition(id).envVar]!,
      queue: (id) => queues[id].url,
      deadLetterQueue: (id) => queues[id].dlqUrl,
      secret: (id) => `local-${id}`,
      // Every catalogued sender sends from one local address (the emulator accepts any).
      emailSender: () => ({ fromAddress: LOCAL_EMAIL_FROM, configurationSetName: 'wedsync-local' }),
      setting: (id) =>
        id === 'OAuthClientIds' || id === 'OAuthRedirectUri'
          ? localOAuthSetting(id, gatewayPort)
          : id === 'AuditRetentionDays'
            ? String(config.platformHealth.auditRetentionDays)
            : id === 'ReviewRequestsPerDay'
              ? String(
                  options.reviewRequestsPerDay ??
                    process.env.REVIEW_REQUESTS_PER_DAY ??
                    DEFAULT_REVIEW_REQUESTS_PER_DAY,
                )
              : (process.env.REVIEW_LINK_BASE_URL ?? LOCAL_REVIEW_LINK_BASE_URL),
      // A key file instead of KMS (created on first use), behind the same port.
      key: () => `local:${process.env.WEDSYNC_LOCAL_VAULT_KEY_FILE ?? join(REPO_ROOT, LOCAL_VAULT_KEY_FILE)}`,
      bucket: (id) => localBucketName(id),
      webSocketManagementEndpoint: () => `http://127.0.0.1:${realtimePort}`,
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
      ...Object.fromEntries(BUCKETS.map((b) => [b.envVar, names.bucket(b.id)])),
      WEDSYNC_LOCAL_SECRETS: JSON.stringify(secretValues),
    };

    // Each handler in its own thread, with only its own environment (as Lambda gives it): the API
    // and the authorizer here, the queue consumers in the worker host; both start in parallel.
    const apiOnFirstCall = options.functionStart === 'on-first-use';
    const firstCallNote = apiOnFirstCall ? ' (each on its first call)' : '';
    log(
      options.apiOnly
        ? `starting the API functions${firstCallNote} and the authorizer (their Lambda bundles, built once into .cache/function-bundles; apiOnly: no consumers, no real-time server)...`
        : `starting the functions (their Lambda bundles, built once into .cache/function-bundles; API${firstCallNote} and authorizer here, queue consumers in their own process${apiOnFirstCall ? ", each on its queue's first message" : ''})...`,
    );
    const limits = gatewayLimits(config, options.throttling);
    const threads: FunctionThread[] = [];
    /** Starts still under way (an API function's first call may start its thread at any time). */
    const starting = new Set<Promise<unknown>>();
    let threadsStopped = false;
    started.push({
      name: 'function threads',
      stop: async () => {
        threadsStopped = true;
        await Promise.allSettled([...starting]);
        await Promise.all(threads.map((t) => t.stop()));
      },
    });
    const startThread = (id: FunctionId, maxWaitMs?: number): Promise<FunctionThread> => {
      if (threadsStopped) return Promise.reject(new Error(`${id}: the stack has stopped`));
      const start = startThreadNow(id, maxWaitMs);
      starting.add(start);
      void start.finally(() => starting.delete(start)).catch(() => undefined);
      return start;
    };
    const startApiFunction = (id: FunctionId): Promise<FunctionInvoker> => {
      const start = () => startThread(id, limits.integrationTimeoutMs / 2);
      return apiOnFirstCall ? Promise.resolve(startedOnFirstCall(id, start)) : start();
    };
    const startThreadNow = async (id: FunctionId, maxWaitMs?: number) => {
      const definition = functionDefinition(id);
      const thread = await startFunctionThread(definition, functionEnv(definition), {
        maxWaitMs,
        onOutputLine: opsOutput,
      });
      threads.push(thread);
      return thread;
    };
    const startConsumers = async () => {
      const consumed = await Promise.all(
        QUEUES.filter((definition) => definition.consumer).map(async (definition) => {
          const queue = queues[definition.id];
          const { Attributes } = await sqsClient.send(
            new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['QueueArn'] }),
          );
          return { id: definition.id, url: queue.url, arn: Attributes?.QueueArn ?? definition.id };
        }),
      );
      const consumerEnv: Partial<Record<FunctionId, Record<string, string>>> = {};
      for (const definition of FUNCTIONS) {
        if (Object.keys(definition.queues).some((q) => consumerOf(q as QueueId)?.id === definition.id)) {
          consumerEnv[definition.id] = functionEnv(definition);
        }
      }
      const host = await startWorkerHost(
        runtimeEnv,
        {
          queues: consumed,
          concurrency: options.pollerConcurrency ?? 4,
          ...(options.batchingWindowSeconds !== undefined
            ? { batchingWindowSeconds: options.batchingWindowSeconds }
            : {}),
          functionEnv: consumerEnv,
          ...(options.functionStart ? { functionStart: options.functionStart } : {}),
        },
        { onOutputLine: opsOutput, onFunctionError: (id) => ops.recordFunctionError(id) },
      );
      started.push({ name: 'worker host', stop: () => host.stop() });
      return host;
    };
    // Real-time updates (issue 14): the WebSocket API (local/realtime-server.ts) on the
    // RealtimeSocket function, and the table streams (local/dynamodb-stream-reader.ts) on their
    // consumers (RealtimeRecorder, RealtimeFanout), each in its own thread with its own environment.
    // Started beside the other functions: it needs neither them nor the gateway (after the gateway's
    // warm-up, as it was, every start waited for its threads in turn: ADR 0022, "Bench run time,
    // fourth round").
    const withRealtime = !options.apiOnly && options.realtime !== false;
    const [functionsStarted, realtimeStarted] = await Promise.allSettled([
      Promise.all([
        // A request that finds every local environment of its API function busy for half its deadline
        // is throttled (429) rather than left to time out: this machine's capacity is below the
        // stage's rate under load, where AWS's is not (ADR 0013). A request that starts has the other
        // half to finish. One thread per API function (one per route area, ADR 0022 sixth round).
        Promise.all(API_FUNCTION_IDS.map(startApiFunction)),
        startThread('Authorizer'),
        options.apiOnly ? withoutConsumers() : startConsumers(),
      ]),
      !withRealtime
        ? withoutRealtime(options.apiOnly ? 'apiOnly' : 'without real time (realtime: false)')
        : startRealtime({
            port: realtimePort,
            startThread,
            dynamoDbEndpoint: dynamoDb.endpoint,
            tableName: (id) => names.table(id),
            isPrimaryRegion: (options.primaryRegion ?? region) === region,
            region,
            credentials: LOCAL_CREDENTIALS,
            log,
          }),
    ]);
    if (realtimeStarted.status === 'fulfilled') {
      const realtime = realtimeStarted.value;
      started.push({ name: 'real-time', stop: () => realtime.stop() });
    }
    if (functionsStarted.status === 'rejected') throw functionsStarted.reason;
    if (realtimeStarted.status === 'rejected') throw realtimeStarted.reason;
    const [apiThreads, authorizer, workers] = functionsStarted.value;
    const parts = `${options.apiOnly ? '' : ', consumers'}${withRealtime ? ' and real-time server' : ''}`;
    log(`functions${parts} up at ${Date.now() - startedAt} ms`);
    const realtime = realtimeStarted.value;
    // Platform sync (issue 8): the schedule, as the EventBridge rule runs it in AWS.
    let syncSchedule: LocalSyncSchedule | undefined;
    if (options.syncSchedule) {
      syncSchedule = await startSyncSchedule(functionEnv(functionDefinition('SyncScheduler')), region, log);
      const schedule = syncSchedule;
      started.push({ name: 'sync schedule', stop: () => schedule.stop() });
    }
    // Scheduled functions (issue 9): their EventBridge rules' stand-ins.
    let functionSchedules: LocalFunctionSchedules | undefined;
    if (options.functionSchedules) {
      functionSchedules = await startFunctionSchedules({
        functionEnv,
        region,
        isPrimaryRegion: (options.primaryRegion ?? region) === region,
        log,
      });
      const schedules = functionSchedules;
      started.push({ name: 'function schedules', stop: () => schedules.stop() });
    }

    const server: Server = createGateway({
      handlers: {
        // The integration timeout (already capped at the function's timeout) is also the
        // invocation's: one still waiting for a free environment then is dropped, never run after
        // the gateway answered 504. The authorizer's timer is set just beyond the gateway's.
        api: (event, functionId) =>
          apiThreads[(API_FUNCTION_IDS as readonly FunctionId[]).indexOf(functionId)]!.invoke<
            APIGatewayProxyEvent,
            APIGatewayProxyResult
          >('handleRequest', event, limits.integrationTimeoutMs).catch(functionError(ops, functionId)),
        authorizer: (event) =>
          authorizer
            .invoke<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>(
              'handleAuthorization',
              event,
              limits.authorizerTimeoutMs + 1000,
            )
            .catch(functionError(ops, 'Authorizer')),
      },
      limits,
      region,
      pages: {
        [DOCS_PATH]: () => referencePageResponse(openApiDocument()),
        [OPS_PATH]: opsPageResponse,
      },
      opsEndpoints: { [OPS_METRICS_PATH]: async () => opsJsonResponse(await ops.snapshot()) },
      onError: (error) => log(`gateway: ${(error as Error).message}`),
    });
    await listen(server, gatewayPort);
    started.push({
      name: 'gateway',
      stop: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    });
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await warmUp(apiUrl);
    log(`warmed up; started in ${Date.now() - startedAt} ms`);

    return {
      apiUrl,
      get realtimeUrl() {
        return realtime.url;
      },
      realtimeHandlersInFlight: () => realtime.handlersInFlight(),
      region,
      env,
      config,
      limits,
      functionEnv,
      dynamoDb,
      sqsEndpoint: sqsEmulator.endpoint,
      sesEndpoint: sesEmulator.endpoint,
      s3Endpoint: s3Emulator.endpoint,
      queues,
      dynamoClient,
      sqsClient,
      workers,
      startFunction: (id) => startThread(id),
      ...(syncSchedule ? { syncSchedule } : {}),
      ...(functionSchedules ? { functionSchedules } : {}),
      ...(options.clockWarp
        ? {
            clock: localClock(async (segment) => {
              warpFunctionThreads(segment);
              await Promise.all([sqsEmulator.clock?.(segment), workers.clock(segment)]);
            }),
          }
        : {}),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
