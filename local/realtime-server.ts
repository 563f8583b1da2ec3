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
 *   (closes it). The SDK's ApiGatewayManagementApiClient talks to it with `endpoint: http://127.0.0.1:<port>`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

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
  readonly idleTimeoutMs?: number;
  readonly maxConnectionMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** API Gateway's limits for WebSocket APIs. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
const IDLE_MS = 10 * 60 * 1000;
const MAX_CONNECTION_MS = 2 * 3600 * 1000;

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

  constructor(private readonly options: RealtimeServerOptions) {}

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
    const answer = (status: number, body?: unknown) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    // The SDK puts the stage in the endpoint; locally there is none, so any prefix is accepted.
    const match = /\/@connections\/([^/?]+)$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (!match?.[1]) return answer(404, { message: 'Not Found' });
    const connectionId = decodeURIComponent(match[1]);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= MAX_MESSAGE_BYTES) chunks.push(chunk as Buffer);
    }
    const live = this.connections.get(connectionId);
    if (!live || live.socket.readyState !== live.socket.OPEN)
      return answer(410, { message: 'GoneException' });
    if (req.method === 'POST') {
      if (size > MAX_MESSAGE_BYTES) return answer(413, { message: 'PayloadTooLargeException' });
      await new Promise<void>((resolve, reject) =>
        live.socket.send(Buffer.concat(chunks).toString('utf8'), (error) =>
          error ? reject(error) : resolve(),
        ),
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
