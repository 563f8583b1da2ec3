/**
 * The local API Gateway: turns HTTP requests into REST API proxy events for the same handlers
 * Lambda runs, with the REQUEST authorizer in front of every catalogued route except the `public`
 * ones (401 without an Authorization header, 403 on Deny), a request-size cap and stage-like
 * throttling (429). It also serves the local mode's own pages (the API reference at /docs).
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
import { matchRoute } from '../src/catalog/routes';
import { problemOf, type ProblemDetails } from '../src/shared/problem';

export interface GatewayHandlers {
  api: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  authorizer: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
}

export interface GatewayOptions {
  readonly handlers: GatewayHandlers;
  readonly stage?: string;
  /** Requests per second and burst, like a stage's throttling settings. */
  readonly rateLimit?: { readonly rate: number; readonly burst: number };
  readonly onError?: (error: unknown) => void;
  /** Pages of the local mode itself, answered to GET on their exact path (not API routes). */
  readonly pages?: Readonly<Record<string, () => APIGatewayProxyResult>>;
}

/** API Gateway's own payload cap is 10 MB; the handler applies the contract's smaller limit. */
const GATEWAY_MAX_BYTES = 10 * 1024 * 1024;

class TokenBucket {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
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

function sendProblem(
  res: ServerResponse,
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): void {
  send(res, {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(problem),
  });
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
      if (size <= GATEWAY_MAX_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size > GATEWAY_MAX_BYTES ? 'too-large' : Buffer.concat(chunks)));
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
  const bucket = options.rateLimit
    ? new TokenBucket(options.rateLimit.rate, options.rateLimit.burst)
    : undefined;

  return createServer(async (req, res) => {
    try {
      if (bucket && !bucket.take()) {
        return sendProblem(res, problemOf('rate-limited', 'slow down'), { 'retry-after': '1' });
      }
      const url = new URL(req.url ?? '/', 'http://local');
      const body = await readBody(req);
      if (body === 'too-large') return sendProblem(res, problemOf('payload-too-large', 'request too large'));
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
      const requestId = randomUUID();
      const method = (req.method ?? 'GET').toUpperCase();
      const page = method === 'GET' ? options.pages?.[url.pathname] : undefined;
      if (page) return send(res, page());
      const found = matchRoute(method, url.pathname);

      let authorizerContext: Record<string, string> | undefined;
      // Like API Gateway, where a public route's method has no authorizer (AuthorizationType NONE).
      if (found.kind === 'match' && found.match.route.auth !== 'public') {
        // API Gateway answers 401 itself when the identity source is missing.
        if (!headers.authorization)
          return sendProblem(res, problemOf('unauthorized', 'missing Authorization header'));
        const authEvent: APIGatewayRequestAuthorizerEvent = {
          type: 'REQUEST',
          methodArn: `arn:aws:execute-api:us-east-1:000000000000:local/${stage}/${method}${url.pathname}`,
          resource: found.match.route.path,
          path: url.pathname,
          httpMethod: method,
          headers,
          multiValueHeaders,
          pathParameters: found.match.pathParameters,
          queryStringParameters: query,
          multiValueQueryStringParameters: multiQuery,
          stageVariables: null,
          requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
        };
        let decision: APIGatewayAuthorizerResult;
        try {
          decision = await options.handlers.authorizer(authEvent);
        } catch (error) {
          if (error instanceof Error && error.message === 'Unauthorized') {
            return sendProblem(res, problemOf('unauthorized', 'invalid credentials'));
          }
          throw error;
        }
        const allowed = decision.policyDocument.Statement.every((s) => 'Effect' in s && s.Effect === 'Allow');
        if (!allowed) return sendProblem(res, problemOf('forbidden', 'access denied'));
        authorizerContext = Object.fromEntries(
          Object.entries(decision.context ?? {}).map(([k, v]) => [k, String(v)]),
        );
        authorizerContext.principalId = decision.principalId;
      }

      // Like API Gateway with binary media types: bodies with control bytes, or bytes that are not
      // UTF-8, travel base64-encoded (so the handler sees the very bytes sent, and answers 400).
      const isText =
        body.length === 0 ||
        // eslint-disable-next-line no-control-regex -- detecting control bytes is the point here
        (!/[\x00-\x08\x0e-\x1f]/.test(body.toString('latin1')) && isUtf8(body));
      const event: APIGatewayProxyEvent = {
        resource: found.kind === 'match' ? found.match.route.path : '/{proxy+}',
        path: url.pathname,
        httpMethod: method,
        headers,
        multiValueHeaders,
        queryStringParameters: Object.keys(query).length ? query : null,
        multiValueQueryStringParameters: Object.keys(multiQuery).length ? multiQuery : null,
        pathParameters: found.kind === 'match' ? found.match.pathParameters : null,
        stageVariables: null,
        body: body.length === 0 ? null : isText ? body.toString('utf8') : body.toString('base64'),
        isBase64Encoded: !isText,
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          authorizer: authorizerContext ?? null,
          httpMethod: method,
          identity: {
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          } as APIGatewayProxyEvent['requestContext']['identity'],
          path: `/${stage}${url.pathname}`,
          protocol: `HTTP/${req.httpVersion}`,
          requestId,
          requestTimeEpoch: Date.now(),
          resourceId: 'local',
          resourcePath: found.kind === 'match' ? found.match.route.path : '/{proxy+}',
          stage,
        },
      };
      send(res, await options.handlers.api(event));
    } catch (error) {
      options.onError?.(error);
      if (!res.headersSent)
        sendProblem(res, problemOf('internal-error', 'the gateway could not complete the request'));
    }
  });
}
