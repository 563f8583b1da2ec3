/**
 * The local API Gateway WebSocket API: one `ws` server that follows API Gateway's semantics and
 * runs the same RealtimeSocket handler with the same events.
 * - Connecting: `ws://127.0.0.1:<port>/?token=wrc_...`. The server makes up a connection id and
 *   invokes `$connect` with the query string; a non-2xx answer refuses the handshake with that
 *   status (401, 403), as API Gateway does, and no connection exists.
 * - Frames: the route is picked from `$request.body.action` (a JSON text frame whose `action` is a
 *   known route key), otherwise `$default`; frames of one connection are handed over one at a time.
 *   Messages over 128 KB close the connection (1009).
 * - Closing, either side: `$disconnect` (best effort, as in AWS); not when the server itself stops.
 * - Limits: a connection idle for 10 minutes, or open for 2 hours, is closed (1001), as API Gateway
 *   does (both settable for tests).
 * - Management API on the same port: `POST /@connections/{id}` (the body is sent as one text
 *   frame; 410 for an unknown id, 413 over 128 KB), `GET` (connectedAt, lastActiveAt), `DELETE`
 *   (closes it). Every call must be signed with SigV4 for `execute-api` in the server's region with
 *   the local credentials, as API Gateway requires IAM-signed calls: checked with the same signer the
 *   SDK signs with (local/management-api-signature.ts). An unsigned call is
 *   answered 403 `MissingAuthenticationTokenException`, another access key 403
 *   `UnrecognizedClientException`, a wrong signature, scope or a date more than 5 minutes off 403
 *   `InvalidSignatureException`; so a signing mistake fails locally as it would in AWS. The SDK's
 *   ApiGatewayManagementApiClient (with the local credentials) and the functions' lean messenger
 *   both talk to it with `endpoint: http://127.0.0.1:<port>`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MANAGEMENT_API_SERVICE, managementApiSigner } from './management-api-signature';

export interface SocketEvent {
  readonly requestContext: {
    readonly routeKey: string;
    readonly connectionId: string;
    readonly eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    readonly requestId: string;
    readonly connectedAt: number;
    readonly stage: string;
    readonly domainName: string;
  };
  readonly queryStringParameters?: Record<string, string> | null;
  readonly body?: string | null;
  readonly isBase64Encoded: boolean;
}

export interface RealtimeServerOptions {
  /** The RealtimeSocket handler (`handleSocket`), in process or in its function thread. */
  readonly handler: (event: SocketEvent) => Promise<{ statusCode: number; body?: string } | undefined>;
  /** Route keys besides $connect, $disconnect and $default. */
  readonly routeKeys: readonly string[];
  readonly port?: number;
  /** What management API calls must be signed with (the local credentials, the stack's region). */
  readonly signing: {
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  readonly idleTimeoutMs?: number;
  readonly maxConnectionMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** API Gateway's limits for WebSocket APIs. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
const IDLE_MS = 10 * 60 * 1000;
const MAX_CONNECTION_MS = 2 * 3600 * 1000;
/** SigV4: a request dated further from the server's clock than this is refused (API Gateway's 5 minutes). */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const SIGV4_AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

interface Refusal {
  readonly type: string;
  readonly message: string;
}

interface Live {
  readonly socket: WebSocket;
  readonly connectedAt: number;
  lastActiveAt: number;
  queue: Promise<void>;
  idle?: NodeJS.Timeout;
  readonly lifetime: NodeJS.Timeout;
}

export class LocalRealtimeServer {
  private readonly connections = new Map<string, Live>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private server: Server | undefined;
  private inFlight = new Set<Promise<unknown>>();
  /** Set by `stop()`: the connections it drops get no $disconnect (the local API itself is going away). */
  private stopping = false;
  private readonly signer;

  constructor(private readonly options: RealtimeServerOptions) {
    this.signer = managementApiSigner(options.signing.region, options.signing.credentials);
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }
  /** Where clients connect. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }
  /** The management API's endpoint (what REALTIME_MANAGEMENT_ENDPOINT holds locally). */
  get managementEndpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get connectionCount(): number {
    return this.connections.size;
  }
  /** Handler invocations ($connect, frames, $disconnect) started and not yet answered. */
  get handlersInFlight(): number {
    return this.inFlight.size;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.manage(req, res));
    server.on('upgrade', (req, socket, head) => void this.upgrade(req, socket as never, head));
    await new Promise<void>((resolve) => server.listen(this.options.port ?? 0, '127.0.0.1', resolve));
    this.server = server;
    return this;
  }

  private event(
    connectionId: string,
    routeKey: string,
    eventType: SocketEvent['requestContext']['eventType'],
    connectedAt: number,
    extra: Partial<SocketEvent> = {},
  ): SocketEvent {
    return {
      requestContext: {
        routeKey,
        connectionId,
        eventType,
        requestId: randomBytes(8).toString('hex'),
        connectedAt,
        stage: 'local',
        domainName: `127.0.0.1:${this.port}`,
      },
      isBase64Encoded: false,
      ...extra,
    };
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  private async upgrade(
    req: IncomingMessage,
    socket: import('node:stream').Duplex,
    head: Buffer,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    // API Gateway's connection ids: 12 base64 characters ending in '='.
    const connectionId = `${randomBytes(8).toString('base64').slice(0, 11).replace(/[+/]/g, 'A')}=`;
    const connectedAt = Date.now();
    let status = 500;
    let reason = 'Internal server error';
    try {
      const result = await this.track(
        this.options.handler(
          this.event(connectionId, '$connect', 'CONNECT', connectedAt, {
            queryStringParameters: Object.keys(query).length > 0 ? query : null,
          }),
        ),
      );
      status = result?.statusCode ?? 200;
      reason = result?.body ?? '';
    } catch (error) {
      this.options.onError?.(error);
    }
    if (status < 200 || status > 299) {
      const body = reason || 'Forbidden';
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Error'}\r\n` +
          `content-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(connectionId, connectedAt, ws));
  }

  private open(connectionId: string, connectedAt: number, socket: WebSocket): void {
    const live: Live = {
      socket,
      connectedAt,
      lastActiveAt: Date.now(),
      queue: Promise.resolve(),
      lifetime: setTimeout(
        () => socket.close(1001, 'Going away'),
        this.options.maxConnectionMs ?? MAX_CONNECTION_MS,
      ),
    };
    const touch = () => {
      live.lastActiveAt = Date.now();
      clearTimeout(live.idle);
      live.idle = setTimeout(() => socket.close(1001, 'Going away'), this.options.idleTimeoutMs ?? IDLE_MS);
    };
    touch();
    this.connections.set(connectionId, live);
    socket.on('message', (data, isBinary) => {
      touch();
      const body = isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString();
      let routeKey = '$default';
      if (!isBinary) {
        try {
          const action = (JSON.parse(body) as { action?: unknown } | null)?.action;
          if (typeof action === 'string' && this.options.routeKeys.includes(action)) routeKey = action;
        } catch {
          // Not JSON: $default, as API Gateway's route selection falls back.
        }
      }
      const event = this.event(connectionId, routeKey, 'MESSAGE', connectedAt, {
        body,
        isBase64Encoded: isBinary,
      });
      live.queue = live.queue.then(() =>
        this.track(this.options.handler(event)).then(
          () => undefined,
          (error: unknown) => this.options.onError?.(error),
        ),
      );
    });
    socket.on('close', () => {
      clearTimeout(live.idle);
      clearTimeout(live.lifetime);
      this.connections.delete(connectionId);
      if (this.stopping) return;
      void live.queue.then(() =>
        this.track(
          this.options.handler(this.event(connectionId, '$disconnect', 'DISCONNECT', connectedAt)),
        ).catch((error: unknown) => this.options.onError?.(error)),
      );
    });
    socket.on('error', (error) => this.options.onError?.(error));
  }

  private async manage(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, body?: unknown, errorType?: string) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      });
      res.end(text);
    };
    const [path = '', search = ''] = (req.url ?? '').split('?', 2);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const refusal = await this.verifySignature(req, path, search, body);
    if (refusal) return answer(403, { message: refusal.message }, refusal.type);
    // The SDK puts the stage in the endpoint; locally there is none, so any prefix is accepted.
    const match = /\/@connections\/([^/?]+)$/.exec(path);
    if (!match?.[1]) return answer(404, { message: 'Not Found' }, 'NotFoundException');
    const connectionId = decodeURIComponent(match[1]);
    const live = this.connections.get(connectionId);
    if (!live || live.socket.readyState !== live.socket.OPEN)
      return answer(410, { message: 'GoneException' }, 'GoneException');
    if (req.method === 'POST') {
      if (body.length > MAX_MESSAGE_BYTES)
        return answer(413, { message: 'PayloadTooLargeException' }, 'PayloadTooLargeException');
      await new Promise<void>((resolve, reject) =>
        live.socket.send(body.toString('utf8'), (error) => (error ? reject(error) : resolve())),
      ).catch(() => undefined);
      return answer(200);
    }
    if (req.method === 'GET') {
      return answer(200, {
        connectedAt: new Date(live.connectedAt).toISOString(),
        lastActiveAt: new Date(live.lastActiveAt).toISOString(),
        identity: { sourceIp: '127.0.0.1' },
      });
    }
    if (req.method === 'DELETE') {
      live.socket.close(1000, 'Closed by the server');
      return answer(204);
    }
    return answer(405, { message: 'Method Not Allowed' });
  }

  /**
   * SigV4 as API Gateway checks it: the scope (the local access key, this region, `execute-api`), the
   * date, the body's hash when the client sent one, then the signature itself, recomputed by the
   * signer over the signed headers as received. Undefined when the request is properly signed.
   */
  private async verifySignature(
    req: IncomingMessage,
    path: string,
    search: string,
    body: Buffer,
  ): Promise<Refusal | undefined> {
    const authorization = req.headers.authorization;
    if (!authorization)
      return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
    const parts = SIGV4_AUTHORIZATION.exec(authorization);
    if (!parts) {
      return {
        type: 'IncompleteSignatureException',
        message: 'Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256)',
      };
    }
    const [, accessKeyId, day, region, service, signedHeaderList] = parts as unknown as string[];
    const { signing } = this.options;
    if (accessKeyId !== signing.credentials.accessKeyId) {
      return {
        type: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      };
    }
    if (service !== MANAGEMENT_API_SERVICE || region !== signing.region) {
      return {
        type: 'InvalidSignatureException',
        message: `Credential should be scoped to region '${signing.region}' and service '${MANAGEMENT_API_SERVICE}'`,
      };
    }
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const dated = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!dated || !amzDate.startsWith(day!)) {
      return {
        type: 'IncompleteSignatureException',
        message: 'X-Amz-Date is missing or does not match the credential scope',
      };
    }
    const [, y, mo, d, h, mi, sec] = dated.map(Number) as number[];
    const signingDate = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!));
    if (Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
      return {
        type: 'InvalidSignatureException',
        message: `Signature expired: ${amzDate} is more than 5 minutes from now`,
      };
    }
    const signedHeaders = signedHeaderList!.split(';');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = req.headers[name];
      if (value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const mismatch = {
      type: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    };
    if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return mismatch;
    const claimedHash = headers['x-amz-content-sha256'];
    if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(body).digest('hex'))
      return mismatch;
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of new URLSearchParams(search)) {
      const seen = query[name];
      query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    const expected = await this.signer.sign(
      { method: req.method ?? 'GET', protocol: 'http:', hostname: '127.0.0.1', path, query, headers, body },
      {
        signingDate,
        signingRegion: region,
        signingService: service,
        signableHeaders: new Set(signedHeaders),
      },
    );
    const computed = Buffer.from(String(expected.headers.authorization ?? ''));
    const given = Buffer.from(authorization);
    return computed.length === given.length && timingSafeEqual(computed, given) ? undefined : mismatch;
  }

  /**
   * Drops every connection and closes the server; waits for handlers in flight. The dropped
   * connections get no $disconnect: the local API goes away with its tables (the connection items
   * would expire by TTL anyway), and 10,000 of them (the bench) would take minutes of handler calls.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const live of this.connections.values()) live.socket.terminate();
    // Each close handler queues its $disconnect: wait until they all ran.
    for (let i = 0; i < 200 && this.connections.size > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    const server = this.server;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
