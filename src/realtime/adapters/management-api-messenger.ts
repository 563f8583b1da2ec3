/**
 * PostToConnection through API Gateway's management API (`https://{api}.execute-api.{region}
 * .amazonaws.com/{stage}`), or the local server's (`http://127.0.0.1:<port>`), without the SDK
 * client's middleware stack: each post is one HTTP request signed with SigV4 by the SDK's own signer
 * (the management API client's configured `@smithy/signature-v4`, service `execute-api`), on a
 * keep-alive connection.
 * Why: the fan-out makes one post per event and connection, and the SDK client spent 0.7-1.3 ms of
 * CPU on each (endpoint rules, serde, middleware) against 0.2-0.4 ms for the request itself
 * (ADR 0017). The local management API verifies the same signature (local/realtime-server.ts), so a
 * signing mistake fails the local tests as it would fail every post in AWS.
 * - 410 Gone means the connection is closed: `gone`.
 * - Throttling (429), 5xx and network errors are retried (as the SDK's standard retry does: at most
 *   `maxAttempts` attempts, full-jitter back-off from 100 ms); any other answer (403 on a bad
 *   signature, 413 over 128 KB, ...) fails at once with a `ManagementApiError` that carries the
 *   status (`$metadata.httpStatusCode`) and API Gateway's error type as its `name`.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ConnectionMessenger } from '../ports';

/** A request as SigV4 signers take it (the shape of the SDK's HttpRequest). */
export interface SignableRequest {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  readonly path: string;
  readonly query: Record<string, string | string[]>;
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/**
 * What signs a request: in the functions, the SDK's own SigV4 signer as the management API client
 * configures it (`ApiGatewayManagementApiClient#config.signer()`: service `execute-api`, the
 * client's region and credential chain, refreshed before expiry, node's SHA-256); tests and the local
 * server build one with other credentials (local/management-api-signature.ts).
 */
export interface RequestSigner {
  sign(request: SignableRequest): Promise<{ headers: Record<string, string> }>;
}

/** An answer other than 2xx or 410 (after retries, for the retryable ones). */
export class ManagementApiError extends Error {
  readonly $metadata: { readonly httpStatusCode: number };
  constructor(name: string, status: number, message: string) {
    super(`PostToConnection answered ${status} ${name}: ${message}`);
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

export interface ManagementApiMessengerOptions {
  /** REALTIME_MANAGEMENT_ENDPOINT: the API's stage URL, or the local server. */
  readonly endpoint: string;
  /** The signer, or a provider of it (called once). */
  readonly signer: RequestSigner | (() => Promise<RequestSigner>);
  /** One attempt's limit, connecting included (`sdkTimeouts`). */
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
  /** Keep-alive connections at most (the fan-out has 64 posts in flight). */
  readonly maxSockets?: number;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const BACKOFF_BASE_MS = 100;

interface Answer {
  readonly status: number;
  readonly errorType: string | undefined;
  readonly body: string;
}

export class ManagementApiMessenger implements ConnectionMessenger {
  private readonly url: URL;
  private readonly basePath: string;
  private signer: Promise<RequestSigner> | undefined;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(private readonly options: ManagementApiMessengerOptions) {
    this.url = new URL(options.endpoint);
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    const https = this.url.protocol === 'https:';
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 128,
      scheduling: 'lifo' as const,
    };
    this.agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.send = https ? httpsRequest : httpRequest;
  }

  async post(connectionId: string, data: string): Promise<'sent' | 'gone'> {
    const body = Buffer.from(data, 'utf8');
    const path = `${this.basePath}/@connections/${encodeURIComponent(connectionId)}`;
    for (let attempt = 1; ; attempt += 1) {
      let answer: Answer;
      try {
        answer = await this.attempt(path, body);
      } catch (error) {
        // The request did not get an answer (reset, refused, timed out): as the SDK, try again.
        if (attempt >= this.options.maxAttempts) throw error;
        await backoff(attempt);
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return 'sent';
      if (answer.status === 410) return 'gone';
      if (!RETRYABLE_STATUS.has(answer.status) || attempt >= this.options.maxAttempts) {
        throw new ManagementApiError(
          answer.errorType ?? `Http${answer.status}`,
          answer.status,
          messageOf(answer.body),
        );
      }
      await backoff(attempt);
    }
  }

  /** Closes the idle keep-alive connections (tests, shutdown). */
  destroy(): void {
    this.agent.destroy();
  }

  private async attempt(path: string, body: Buffer): Promise<Answer> {
    const { signer } = this.options;
    this.signer ??= Promise.resolve(typeof signer === 'function' ? signer() : signer);
    const signed = await (
      await this.signer
    ).sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port ? Number(this.url.port) : undefined,
      path,
      query: {},
      headers: {
        host: this.url.host,
        'content-type': 'application/json',
        'content-length': String(body.length),
      },
      body,
    });
    return new Promise<Answer>((resolve, reject) => {
      const request = this.send(
        {
          agent: this.agent,
          method: 'POST',
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port || undefined,
          path,
          headers: signed.headers,
        },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const type = response.headers['x-amzn-errortype'];
            resolve({
              status: response.statusCode ?? 0,
              errorType: typeof type === 'string' ? type.split(':')[0] : undefined,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      request.setTimeout(this.options.requestTimeoutMs, () =>
        request.destroy(
          Object.assign(new Error(`PostToConnection: no answer in ${this.options.requestTimeoutMs} ms`), {
            name: 'TimeoutError',
          }),
        ),
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; Message?: unknown };
    const message = parsed.message ?? parsed.Message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: the text itself.
  }
  return body.slice(0, 200);
}

const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * BACKOFF_BASE_MS * 2 ** attempt));
