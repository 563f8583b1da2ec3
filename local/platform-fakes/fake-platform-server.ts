/**
 * The base of the fake review platforms (one module per platform builds on it): an HTTP server on
 * loopback with a route table, a log of every request (so tests can count calls and check rates),
 * and switchable faults that take over the next matching requests before the route runs:
 * an HTTP status with headers and body (429 + Retry-After, 5xx, 401), a hang (no answer until the
 * client gives up or `hangMs` passes), a body that drips in slowly, HTML with 200, invalid JSON,
 * or a reset connection. Every hang is bounded, so a test's server always closes.
 */
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names lower-cased. */
  readonly headers: http.IncomingHttpHeaders;
  readonly rawBody: Buffer;
  readonly at: number;
}

export interface FakeResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value (serialised) or a string sent as is. */
  readonly json?: unknown;
  readonly text?: string;
}

export type FakeRoute = (
  request: FakeRequest,
  params: readonly string[],
) => FakeResponse | Promise<FakeResponse>;

export type FakeFault =
  | { readonly kind: 'status'; readonly response: FakeResponse }
  | { readonly kind: 'hang'; readonly hangMs?: number }
  | { readonly kind: 'slow-body'; readonly totalMs: number }
  | { readonly kind: 'html-200' }
  | { readonly kind: 'invalid-json' }
  | { readonly kind: 'reset' };

/** An access token the fake issued (by its OAuth endpoint, or by a test). */
export interface FakeToken {
  readonly token: string;
  readonly expiresAtMs: number;
  revoked: boolean;
  /** What it was issued for (scope, page id, business user): the platform module decides. */
  readonly subject: string;
}

interface ArmedFault {
  readonly fault: FakeFault;
  /** Requests it still applies to (Infinity until cleared). */
  remaining: number;
  readonly matches: (request: FakeRequest) => boolean;
}

export class FakePlatformServer {
  readonly requests: FakeRequest[] = [];
  /** Access tokens by value, shared by the platform's API routes and its OAuth routes. */
  readonly tokens = new Map<string, FakeToken>();
  private readonly routes: { method: string; pattern: RegExp; route: FakeRoute }[] = [];
  private readonly faults: ArmedFault[] = [];
  /** The status each request was answered with (none: the connection was dropped or hung up). */
  private readonly answers = new Map<FakeRequest, number>();
  private readonly server: http.Server;
  private readonly hanging = new Set<NodeJS.Timeout>();
  private port = 0;

  constructor(readonly name: string) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
  }

  /** Routes are matched in the order added; capture groups become `params`. */
  on(method: string, pattern: RegExp, route: FakeRoute): this {
    this.routes.push({ method, pattern, route });
    return this;
  }

  /** Arms a fault for the next `times` requests matching `matches` (all requests by default). */
  fault(fault: FakeFault, times = Infinity, matches: (request: FakeRequest) => boolean = () => true): void {
    this.faults.push({ fault, remaining: times, matches });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.hanging) clearTimeout(timer);
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Issues an access token valid for `ttlMs` (the OAuth routes and tests call this). */
  issueToken(
    subject: string,
    ttlMs = 3_600_000,
    token = `tok_${randomBytes(12).toString('hex')}`,
  ): FakeToken {
    const issued: FakeToken = { token, expiresAtMs: Date.now() + ttlMs, revoked: false, subject };
    this.tokens.set(token, issued);
    return issued;
  }

  /** The request's live bearer token, or why there is none (the module answers in its own error shape). */
  bearer(
    request: FakeRequest,
  ): { ok: true; token: FakeToken } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' } {
    const header = request.headers.authorization;
    const value = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!value) return { ok: false, reason: 'missing' };
    const token = this.tokens.get(value);
    if (!token) return { ok: false, reason: 'unknown' };
    if (token.revoked) return { ok: false, reason: 'revoked' };
    if (token.expiresAtMs <= Date.now()) return { ok: false, reason: 'expired' };
    return { ok: true, token };
  }

  /** The HTTP status the fake answered `request` with; undefined when it hung up or reset instead. */
  statusOf(request: FakeRequest): number | undefined {
    return this.answers.get(request);
  }

  /** Requests that reached the fake (faulted ones included) matching `predicate`. */
  count(predicate: (request: FakeRequest) => boolean = () => true): number {
    return this.requests.filter(predicate).length;
  }

  /**
   * The most requests matching `predicate` (faulted ones included) that arrived within any window
   * of `windowMs`: what a client's rate is judged by, per app or per location.
   */
  peakInWindow(windowMs: number, predicate: (request: FakeRequest) => boolean = () => true): number {
    return peakInWindow(
      this.requests.filter(predicate).map((r) => r.at),
      windowMs,
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody: Buffer.concat(chunks),
      at: Date.now(),
    };
    this.requests.push(request);
    const armed = this.faults.find((f) => f.remaining > 0 && f.matches(request));
    if (armed) {
      armed.remaining -= 1;
      return this.applyFault(armed.fault, request, res);
    }
    const answer = (response: FakeResponse): void => {
      this.answers.set(request, response.status);
      send(res, response);
    };
    for (const { method, pattern, route } of this.routes) {
      if (method !== request.method) continue;
      const match = pattern.exec(request.path);
      if (!match) continue;
      try {
        return answer(await route(request, match.slice(1)));
      } catch (error) {
        return answer({ status: 500, json: { error: { message: String(error) } } });
      }
    }
    answer({
      status: 404,
      json: { error: { code: 404, message: `no route ${request.method} ${request.path}` } },
    });
  }

  private applyFault(fault: FakeFault, request: FakeRequest, res: http.ServerResponse): void {
    if (fault.kind === 'status') this.answers.set(request, fault.response.status);
    if (fault.kind === 'html-200' || fault.kind === 'invalid-json' || fault.kind === 'slow-body')
      this.answers.set(request, 200);
    switch (fault.kind) {
      case 'status':
        return send(res, fault.response);
      case 'html-200':
        return send(res, {
          status: 200,
          headers: { 'content-type': 'text/html' },
          text: '<html><body>Service temporarily unavailable</body></html>',
        });
      case 'invalid-json':
        return send(res, {
          status: 200,
          headers: { 'content-type': 'application/json' },
          text: '{"reviews": [',
        });
      case 'reset':
        res.socket?.destroy();
        return;
      case 'hang': {
        const timer = setTimeout(() => {
          this.hanging.delete(timer);
          res.socket?.destroy();
        }, fault.hangMs ?? 30_000);
        this.hanging.add(timer);
        return;
      }
      case 'slow-body': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const body = '{"slow":true}';
        const step = fault.totalMs / body.length;
        let i = 0;
        const drip = (): void => {
          if (i >= body.length || res.destroyed) {
            res.end();
            return;
          }
          res.write(body[i]);
          i += 1;
          const timer = setTimeout(() => {
            this.hanging.delete(timer);
            drip();
          }, step);
          this.hanging.add(timer);
        };
        drip();
        return;
      }
    }
  }
}

/** The most of these times (epoch ms) that fall within any window of `windowMs`. */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

function send(res: http.ServerResponse, response: FakeResponse): void {
  if (res.destroyed) return;
  const body = response.text ?? (response.json === undefined ? '' : JSON.stringify(response.json));
  res.writeHead(response.status, {
    ...(response.json !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    ...response.headers,
  });
  res.end(body);
}
