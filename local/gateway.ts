/**
 * The local API Gateway: turns HTTP requests into REST API proxy events for the same handlers
 * Lambda runs, and answers what the deployed REST API answers by itself, with the deployed
 * settings (lib/settings.ts) and gateway responses (lib/gateway-responses.ts):
 * - stage throttling (token bucket at the stage's rate and burst): 429 with Retry-After;
 * - the usage plans (ADR 0036), after the authorizer: the `usageIdentifierKey` it returns must be
 *   in a plan (403 otherwise), then that key's own token bucket (429 THROTTLED) and daily quota
 *   (429 QUOTA_EXCEEDED), so one supplier at its limit leaves the others their own;
 * - the 10 MB payload cap: 413;
 * - the REQUEST authorizer on every method, including the `ANY /` and `/{proxy+}` catch-alls:
 *   401 without an Authorization header or when the authorizer says Unauthorized, 403 on Deny,
 *   so unknown paths (404) and wrong methods (405) are answered only to valid credentials;
 *   Allow/Deny decisions cached per Authorization header for the authorizer cache TTL;
 * - the integration timeout (the smaller of API Gateway's and the Api function's): 504.
 * Routes the table marks `public` (GET /v1/openapi.json, the OAuth callback, the platform
 * notification routes) have no authorizer, as their deployed methods; the local mode also serves
 * its own pages (the API reference at /docs, the operations page at /ops) and, behind the
 * authorizer and for ops keys only, the operations page's data (`opsEndpoints`). Bodies are
 * passed on as API Gateway passes them (UTF-8 text, or base64 for bytes that are not text), never
 * parsed here: a `rawBody` route's operation verifies signatures over exactly the bytes the
 * caller sent.
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import { ROUTES, matchRoute } from '../src/catalog/routes';
import { problemOf, type ProblemDetails } from '../src/shared/problem';
import {
  GATEWAY_MAX_PAYLOAD_BYTES,
  gatewayAnswer,
  type GatewayResponseType,
  type ThrottleSettings,
} from '../lib/gateway-responses';

export interface GatewayHandlers {
  api: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  authorizer: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
}

/** The deployed API's limits (see `gatewayLimits` in local/stack.ts, from the same config as CDK). */
export interface GatewayLimits {
  /** The stage's throttling; also gives THROTTLED its Retry-After. */
  readonly throttle: ThrottleSettings;
  /** Off only where a test or the bench measures the handlers rather than the stage limit. */
  readonly throttleEnabled: boolean;
  /** min(API Gateway's integration timeout, the Api function's timeout), in ms. */
  readonly integrationTimeoutMs: number;
  /** The Authorizer function's timeout, in ms. */
  readonly authorizerTimeoutMs: number;
  /** How long an Allow/Deny decision is reused for the same Authorization header (0: never). */
  readonly authorizerCacheSeconds: number;
  /**
   * The usage plans (ADR 0036): the plan API Gateway holds a usage identifier key in (undefined: in
   * none). Absent: methods need no key (unit tests of the gateway's other answers). Enforced only
   * with `throttleEnabled`, like the stage's bucket.
   */
  readonly usagePlans?: (usageKey: string) => LocalUsagePlan | undefined;
  /** The time, for the quotas' UTC days (tests move it). */
  readonly now?: () => number;
}

/** A usage plan's per-key limits, as the local gateway enforces them. */
export interface LocalUsagePlan {
  readonly id: string;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly quotaPerDay?: number;
}

export interface GatewayOptions {
  readonly handlers: GatewayHandlers;
  readonly limits: GatewayLimits;
  readonly stage?: string;
  readonly region?: string;
  readonly onError?: (error: unknown) => void;
  /** Pages of the local mode itself, answered to GET on their exact path (not API routes). */
  readonly pages?: Readonly<Record<string, () => APIGatewayProxyResult>>;
  /**
   * Local-only data for operators (the ops page's metrics), answered to GET on their exact path
   * after the same authorizer as the API, and only to an ops key (403 otherwise, as an ops route).
   */
  readonly opsEndpoints?: Readonly<Record<string, () => Promise<APIGatewayProxyResult>>>;
}

class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = clock();
  }
  take(): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Each usage identifier key's own token bucket and daily quota (the UTC day, as a plan's quota with
 * no offset), as API Gateway keeps them per key and plan. A request the key's bucket refuses is not
 * counted against its quota.
 */
class UsageMeter {
  private readonly keys = new Map<string, { bucket: TokenBucket; day: number; used: number }>();
  constructor(private readonly clock: () => number) {}

  /** `ok`, or which gateway response answers this request. */
  take(usageKey: string, plan: LocalUsagePlan): 'ok' | 'THROTTLED' | 'QUOTA_EXCEEDED' {
    let entry = this.keys.get(usageKey);
    if (!entry) {
      entry = {
        bucket: new TokenBucket(plan.throttle.rateLimit, plan.throttle.burstLimit, this.clock),
        day: Math.floor(this.clock() / DAY_MS),
        used: 0,
      };
      this.keys.set(usageKey, entry);
    }
    const day = Math.floor(this.clock() / DAY_MS);
    if (day !== entry.day) {
      entry.day = day;
      entry.used = 0;
    }
    if (plan.quotaPerDay !== undefined && entry.used >= plan.quotaPerDay) return 'QUOTA_EXCEEDED';
    if (!entry.bucket.take()) return 'THROTTLED';
    entry.used += 1;
    return 'ok';
  }
}

class Deadline extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** Resolves with the promise's value, or rejects with `Deadline` after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Deadline(ms)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  const body = result.isBase64Encoded
    ? Buffer.from(result.body, 'base64')
    : Buffer.from(result.body ?? '', 'utf8');
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

/** What the REST API answers by itself for `type`: the deployed gateway response. */
function sendGatewayResponse(
  res: ServerResponse,
  type: GatewayResponseType,
  limits: GatewayLimits,
  requestId: string,
): void {
  const answer = gatewayAnswer(type, limits.throttle, requestId);
  send(res, { statusCode: answer.statusCode, headers: answer.headers, body: JSON.stringify(answer.problem) });
}

/** A problem the local gateway itself answers (a query string that does not decode). */
function sendProblem(res: ServerResponse, problem: ProblemDetails): void {
  send(res, {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify(problem),
  });
}

/** API Gateway resources: each route path and its prefixes, then the root and `/{proxy+}`. */
const RESOURCES = [
  ...new Set(
    ROUTES.flatMap((route) => {
      const segments = route.path.split('/').filter(Boolean);
      return segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}`);
    }),
  ),
].map((path) => ({
  path,
  regexp: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}/?$`),
  literals: path.split('/').filter((s) => s && !s.startsWith('{')).length,
}));

/** The resource API Gateway would match a path to (literal segments win), and its proxy parameter. */
function resourceOf(path: string): { resource: string; proxy?: string } {
  if (path === '/' || path === '') return { resource: '/' };
  const hits = RESOURCES.filter((r) => r.regexp.test(path)).sort((a, b) => b.literals - a.literals);
  return hits[0] ? { resource: hits[0].path } : { resource: '/{proxy+}', proxy: path.replace(/^\//, '') };
}

/**
 * The request body, or 'too-large' past the gateway's cap. Past the cap it stops buffering but
 * keeps reading to the end, so the client gets its 413 on an intact connection (destroying the
 * socket mid-upload shows up as a connection reset, not an answer).
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_PAYLOAD_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size > GATEWAY_MAX_PAYLOAD_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The query string, strictly decoded: `+` is a space, every `%` starts a valid escape, and the
 * escapes spell UTF-8. Anything else is `{ malformed: <the raw name> }` (a 400), where
 * URLSearchParams would quietly keep `%ZZ` or turn bad bytes into U+FFFD. The maps are built
 * with Object.fromEntries, so a parameter called `__proto__` is an own key like any other.
 */
function decodeQuery(
  search: string,
): { query: Record<string, string>; multi: Record<string, string[]> } | { malformed: string } {
  const pairs: [string, string][] = [];
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    const rawName = at === -1 ? part : part.slice(0, at);
    const rawValue = at === -1 ? '' : part.slice(at + 1);
    try {
      pairs.push([
        decodeURIComponent(rawName.replace(/\+/g, ' ')),
        decodeURIComponent(rawValue.replace(/\+/g, ' ')),
      ]);
    } catch {
      return { malformed: rawName };
    }
  }
  const multi = new Map<string, string[]>();
  for (const [name, value] of pairs) multi.set(name, [...(multi.get(name) ?? []), value]);
  return {
    query: Object.fromEntries([...multi].map(([name, values]) => [name, values.at(-1) ?? ''])),
    multi: Object.fromEntries(multi),
  };
}

export function createGateway(options: GatewayOptions): Server {
  const stage = options.stage ?? 'local';
  const region = options.region ?? 'us-east-1';
  const { limits } = options;
  const clock = limits.now ?? Date.now;
  const bucket = limits.throttleEnabled
    ? new TokenBucket(limits.throttle.throttlingRateLimit, limits.throttle.throttlingBurstLimit, clock)
    : undefined;
  const meter = new UsageMeter(clock);
  const decisions = new Map<string, { decision: APIGatewayAuthorizerResult; expires: number }>();
  const inflight = new Map<string, Promise<APIGatewayAuthorizerResult>>();

  const server = createServer(async (req, res) => {
    const requestId = randomUUID();
    try {
      if (bucket && !bucket.take()) return sendGatewayResponse(res, 'THROTTLED', limits, requestId);
      const url = new URL(req.url ?? '/', 'http://local');
      const body = await readBody(req);
      if (body === 'too-large') return sendGatewayResponse(res, 'REQUEST_TOO_LARGE', limits, requestId);
      const headers: Record<string, string> = {};
      const multiValueHeaders: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        const values = Array.isArray(value) ? value : [value];
        headers[name] = values.join(',');
        multiValueHeaders[name] = values;
      }
      const decoded = decodeQuery(url.search);
      if ('malformed' in decoded) {
        return sendProblem(res, {
          ...problemOf('invalid-query', 'the query string is not valid percent-encoded UTF-8'),
          errors: [{ path: decoded.malformed, message: 'malformed percent-encoding' }],
        });
      }
      const { query, multi: multiQuery } = decoded;
      const method = (req.method ?? 'GET').toUpperCase();
      const page = method === 'GET' ? options.pages?.[url.pathname] : undefined;
      if (page) return send(res, page());
      const found = matchRoute(method, url.pathname);
      // Routed methods have their resource; everything else reaches an `ANY` method (a route's
      // resource or prefix, the root, or `/{proxy+}`), which has the authorizer as well.
      const { resource, proxy } =
        found.kind === 'match'
          ? { resource: found.match.route.path, proxy: undefined }
          : resourceOf(url.pathname);
      const pathParameters =
        found.kind === 'match' ? found.match.pathParameters : proxy !== undefined ? { proxy } : null;

      // Like API Gateway, where a public route's method has no authorizer (AuthorizationType NONE).
      const isPublic = found.kind === 'match' && found.match.route.auth === 'public';
      let authorizerContext: Record<string, string> | null = null;
      if (!isPublic) {
        // API Gateway answers 401 itself when the identity source is missing (no authorizer call).
        const authorization = headers.authorization;
        if (!authorization) return sendGatewayResponse(res, 'UNAUTHORIZED', limits, requestId);
        let decision = decisions.get(authorization);
        if (!decision || decision.expires <= Date.now()) {
          decisions.delete(authorization);
          const authEvent: APIGatewayRequestAuthorizerEvent = {
            type: 'REQUEST',
            methodArn: `arn:aws:execute-api:${region}:000000000000:local/${stage}/${method}${url.pathname}`,
            resource,
            path: url.pathname,
            httpMethod: method,
            headers,
            multiValueHeaders,
            pathParameters,
            queryStringParameters: query,
            multiValueQueryStringParameters: multiQuery,
            stageVariables: null,
            requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
          };
          // Concurrent requests with the same credential share one authorizer call (a burst would
          // otherwise invoke it once per request before the first decision is cached).
          let call = inflight.get(authorization);
          if (!call) {
            call = within(options.handlers.authorizer(authEvent), limits.authorizerTimeoutMs);
            inflight.set(authorization, call);
            void call.catch(() => undefined).finally(() => inflight.delete(authorization));
          }
          let result: APIGatewayAuthorizerResult;
          try {
            result = await call;
          } catch (error) {
            if (error instanceof Error && error.message === 'Unauthorized') {
              return sendGatewayResponse(res, 'UNAUTHORIZED', limits, requestId);
            }
            options.onError?.(error);
            return sendGatewayResponse(res, 'AUTHORIZER_FAILURE', limits, requestId);
          }
          decision = { decision: result, expires: Date.now() + limits.authorizerCacheSeconds * 1000 };
          if (limits.authorizerCacheSeconds > 0) decisions.set(authorization, decision);
        }
        const allowed = decision.decision.policyDocument.Statement.every(
          (s) => 'Effect' in s && s.Effect === 'Allow',
        );
        if (!allowed) return sendGatewayResponse(res, 'ACCESS_DENIED', limits, requestId);
        // The usage plans, after the authorizer as in API Gateway (ADR 0036): the key it returned
        // must be in a plan (else 403), then that key's own bucket and quota (else 429).
        if (limits.usagePlans && limits.throttleEnabled) {
          const usageKey = decision.decision.usageIdentifierKey;
          const plan = usageKey ? limits.usagePlans(usageKey) : undefined;
          if (!usageKey || !plan) return sendGatewayResponse(res, 'INVALID_API_KEY', limits, requestId);
          const metered = meter.take(usageKey, plan);
          if (metered !== 'ok') return sendGatewayResponse(res, metered, limits, requestId);
        }
        authorizerContext = Object.fromEntries(
          Object.entries(decision.decision.context ?? {}).map(([k, v]) => [k, String(v)]),
        );
        authorizerContext.principalId = decision.decision.principalId;
      }

      const opsEndpoint = method === 'GET' ? options.opsEndpoints?.[url.pathname] : undefined;
      if (opsEndpoint) {
        if (authorizerContext?.principalType !== 'ops') {
          return sendProblem(res, problemOf('forbidden', 'this route needs an ops key'));
        }
        return send(res, await opsEndpoint());
      }

      // Like API Gateway with binary media types: bodies with control bytes, or bytes that are not
      // UTF-8, travel base64-encoded (so the handler sees the very bytes sent, and answers 400).
      const isText =
        body.length === 0 ||
        // eslint-disable-next-line no-control-regex -- detecting control bytes is the point here
        (!/[\x00-\x08\x0e-\x1f]/.test(body.toString('latin1')) && isUtf8(body));
      const event: APIGatewayProxyEvent = {
        resource,
        path: url.pathname,
        httpMethod: method,
        headers,
        multiValueHeaders,
        queryStringParameters: Object.keys(query).length ? query : null,
        multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
        pathParameters,
        stageVariables: null,
        body: body.length === 0 ? null : isText ? body.toString('utf8') : body.toString('base64'),
        isBase64Encoded: !isText,
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          authorizer: authorizerContext,
          httpMethod: method,
          identity: {
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          } as APIGatewayProxyEvent['requestContext']['identity'],
          path: `/${stage}${url.pathname}`,
          protocol: `HTTP/${req.httpVersion}`,
          requestId,
          requestTimeEpoch: Date.now(),
          resourceId: 'local',
          resourcePath: resource,
          stage,
        },
      };
      let result: APIGatewayProxyResult;
      try {
        result = await within(options.handlers.api(event), limits.integrationTimeoutMs);
      } catch (error) {
        // The gateway's deadline, or the function's own timeout (an invocation still waiting for a
        // free environment when the deadline came): API Gateway's integration timeout either way.
        if (error instanceof Deadline || (error instanceof Error && error.name === 'FunctionTimeoutError'))
          return sendGatewayResponse(res, 'INTEGRATION_TIMEOUT', limits, requestId);
        // This machine could not start it in time (ADR 0013): the stage's throttled answer, 429 with
        // Retry-After, which AWS gives past the same limits; the request did not run.
        if (error instanceof Error && error.name === 'FunctionBusyError')
          return sendGatewayResponse(res, 'THROTTLED', limits, requestId);
        options.onError?.(error);
        return sendGatewayResponse(res, 'INTEGRATION_FAILURE', limits, requestId);
      }
      send(res, result);
    } catch (error) {
      options.onError?.(error);
      if (!res.headersSent) sendGatewayResponse(res, 'DEFAULT_5XX', limits, requestId);
    }
  });
  // A burst of thousands of connections must queue, not reset: no per-server connection cap, and
  // keep-alive longer than a client's idle pool (headersTimeout must exceed keepAliveTimeout).
  server.maxConnections = Infinity;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  return server;
}

/** The kernel's accept queue limit here (net.core.somaxconn); Node's default backlog is 511. */
export const LISTEN_BACKLOG = 4096;

/** Listens on loopback with a backlog deep enough for a burst of new connections. */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
