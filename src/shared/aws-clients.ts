/**
 * AWS SDK clients, created once per process (DynamoDB and SQS here, which nearly every function
 * uses; every other client in a module of its own, `*-client.ts` beside this one, so that a bundle
 * loads an SDK package only if it uses it: ADR 0022, "SDK packages a function does not load").
 * Endpoints come from the SDK's own environment
 * variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_SESV2,
 * AWS_ENDPOINT_URL_S3), which the local mode points at DynamoDB Local, fauxqs, the SES emulator and
 * s3rver; in Lambda they are unset and the regional endpoints are used.
 *
 * Every client gets connection and request timeouts well inside the function's deadline
 * (`sdkTimeouts`), so a stalled dependency is a fast error (the API answers 503 with Retry-After;
 * a worker's batch item is retried) and never a request that hangs until Lambda kills it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { FUNCTION_TIMEOUT_ENV, numberEnv } from './env';

/** Without the variable (the CLI, scripts): the longest function timeout in the catalog. */
const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 30;
const MAX_ATTEMPTS = 3;
/** The SDK's standard retry waits at most 100 ms x 2^n (full jitter) before retry n: 200 + 400. */
export const MAX_RETRY_BACKOFF_MS = 600;

export interface SdkTimeouts {
  /** Milliseconds to establish a connection. */
  readonly connectionTimeout: number;
  /** Milliseconds one attempt may take in all (then it fails with a retryable TimeoutError). */
  readonly requestTimeout: number;
  readonly maxAttempts: number;
}

/**
 * Per-attempt limits for a function with this timeout: a fifth of it per attempt, between 0.5 s
 * and 3 s (API 10 s -> 2 s; authorizer 5 s -> 1 s; workers 30 s -> 3 s), so all attempts and the
 * back-off between them end within three quarters of the deadline, leaving the rest for the
 * handler's own work (checked for every function by a unit test). Not shorter: under a burst the
 * SDK's retry quota runs dry, a timed-out attempt is then not retried, and a 1 s attempt against a
 * busy queue turned accepted reviews into 503s.
 */
export function sdkTimeouts(functionTimeoutSeconds: number): SdkTimeouts {
  const requestTimeout = Math.round(Math.min(3000, Math.max(500, functionTimeoutSeconds * 200)));
  // Connecting gets the whole attempt: under a burst the local emulators accept connections slowly,
  // and a 1 s connect timeout turned most of that burst's timeouts into 503s.
  return { connectionTimeout: requestTimeout, requestTimeout, maxAttempts: MAX_ATTEMPTS };
}

/** `sdkTimeouts` of this process's function (from its timeout variable). */
export function functionSdkTimeouts(): SdkTimeouts {
  return sdkTimeouts(numberEnv(FUNCTION_TIMEOUT_ENV, DEFAULT_FUNCTION_TIMEOUT_SECONDS));
}

/** Client configuration with those timeouts, for any SDK v3 client (also Powertools providers). */
export function sdkClientConfig(): {
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
} {
  const { connectionTimeout, requestTimeout, maxAttempts } = functionSdkTimeouts();
  // Without throwOnRequestTimeout, this SDK only logs a warning when requestTimeout passes.
  return { maxAttempts, requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true } };
}

/**
 * Takes the SDK's logger middleware out of a client's stack. We give the SDK no logger, yet its
 * default no-op logger has an `info` method, so after every call the middleware still copied the
 * input and the whole output through the schema's sensitive-data filter to hand them to a no-op:
 * about 0.1 ms of CPU per call, a tenth of a listed page's (ADR 0022). Our adapters log what fails.
 */
export function withoutSdkLogging<C extends { middlewareStack: { remove(name: string): boolean } }>(
  client: C,
): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * Builds a client's request signer once per container instead of once per call. The SDK's default
 * `signer` (the resolved config's factory, which its SigV4 auth scheme calls on every call) builds
 * a new SignatureV4 from a copy of the whole client config each time: about 10-20 us per call, most
 * of it the copy (the config is a 46-53 key object in V8's dictionary mode), two calls per listed
 * page (ADR 0022, `getcpu2`). The signer keeps no per-request state: it reads the credentials from
 * the client's own provider (memoized, refreshed when they expire) at each signing, and the SigV4
 * auth scheme hands it the signing region and service on every call, so one instance serves them
 * all. A first build that fails is not kept (the next call builds again).
 */
export function withSignerOnce<C extends { config: { signer: SignerFactory } }>(client: C): C {
  const perCall = client.config.signer;
  let built: ReturnType<SignerFactory> | undefined;
  client.config.signer = (authScheme) =>
    (built ??= perCall(authScheme).catch((error: unknown) => {
      built = undefined;
      throw error;
    }));
  return client;
}

/** What a SigV4 client's resolved config calls to get its signer (the same type for every client). */
type SignerFactory = DynamoDBClient['config']['signer'];

let rawClient: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;

/**
 * The low-level client (for libraries that marshal themselves, such as Powertools idempotency, and
 * for the hot read paths that unmarshal the items themselves: src/shared/batch-get.ts).
 * `cacheMiddleware`: the SDK resolves the middleware stack once per command class instead of on
 * every call (about 0.1 ms of CPU per call, ADR 0022); nothing of ours changes a client's stack
 * after its first call, which is the option's one condition.
 */
export function dynamoClient(): DynamoDBClient {
  rawClient ??= withSignerOnce(
    withoutSdkLogging(new DynamoDBClient({ ...sdkClientConfig(), cacheMiddleware: true })),
  );
  return rawClient;
}

/**
 * The DocumentClient, on a low-level client of its own: lib-dynamodb refuses a client with
 * `cacheMiddleware` (its commands add their marshalling to the stack on every call).
 */
export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(
    withSignerOnce(withoutSdkLogging(new DynamoDBClient(sdkClientConfig()))),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  return documentClient;
}

export function sqs(): SQSClient {
  // Emulators hand out queue URLs on host names that do not resolve: keep to the endpoint.
  sqsClient ??= withSignerOnce(
    withoutSdkLogging(
      new SQSClient({
        ...sdkClientConfig(),
        useQueueUrlAsEndpoint: !process.env.AWS_ENDPOINT_URL_SQS,
      }),
    ),
  );
  return sqsClient;
}
