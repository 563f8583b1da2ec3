/**
 * One webhook delivery attempt over HTTP(S): a signed POST to an endpoint, connecting only to
 * the address that the SSRF check approved. The TCP socket is opened to that IP address directly
 * (no DNS at connect time, so no rebinding gap); the Host header, TLS SNI and the certificate
 * check keep the URL's hostname. One fresh connection per attempt (no keep-alive pool).
 *
 * Outcomes (Standard Webhooks status handling):
 * - `success`: 2xx.
 * - `gone`: 410; the caller disables the endpoint.
 * - `rate-limited`: 429 or 503; `retryAfterSeconds` is the parsed Retry-After (delta seconds or
 *   HTTP date), clamped to bounds, when the header is present and valid.
 * - `failure`: anything else, including 3xx (redirects are never followed), connect timeout,
 *   total timeout (also a body that drips in slower than the total timeout allows), connection
 *   errors, an SSRF refusal, and a response body larger than `maxResponseBytes` (the read stops
 *   there; see `failOnOversizedResponse`).
 *
 * No AWS imports; the clock is injectable.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { resolveAndCheck, type Resolver, type ResolveOptions, type SsrfReason } from '../domain/ssrf';

export type DeliveryOutcome = 'success' | 'failure' | 'gone' | 'rate-limited';

export type DeliveryErrorCode =
  | 'connect-timeout'
  | 'total-timeout'
  | 'connection-error'
  | 'redirect'
  | 'http-status'
  | 'response-too-large'
  | 'ssrf-refused';

export interface DeliveryResult {
  readonly outcome: DeliveryOutcome;
  readonly statusCode?: number;
  readonly latencyMs: number;
  /** The first `snippetBytes` of the response body, decoded as UTF-8. */
  readonly responseSnippet: string;
  /** True when the body was longer than `maxResponseBytes` and the read stopped there. */
  readonly truncated: boolean;
  readonly error?: string;
  readonly errorCode?: DeliveryErrorCode;
  /** Set with `errorCode: 'ssrf-refused'`. */
  readonly ssrfReason?: SsrfReason;
  /** For 429/503 with a valid Retry-After header: seconds to wait, clamped to bounds. */
  readonly retryAfterSeconds?: number;
  /** The address the socket actually connected to. */
  readonly remoteAddress?: string;
}

export interface RetryAfterBounds {
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

export interface HttpDeliveryOptions {
  /** TCP connect plus TLS handshake. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Whole attempt, from the start until the body has been read. Default 10000 ms. */
  readonly totalTimeoutMs?: number;
  /** Stop reading the response body after this many bytes. Default 64 KiB. */
  readonly maxResponseBytes?: number;
  /** Keep this many bytes of the body in `responseSnippet`. Default 1 KiB. */
  readonly snippetBytes?: number;
  /** A body longer than `maxResponseBytes` fails the attempt (default true) or only truncates the read. */
  readonly failOnOversizedResponse?: boolean;
  /** Bounds applied to a parsed Retry-After. Default 1 s .. 24 h. */
  readonly retryAfterBounds?: RetryAfterBounds;
  /** Wall clock in epoch ms (latency and Retry-After dates). Default Date.now. */
  readonly now?: () => number;
  readonly userAgent?: string;
  /** Extra trusted CA certificates (local mode and tests with self-signed certificates). */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
export const DEFAULT_SNIPPET_BYTES = 1024;
export const DEFAULT_RETRY_AFTER_BOUNDS: RetryAfterBounds = { minSeconds: 1, maxSeconds: 24 * 60 * 60 };
export const DEFAULT_USER_AGENT = 'WedSync-Webhooks/1.0';

/** Outcome for a complete HTTP response status. */
export function classifyStatus(statusCode: number): DeliveryOutcome {
  if (statusCode >= 200 && statusCode <= 299) return 'success';
  if (statusCode === 410) return 'gone';
  if (statusCode === 429 || statusCode === 503) return 'rate-limited';
  return 'failure';
}

/**
 * Retry-After as whole seconds from `nowMs`: either delta-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`), clamped to `bounds`. Undefined when absent or unparseable.
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined,
  nowMs: number,
  bounds: RetryAfterBounds = DEFAULT_RETRY_AFTER_BOUNDS,
): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  let seconds: number;
  if (/^\d+$/.test(text)) {
    seconds = Number(text);
  } else if (/^[A-Za-z]{3},? /.test(text) || /GMT$/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    seconds = Math.ceil((at - nowMs) / 1000);
  } else {
    return undefined;
  }
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, seconds));
}

export interface PinnedRequest {
  /** The endpoint URL (already checked). */
  readonly url: URL | string;
  /** The checked address to connect to, and its family. */
  readonly address: string;
  readonly family: 4 | 6;
  /** Signature headers (webhook-id, webhook-timestamp, webhook-signature) and any others. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function snippetOf(chunks: readonly Buffer[], snippetBytes: number): string {
  return Buffer.concat(chunks).subarray(0, snippetBytes).toString('utf8');
}

/** POST the body to the URL, connecting only to `request.address`. Never throws. */
export function postPinned(
  request: PinnedRequest,
  options: HttpDeliveryOptions = {},
): Promise<DeliveryResult> {
  const now = options.now ?? Date.now;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const snippetBytes = options.snippetBytes ?? DEFAULT_SNIPPET_BYTES;
  const failOnOversized = options.failOnOversizedResponse ?? true;
  const bounds = options.retryAfterBounds ?? DEFAULT_RETRY_AFTER_BOUNDS;
  const url = typeof request.url === 'string' ? new URL(request.url) : request.url;
  const started = now();

  return new Promise<DeliveryResult>((resolve) => {
    let settled = false;
    let statusCode: number | undefined;
    let retryAfterHeader: string | string[] | undefined;
    let location: string | undefined;
    let remoteAddress: string | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let truncated = false;
    const timers: NodeJS.Timeout[] = [];

    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const isHttps = url.protocol === 'https:';
    const port = url.port === '' ? (isHttps ? 443 : 80) : Number(url.port);
    const body = Buffer.from(request.body, 'utf8');
    let rawSocket: net.Socket | undefined;
    let secureSocket: tls.TLSSocket | undefined;
    // Assigned below, before any socket exists; `connected` clears the connect timeout.
    let connected: () => void = () => undefined;

    // Pinning: the TCP connection goes to the checked address, never through DNS. For https the
    // TLS session runs over it with SNI and certificate verification for the URL's hostname.
    const createConnection = (): net.Socket => {
      rawSocket = net.connect({ host: request.address, port, family: request.family });
      if (!isHttps) {
        rawSocket.once('connect', () => connected());
        return rawSocket;
      }
      secureSocket = tls.connect({
        socket: rawSocket,
        host: hostname,
        ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
        ...(options.ca !== undefined ? { ca: options.ca as string | Buffer | (string | Buffer)[] } : {}),
      });
      secureSocket.once('secureConnect', () => connected());
      return secureSocket;
    };

    const requestOptions: http.RequestOptions = {
      host: hostname,
      port,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      createConnection,
      headers: {
        ...request.headers,
        host: url.host,
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
        connection: 'close',
      },
    };
    const req = http.request(requestOptions);

    const finish = (result: Omit<DeliveryResult, 'latencyMs' | 'responseSnippet' | 'truncated'>): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      req.destroy();
      secureSocket?.destroy();
      rawSocket?.destroy();
      resolve({
        ...result,
        latencyMs: Math.max(0, now() - started),
        responseSnippet: snippetOf(chunks, snippetBytes),
        truncated,
        ...(remoteAddress !== undefined ? { remoteAddress } : {}),
      });
    };

    const fail = (errorCode: DeliveryErrorCode, error: string): void =>
      finish({ outcome: 'failure', errorCode, error, ...(statusCode !== undefined ? { statusCode } : {}) });

    const complete = (): void => {
      if (statusCode === undefined) return fail('connection-error', 'no response');
      if (truncated && failOnOversized) {
        return fail('response-too-large', `response body larger than ${maxResponseBytes} bytes`);
      }
      const outcome = classifyStatus(statusCode);
      if (outcome === 'rate-limited') {
        const retryAfterSeconds = parseRetryAfter(retryAfterHeader, now(), bounds);
        return finish({
          outcome,
          statusCode,
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        });
      }
      if (outcome !== 'failure') return finish({ outcome, statusCode });
      if (statusCode >= 300 && statusCode <= 399) {
        return fail('redirect', `redirect (${statusCode}${location ? ` to ${location}` : ''}) not followed`);
      }
      return fail('http-status', `HTTP ${statusCode}`);
    };

    timers.push(
      setTimeout(
        () => fail('total-timeout', `no complete response within ${totalTimeoutMs} ms`),
        totalTimeoutMs,
      ),
    );
    const connectTimer = setTimeout(
      () => fail('connect-timeout', `could not connect within ${connectTimeoutMs} ms`),
      Math.min(connectTimeoutMs, totalTimeoutMs),
    );
    timers.push(connectTimer);

    connected = (): void => {
      clearTimeout(connectTimer);
      remoteAddress = rawSocket?.remoteAddress;
    };
    req.on('error', (error: NodeJS.ErrnoException) => {
      fail('connection-error', error.code ? `${error.code}: ${error.message}` : error.message);
    });
    req.on('response', (res) => {
      statusCode = res.statusCode ?? 0;
      retryAfterHeader = res.headers['retry-after'];
      location = res.headers.location?.slice(0, 256);
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = maxResponseBytes - received;
        if (chunk.length > room) {
          if (room > 0) chunks.push(chunk.subarray(0, room));
          received += Math.max(0, room);
          truncated = true;
          complete();
          return;
        }
        chunks.push(chunk);
        received += chunk.length;
      });
      res.on('end', complete);
      res.on('aborted', () => fail('connection-error', 'response aborted'));
      res.on('error', (error) => fail('connection-error', error.message));
    });
    req.end(body);
  });
}

export interface DeliverWebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** DNS resolver; default `dns.promises.lookup` with `all: true`. */
  readonly resolver?: Resolver;
  /** SSRF policy; `allowLoopback`/`allowHttp` only in the local mode and tests. */
  readonly policy?: ResolveOptions;
}

/**
 * The full attempt: resolve and check the host (again, on every attempt), then POST to the
 * checked address only. DNS time counts against the total timeout. Never throws.
 */
export async function deliverWebhook(
  request: DeliverWebhookRequest,
  options: HttpDeliveryOptions = {},
): Promise<DeliveryResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const target = await resolveAndCheck(request.url, request.resolver, {
    ...request.policy,
    dnsTimeoutMs: Math.min(request.policy?.dnsTimeoutMs ?? connectTimeoutMs, totalTimeoutMs),
  });
  if (!target.ok) {
    const dnsProblem = target.reason === 'dns-failure' || target.reason === 'no-addresses';
    return {
      outcome: 'failure',
      latencyMs: Math.max(0, now() - started),
      responseSnippet: '',
      truncated: false,
      errorCode: dnsProblem ? 'connection-error' : 'ssrf-refused',
      ssrfReason: target.reason,
      error: target.detail,
    };
  }
  const remaining = Math.max(1, totalTimeoutMs - (now() - started));
  const result = await postPinned(
    {
      url: target.url,
      address: target.address,
      family: target.family,
      headers: request.headers,
      body: request.body,
    },
    { ...options, now, totalTimeoutMs: remaining },
  );
  return { ...result, latencyMs: Math.max(0, now() - started) };
}
