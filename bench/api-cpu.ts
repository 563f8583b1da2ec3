/**
 * CPU per API request in process (issue 12): the handler of the function that serves POST and GET
 * /v1/reviews (its area's, src/catalog/api-functions.ts) (`handleRequest`:
 * routing, validation, use case, adapters, logging and metrics) called directly with API Gateway
 * proxy events, its DynamoDB and SQS clients answered in process (bench/answer-locally.ts), so the
 * time is the function's CPU per request with no I/O, the SDK's serialisation and signing included.
 *
 * Run in its own Node process (a clean environment, its own CPU profile):
 *   `node --import tsx bench/api-cpu.ts [requests]` prints one JSON line;
 *   `node --cpu-prof --cpu-prof-dir=.cache/profiles --import tsx bench/api-cpu.ts` also profiles it.
 * `benchApiCpu` (the bench's `api-cpu` phase) runs it that way.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { functionDefinition } from '../src/catalog/functions';
import { apiFunctionOfOperation } from '../src/catalog/api-functions';
import { secretDefinition } from '../src/catalog/secrets';
import { tableEnvVar } from '../src/catalog/tables';
import { requireEnv } from '../src/shared/env';
import { REPO_ROOT } from '../local/processes';
import {
  answerLocally,
  attributeValue,
  batchGetAnswerOf,
  sqsSendAnswer,
  type JsonAnswer,
} from './answer-locally';
import { reviewItem, SAMPLE_SUPPLIER as SUPPLIER } from './cost-items';
import { benchReview, percentile, type BenchTarget } from './support';
import { placeholderEnvironment, placeholderQueueUrl, placeholderSecretName } from './placeholder-env';

/** Issue 12's target: at most 1 ms of CPU per request, for POST and for GET /v1/reviews. */
export const API_CPU_MS_TARGET: BenchTarget = { atMost: 1 };
const DEFAULT_REQUESTS = 4000;
const WARM_UP = 1000;
const PAGE = 25;

export interface ApiCpuResult {
  readonly requests: number;
  /** CPU (user + system) per request in ms: the median of 8 rounds (their best beside it). */
  readonly postReviewsCpuMs: number;
  readonly getReviewsCpuMs: number;
  readonly postReviewsBestCpuMs: number;
  readonly getReviewsBestCpuMs: number;
  /** Wall time per request in process, p50 / p99 (one request at a time). */
  readonly postReviewsWallMs: { readonly p50: number; readonly p99: number };
  readonly getReviewsWallMs: { readonly p50: number; readonly p99: number };
}

/** The function that serves both measured routes (the reviews area's). */
const REVIEWS_FUNCTION = apiFunctionOfOperation('submitReview');
if (apiFunctionOfOperation('listReviews') !== REVIEWS_FUNCTION)
  throw new Error('POST and GET /v1/reviews are served by different functions: measure each');

/** The environment that function gets, with placeholder names (nothing is reached). */
function apiEnvironment(): Record<string, string> {
  return {
    ...placeholderEnvironment(functionDefinition(REVIEWS_FUNCTION), placeholderQueueUrl('eu-west-1')),
    // The local key ring (a Lambda caches Secrets Manager's answer for 5 minutes instead).
    WEDSYNC_LOCAL_SECRETS: JSON.stringify({
      [placeholderSecretName(secretDefinition('ReviewTokenKey').id)]: ['bench-signing-key-0123456789abcdef'],
    }),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    // Metrics are published as EMF lines on stdout; the bench's output is one JSON line.
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

function event(method: 'GET' | 'POST', path: string, i: number, body?: string): APIGatewayProxyEvent {
  const headers: Record<string, string> = {
    authorization: 'Bearer wsk_bench',
    host: 'api.example.com',
    'user-agent': 'bench',
    ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
  };
  const query = method === 'GET' ? { limit: String(PAGE) } : null;
  return {
    resource: path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query ? { limit: [String(PAGE)] } : null,
    pathParameters: null,
    stageVariables: null,
    body: body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      authorizer: {
        principalType: 'supplier',
        supplierId: SUPPLIER,
        keyId: 'key_bench',
        principalId: SUPPLIER,
      },
      httpMethod: method,
      identity: { sourceIp: '203.0.113.7' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/v1${path}`,
      protocol: 'HTTP/1.1',
      requestId: `req-${method}-${i}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'bench',
      resourcePath: path,
      stage: 'v1',
    },
  };
}

/** Rounds per route: the machine is shared, so a noisy moment spoils one round, not the figure. */
const ROUNDS = 8;

async function measure(
  handle: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>,
  make: (i: number) => APIGatewayProxyEvent,
  expected: number,
  requests: number,
): Promise<{ cpuMs: number; bestCpuMs: number; wall: { p50: number; p99: number } }> {
  for (let i = 0; i < WARM_UP; i += 1) {
    const answer = await handle(make(i));
    if (answer.statusCode !== expected) throw new Error(`warm-up: ${answer.statusCode} ${answer.body}`);
  }
  const wall: number[] = [];
  const perRound: number[] = [];
  const size = Math.max(1, Math.floor(requests / ROUNDS));
  for (let round = 0; round < ROUNDS; round += 1) {
    const events = Array.from({ length: size }, (_, i) => make(WARM_UP + round * size + i));
    const cpu = process.cpuUsage();
    for (const request of events) {
      const started = performance.now();
      const answer = await handle(request);
      wall.push(performance.now() - started);
      if (answer.statusCode !== expected) throw new Error(`${answer.statusCode} ${answer.body}`);
    }
    const used = process.cpuUsage(cpu);
    perRound.push((used.user + used.system) / 1000 / size);
  }
  return {
    cpuMs: round(percentile(perRound, 50), 3),
    bestCpuMs: round(Math.min(...perRound), 3),
    wall: { p50: round(percentile(wall, 50), 3), p99: round(percentile(wall, 99), 3) },
  };
}

async function run(requests: number): Promise<ApiCpuResult> {
  Object.assign(process.env, apiEnvironment());
  // Loaded after the environment is set, as in Lambda (Powertools reads it at load).
  const clients = await import('../src/shared/aws-clients');
  const last = reviewItem(PAGE - 1);
  // byCreatedAt holds keys and the listing's filter attributes (ADR 0032): a Query of the index,
  // then BatchGetItem of the page's reviews. The Query projects `pk, sk` (review-repository.ts
  // `list`), so its items hold those two as DynamoDB answers them; the last evaluated key is the
  // index's, table keys and index keys.
  const page = Array.from({ length: PAGE }, (_, i) => reviewItem(i));
  const queryAnswer = JSON.stringify({
    Items: page.map((r) => attributeValue({ pk: r.pk, sk: r.sk }).M),
    Count: PAGE,
    ScannedCount: PAGE,
    LastEvaluatedKey: attributeValue({ pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk })
      .M,
  });
  // The function reads one table here: its answer is built once for it (the requests are not
  // parsed to find it; `checkPage` below fails the run if the page came back short).
  const batchAnswer = batchGetAnswerOf(requireEnv(tableEnvVar('Reviews')), page);
  const dynamoAnswer: JsonAnswer = (operation) => {
    if (operation === 'BatchGetItem') return batchAnswer;
    if (operation !== 'Query') throw new Error(`unexpected DynamoDB call ${operation}`);
    return queryAnswer;
  };
  // The low-level client and the DocumentClient's own one (src/shared/aws-clients.ts).
  answerLocally(clients.dynamoClient(), dynamoAnswer);
  answerLocally(clients.dynamo(), dynamoAnswer);
  answerLocally(clients.sqs(), (operation, request) => {
    if (operation !== 'SendMessage') throw new Error(`unexpected SQS call ${operation}`);
    return sqsSendAnswer(request());
  });
  const { handleRequest } = (await import(`../${functionDefinition(REVIEWS_FUNCTION).entry}`)) as {
    handleRequest: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  };
  const post = await measure(
    handleRequest,
    (i) =>
      event(
        'POST',
        '/v1/reviews',
        i,
        JSON.stringify({
          ...benchReview(i),
          reviewerName: `Couple ${i}`,
          platform: 'google',
          externalId: `cpu-${i}`,
        }),
      ),
    202,
    requests,
  );
  checkPage(await handleRequest(event('GET', '/v1/reviews', 0)));
  const get = await measure(handleRequest, (i) => event('GET', '/v1/reviews', i), 200, requests);
  return {
    requests,
    postReviewsCpuMs: post.cpuMs,
    getReviewsCpuMs: get.cpuMs,
    postReviewsBestCpuMs: post.bestCpuMs,
    getReviewsBestCpuMs: get.bestCpuMs,
    postReviewsWallMs: post.wall,
    getReviewsWallMs: get.wall,
  };
}

/** The canned answers fit the handler's requests: the first page lists all of its reviews. */
function checkPage(answer: APIGatewayProxyResult): void {
  const items = (JSON.parse(answer.body) as { items?: unknown[] }).items;
  if (answer.statusCode !== 200 || items?.length !== PAGE) {
    throw new Error(
      `GET /v1/reviews listed ${items?.length ?? 'no'} of ${PAGE} reviews: ${answer.statusCode}`,
    );
  }
}

/** The bench phase: the measurement in a fresh Node process (with `--cpu-prof` when asked). */
export async function benchApiCpu(
  options: { requests?: number; profileDir?: string } = {},
): Promise<ApiCpuResult> {
  const args = [
    ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
    '--import',
    'tsx',
    'bench/api-cpu.ts',
    String(options.requests ?? DEFAULT_REQUESTS),
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    timeout: 300_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ApiCpuResult;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

if (require.main === module) {
  run(Number(process.argv[2] ?? DEFAULT_REQUESTS))
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
