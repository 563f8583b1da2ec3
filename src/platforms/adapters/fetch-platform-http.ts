/**
 * PlatformHttp over Node's fetch: one bounded exchange per call. A call that gets no complete
 * answer in `timeoutMs` (connect, headers and body together), a reset connection or a body over
 * `maxBodyBytes` becomes a PlatformCallError of kind `retry-later`; any HTTP status is returned to
 * the adapter, which classifies it with the platform's own rules. Redirects are not followed
 * (platform APIs do not redirect; a redirect is a misconfiguration worth seeing).
 */
import { PlatformCallError } from '../domain/platform';
import type { CallContext, PlatformHttp, PlatformHttpRequest, PlatformHttpResponse } from '../ports';

export interface FetchPlatformHttpOptions {
  /** Whole exchange, default 10 s (a sync message's Lambda has 60 s for a page and its hand-off). */
  readonly timeoutMs?: number;
  /** Largest body read, default 5 MiB (a 100-review page is well under 1 MiB). */
  readonly maxBodyBytes?: number;
  readonly userAgent?: string;
  readonly now?: () => number;
}

export class FetchPlatformHttp implements PlatformHttp {
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly userAgent: string;
  private readonly now: () => number;

  constructor(options: FetchPlatformHttpOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
    this.userAgent = options.userAgent ?? 'WedSync-Integration-Platform/1.0';
    this.now = options.now ?? Date.now;
  }

  async request(request: PlatformHttpRequest, context: CallContext): Promise<PlatformHttpResponse> {
    const started = this.now();
    const fail = (reason: string): never => {
      throw new PlatformCallError(context.platform, context.operation, { kind: 'retry-later', reason });
    };
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: { 'user-agent': this.userAgent, ...request.headers },
        ...(request.body !== undefined ? { body: request.body } : {}),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      return fail(
        signal.aborted ? `no answer in ${this.timeoutMs} ms` : `connection failed: ${describe(error)}`,
      );
    }
    let body: string;
    try {
      body = await readCapped(response, this.maxBodyBytes);
    } catch (error) {
      return fail(
        signal.aborted ? `body not complete in ${this.timeoutMs} ms` : `body read failed: ${describe(error)}`,
      );
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: response.status, headers, body, latencyMs: this.now() - started };
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`body larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const describe = (error: unknown): string =>
  error instanceof Error
    ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
    : String(error);
