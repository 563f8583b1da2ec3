/**
 * One delivery attempt against real HTTP(S) servers on 127.0.0.1 (ephemeral ports, closed
 * afterwards). Loopback and http are allowed here only through the explicit local-mode policy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Webhook } from 'standardwebhooks';
import { deliverWebhook, parseRetryAfter, postPinned } from '#src/webhooks/adapters/http-delivery';
import { generateSecret, signDelivery } from '#src/webhooks/domain/signing';
import type { Resolver } from '#src/webhooks/domain/ssrf';

const LOCAL = { allowLoopback: true, allowHttp: true } as const;
const SECRET = generateSecret();
const BODY = JSON.stringify({
  specversion: '1.0',
  id: 'evt_int_1',
  type: 'review.received',
  data: { rating: 5 },
});

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  verified: boolean;
  servername?: string;
}

const received: Received[] = [];
const timers = new Set<NodeJS.Timeout>();

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let verified = false;
    try {
      new Webhook(SECRET).verify(body, req.headers as Record<string, string>);
      verified = true;
    } catch {
      verified = false;
    }
    const servername = (req.socket as TLSSocket).servername;
    received.push({
      path: req.url ?? '',
      headers: req.headers,
      body,
      verified,
      ...(typeof servername === 'string' ? { servername } : {}),
    });
    route(req.url ?? '/', res);
  });
}

function route(path: string, res: http.ServerResponse): void {
  switch (path) {
    case '/ok':
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
      return;
    case '/accepted':
      res.writeHead(204).end();
      return;
    case '/error':
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error: database is down');
      return;
    case '/gone':
      res.writeHead(410).end('endpoint removed');
      return;
    case '/rate-limited':
      res.writeHead(429, { 'retry-after': '120' }).end('slow down');
      return;
    case '/unavailable-date':
      res.writeHead(503, { 'retry-after': 'Sat, 14 Jun 2025 18:31:00 GMT' }).end();
      return;
    case '/rate-limited-long':
      res.writeHead(429, { 'retry-after': '999999' }).end();
      return;
    case '/redirect-private':
      res.writeHead(302, { location: 'http://10.0.0.1/internal' }).end();
      return;
    case '/redirect-local':
      res.writeHead(307, { location: `${otherUrl}/ok` }).end();
      return;
    case '/huge':
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(1024 * 1024));
      return;
    case '/slow':
      return; // never answers
    case '/late': {
      const timer = setTimeout(() => res.writeHead(200).end('late but fine'), 250);
      timers.add(timer);
      return;
    }
    case '/drip': {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 50);
      timers.add(timer);
      res.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
      return;
    }
    default:
      res.writeHead(404).end();
  }
}

let server: http.Server;
let baseUrl: string;
let port: number;
let other: http.Server;
let otherUrl: string;
let otherHits = 0;

function listen(s: net.Server): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
}

function close(s: net.Server & { closeAllConnections?: () => void }): Promise<void> {
  s.closeAllConnections?.();
  return new Promise((resolve) => s.close(() => resolve()));
}

beforeAll(async () => {
  server = http.createServer(handler);
  port = await listen(server);
  baseUrl = `http://127.0.0.1:${port}`;
  other = http.createServer((_req, res) => {
    otherHits += 1;
    res.end('followed');
  });
  otherUrl = `http://127.0.0.1:${await listen(other)}`;
});

afterAll(async () => {
  for (const timer of timers) clearTimeout(timer);
  await close(server);
  await close(other);
});

beforeEach(() => {
  received.length = 0;
});

function send(path: string, options: Parameters<typeof deliverWebhook>[1] = {}) {
  const headers = signDelivery({
    webhookId: 'evt_int_1',
    body: BODY,
    secrets: { current: SECRET },
    nowMs: Date.now(),
  });
  return deliverWebhook(
    { url: `${baseUrl}${path}`, body: BODY, headers: { ...headers }, policy: LOCAL },
    options,
  );
}

describe('delivery outcomes', () => {
  it('delivers a signed POST that the receiver verifies (healthy endpoint)', async () => {
    const result = await send('/ok');
    expect(result).toMatchObject({
      outcome: 'success',
      statusCode: 200,
      responseSnippet: 'thanks',
      truncated: false,
    });
    expect(result.error).toBeUndefined();
    expect(result.remoteAddress).toBe('127.0.0.1');
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request).toMatchObject({ path: '/ok', body: BODY, verified: true });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': 'evt_int_1',
      host: `127.0.0.1:${port}`,
    });
  });

  it('treats any 2xx as success', async () => {
    expect(await send('/accepted')).toMatchObject({
      outcome: 'success',
      statusCode: 204,
      responseSnippet: '',
    });
  });

  it('reports a 500 as a failure with a snippet of the body', async () => {
    expect(await send('/error')).toMatchObject({
      outcome: 'failure',
      statusCode: 500,
      errorCode: 'http-status',
      responseSnippet: 'internal error: database is down',
    });
  });

  it('reports 410 as gone', async () => {
    expect(await send('/gone')).toMatchObject({ outcome: 'gone', statusCode: 410 });
  });

  it('reports 429 as rate-limited with Retry-After in seconds', async () => {
    expect(await send('/rate-limited')).toMatchObject({
      outcome: 'rate-limited',
      statusCode: 429,
      retryAfterSeconds: 120,
    });
  });

  it('parses a Retry-After HTTP date on 503 against the injected clock', async () => {
    const now = () => Date.parse('2025-06-14T18:30:00Z');
    expect(await send('/unavailable-date', { now })).toMatchObject({
      outcome: 'rate-limited',
      statusCode: 503,
      retryAfterSeconds: 60,
    });
  });

  it('clamps Retry-After to its bounds', async () => {
    expect(await send('/rate-limited-long')).toMatchObject({ retryAfterSeconds: 86_400 });
    expect(
      await send('/rate-limited-long', { retryAfterBounds: { minSeconds: 5, maxSeconds: 3600 } }),
    ).toMatchObject({
      retryAfterSeconds: 3600,
    });
  });

  it('does not follow a redirect to a private address: 3xx is a failure', async () => {
    const result = await send('/redirect-private');
    expect(result).toMatchObject({ outcome: 'failure', statusCode: 302, errorCode: 'redirect' });
    expect(result.error).toContain('http://10.0.0.1/internal');
    expect(received.map((r) => r.path)).toEqual(['/redirect-private']);
  });

  it('does not follow a redirect even to an allowed address', async () => {
    otherHits = 0;
    expect(await send('/redirect-local')).toMatchObject({
      outcome: 'failure',
      statusCode: 307,
      errorCode: 'redirect',
    });
    expect(otherHits).toBe(0);
  });

  it('stops reading a huge body at the cap: a failure, with a 1 KiB snippet', async () => {
    const result = await send('/huge');
    expect(result).toMatchObject({
      outcome: 'failure',
      statusCode: 200,
      errorCode: 'response-too-large',
      truncated: true,
    });
    expect(result.responseSnippet).toBe('x'.repeat(1024));
  });

  it('can only truncate a huge body when configured so', async () => {
    const result = await send('/huge', {
      failOnOversizedResponse: false,
      maxResponseBytes: 4096,
      snippetBytes: 16,
    });
    expect(result).toMatchObject({
      outcome: 'success',
      statusCode: 200,
      truncated: true,
      responseSnippet: 'x'.repeat(16),
    });
  });
});

describe('timeouts', () => {
  it('fails an endpoint that never answers after the total timeout', async () => {
    const result = await send('/slow', { totalTimeoutMs: 300 });
    expect(result).toMatchObject({ outcome: 'failure', errorCode: 'total-timeout' });
    expect(result.statusCode).toBeUndefined();
    expect(result.latencyMs).toBeGreaterThanOrEqual(290);
    expect(result.latencyMs).toBeLessThan(2000);
  });

  it('limits only connecting with the connect timeout: a slower answer within the total timeout succeeds', async () => {
    const result = await send('/late', { connectTimeoutMs: 100, totalTimeoutMs: 5000 });
    expect(result).toMatchObject({ outcome: 'success', statusCode: 200, responseSnippet: 'late but fine' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(240);
  });

  it('fails a body that drips in slower than the total timeout, even after a 200', async () => {
    const result = await send('/drip', { totalTimeoutMs: 400 });
    expect(result).toMatchObject({ outcome: 'failure', errorCode: 'total-timeout', statusCode: 200 });
    expect(result.responseSnippet).toMatch(/^\.+$/);
    expect(result.latencyMs).toBeLessThan(2000);
  });

  it('fails with a connect timeout when the TLS handshake never completes', async () => {
    // Accepts TCP and reads (so it sees the client close), never speaks TLS.
    const silent = net.createServer((socket) => socket.resume());
    const silentPort = await listen(silent);
    try {
      const result = await postPinned(
        {
          url: `https://hooks.wedsync.test:${silentPort}/`,
          address: '127.0.0.1',
          family: 4,
          headers: {},
          body: BODY,
        },
        { connectTimeoutMs: 200, totalTimeoutMs: 5000 },
      );
      expect(result).toMatchObject({ outcome: 'failure', errorCode: 'connect-timeout' });
      expect(result.latencyMs).toBeLessThan(2000);
    } finally {
      await close(silent);
    }
  });

  it('reports a refused connection as a connection error', async () => {
    const closed = net.createServer();
    const closedPort = await listen(closed);
    await close(closed);
    const result = await deliverWebhook({
      url: `http://127.0.0.1:${closedPort}/`,
      body: BODY,
      headers: {},
      policy: LOCAL,
    });
    expect(result).toMatchObject({ outcome: 'failure', errorCode: 'connection-error' });
    expect(result.error).toContain('ECONNREFUSED');
  });
});

describe('SSRF on every attempt, and pinning', () => {
  it('connects to the checked address only, keeping the hostname in Host (no second DNS lookup)', async () => {
    const lookups: string[] = [];
    // The name does not exist in real DNS: reaching the server proves the socket used the pinned address.
    const resolver: Resolver = async (hostname) => {
      lookups.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const result = await deliverWebhook({
      url: `http://hooks.wedsync.test:${port}/ok`,
      body: BODY,
      headers: {},
      resolver,
      policy: LOCAL,
    });
    expect(result).toMatchObject({ outcome: 'success', remoteAddress: '127.0.0.1' });
    expect(lookups).toEqual(['hooks.wedsync.test']);
    expect(received[0]!.headers.host).toBe(`hooks.wedsync.test:${port}`);
  });

  it('refuses an attempt whose host now resolves to a private address, without connecting', async () => {
    const rebound: Resolver = async () => [{ address: '10.0.0.1', family: 4 }];
    const result = await deliverWebhook({
      url: 'https://hooks.example.com/',
      body: BODY,
      headers: {},
      resolver: rebound,
    });
    expect(result).toMatchObject({ outcome: 'failure', errorCode: 'ssrf-refused', ssrfReason: 'private' });
  });

  it('refuses loopback and http unless the local-mode policy allows them', async () => {
    expect(await deliverWebhook({ url: `${baseUrl}/ok`, body: BODY, headers: {} })).toMatchObject({
      errorCode: 'ssrf-refused',
      ssrfReason: 'https-required',
    });
    expect(
      await deliverWebhook({ url: `${baseUrl}/ok`, body: BODY, headers: {}, policy: { allowHttp: true } }),
    ).toMatchObject({ errorCode: 'ssrf-refused', ssrfReason: 'loopback' });
    expect(received).toHaveLength(0);
  });
});

describe('https', () => {
  let tls: https.Server;
  let tlsPort: number;
  let dir: string;
  let cert: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webhook-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-subj',
        '/CN=hooks.wedsync.test',
        '-addext',
        'subjectAltName=DNS:hooks.wedsync.test',
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'));
    tls = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, handler);
    tlsPort = await listen(tls);
  });

  afterAll(async () => {
    await close(tls);
    rmSync(dir, { recursive: true, force: true });
  });

  const resolver: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

  it('sends SNI and checks the certificate for the hostname while connecting to the pinned address', async () => {
    const headers = signDelivery({
      webhookId: 'evt_tls',
      body: BODY,
      secrets: { current: SECRET },
      nowMs: Date.now(),
    });
    const result = await deliverWebhook(
      {
        url: `https://hooks.wedsync.test:${tlsPort}/ok`,
        body: BODY,
        headers: { ...headers },
        resolver,
        policy: { allowLoopback: true },
      },
      { ca: cert },
    );
    expect(result).toMatchObject({ outcome: 'success', statusCode: 200, remoteAddress: '127.0.0.1' });
    expect(received[0]).toMatchObject({ servername: 'hooks.wedsync.test', verified: true });
  });

  it('fails when the certificate does not match the hostname', async () => {
    const result = await deliverWebhook(
      {
        url: `https://other.wedsync.test:${tlsPort}/ok`,
        body: BODY,
        headers: {},
        resolver,
        policy: { allowLoopback: true },
      },
      { ca: cert },
    );
    expect(result).toMatchObject({ outcome: 'failure', errorCode: 'connection-error' });
    expect(received).toHaveLength(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-14T18:30:00Z');
  it.each([
    ['120', 120],
    [' 30 ', 30],
    ['0', 1],
    ['Sat, 14 Jun 2025 18:35:00 GMT', 300],
    ['Saturday, 14-Jun-25 18:31:00 GMT', 60],
    ['Sat, 14 Jun 2025 18:00:00 GMT', 1],
    ['100000', 86_400],
  ])('parses %j as %d seconds', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });

  it.each([undefined, '', 'soon', '-5', '1.5'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
