/**
 * The management API's signatures, on real HTTP over loopback: the local WebSocket server checks
 * SigV4 as API Gateway does, so the functions' lean PostToConnection (signed by the SDK's own signer,
 * without the SDK client) is proven against the same check the SDK client passes, and a request
 * signed wrongly, or not at all, is refused with 403 and never reaches the connection.
 */
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { managementApiSigner } from '../../../local/management-api-signature';
import { LocalRealtimeServer, type SocketEvent } from '../../../local/realtime-server';
import {
  ManagementApiError,
  ManagementApiMessenger,
} from '../../../src/realtime/adapters/management-api-messenger';

const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let server: LocalRealtimeServer;
const connected: string[] = [];
const messengers: ManagementApiMessenger[] = [];
const sockets: WebSocket[] = [];

beforeAll(async () => {
  server = await new LocalRealtimeServer({
    handler: async (event: SocketEvent) => {
      if (event.requestContext.routeKey === '$connect') connected.push(event.requestContext.connectionId);
      return { statusCode: 200 };
    },
    routeKeys: [],
    signing: { region: REGION, credentials },
  }).start();
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  for (const messenger of messengers) messenger.destroy();
  await server?.stop();
});

/**
 * The messenger as the functions build it (src/wiring.ts): signed by the management API client's
 * own signer, here with the given credentials and region.
 */
const messenger = (
  overrides: {
    credentials?: { accessKeyId: string; secretAccessKey: string };
    region?: string;
    endpoint?: string;
    maxAttempts?: number;
  } = {},
) => {
  const sdk = new ApiGatewayManagementApiClient({
    region: overrides.region ?? REGION,
    credentials: overrides.credentials ?? credentials,
  });
  const built = new ManagementApiMessenger({
    endpoint: overrides.endpoint ?? server.managementEndpoint,
    signer: () => sdk.config.signer(),
    requestTimeoutMs: 3000,
    maxAttempts: overrides.maxAttempts ?? 3,
  });
  messengers.push(built);
  return built;
};

/** A connected client: its connection id and every text frame it receives. */
async function client(): Promise<{ id: string; frames: string[] }> {
  const before = connected.length;
  const socket = new WebSocket(server.url);
  sockets.push(socket);
  const frames: string[] = [];
  socket.on('message', (data) => frames.push(data.toString()));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const id = connected[before];
  if (!id) throw new Error('no $connect seen');
  return { id, frames };
}

/** A raw POST to the management API: status, error type, body. */
async function post(
  connectionId: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; type: string | null; message: string }> {
  const response = await fetch(
    `${server.managementEndpoint}/@connections/${encodeURIComponent(connectionId)}`,
    {
      method: 'POST',
      headers,
      body,
    },
  );
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('x-amzn-errortype'),
    message: text ? ((JSON.parse(text) as { message: string }).message ?? '') : '',
  };
}

/** Headers of a request signed by the signer with these credentials, region and date. */
async function signedHeaders(
  connectionId: string,
  body: string,
  options: { secret?: string; accessKeyId?: string; region?: string; date?: Date } = {},
): Promise<Record<string, string>> {
  const url = new URL(server.managementEndpoint);
  const signer = managementApiSigner(options.region ?? REGION, {
    accessKeyId: options.accessKeyId ?? credentials.accessKeyId,
    secretAccessKey: options.secret ?? credentials.secretAccessKey,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: `/@connections/${encodeURIComponent(connectionId)}`,
      query: {},
      headers: { host: url.host, 'content-type': 'application/json' },
      body,
    },
    options.date ? { signingDate: options.date } : {},
  );
  return signed.headers;
}

/** Frames that arrived by now (a refused post must not have delivered anything). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('the lean messenger against the local management API', () => {
  it("delivers the adapter's posts, signed as the functions sign them, and answers gone for a closed connection", async () => {
    const { id, frames } = await client();
    const lean = messenger();
    await expect(lean.post(id, '{"type":"event","n":1}')).resolves.toBe('sent');
    await expect(lean.post(id, '{"type":"event","n":2}')).resolves.toBe('sent');
    await expect(lean.post('nope123456A=', '{}')).resolves.toBe('gone');
    await settle();
    expect(frames).toEqual(['{"type":"event","n":1}', '{"type":"event","n":2}']);
  });

  it("delivers the SDK client's posts too (the server checks the signature the SDK makes)", async () => {
    const { id, frames } = await client();
    const sdk = new ApiGatewayManagementApiClient({
      region: REGION,
      endpoint: server.managementEndpoint,
      credentials,
    });
    try {
      await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"via":"sdk"}') }));
    } finally {
      sdk.destroy();
    }
    await settle();
    expect(frames).toEqual(['{"via":"sdk"}']);
  });

  it('refuses, with 403 and without retrying, an adapter signing with the wrong secret', async () => {
    const { id, frames } = await client();
    const wrong = messenger({ credentials: { accessKeyId: 'local', secretAccessKey: 'not-the-secret' } });
    const error = await wrong.post(id, '{"n":1}').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ManagementApiError);
    expect((error as ManagementApiError).name).toBe('InvalidSignatureException');
    expect((error as ManagementApiError).$metadata.httpStatusCode).toBe(403);
    await settle();
    expect(frames).toEqual([]);
  });

  it('refuses an adapter signing for another region', async () => {
    const { id, frames } = await client();
    await expect(messenger({ region: 'us-east-1' }).post(id, '{}')).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
    await settle();
    expect(frames).toEqual([]);
  });
});

describe('requests the local management API refuses with 403, as API Gateway does', () => {
  it('an unsigned post', async () => {
    const { id, frames } = await client();
    expect(await post(id, '{}', { 'content-type': 'application/json' })).toEqual({
      status: 403,
      type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    await settle();
    expect(frames).toEqual([]);
  });

  it('a post signed with an unknown access key', async () => {
    const { id } = await client();
    const headers = await signedHeaders(id, '{}', { accessKeyId: 'AKIASOMEONEELSE' });
    expect(await post(id, '{}', headers)).toMatchObject({ status: 403, type: 'UnrecognizedClientException' });
  });

  it('a post signed with the wrong secret', async () => {
    const { id } = await client();
    const headers = await signedHeaders(id, '{}', { secret: 'guessed' });
    expect(await post(id, '{}', headers)).toMatchObject({ status: 403, type: 'InvalidSignatureException' });
  });

  it('a body other than the one signed, and a post to another connection than signed for', async () => {
    const { id, frames } = await client();
    const other = await client();
    const headers = await signedHeaders(id, '{"amount":1}');
    expect(await post(id, '{"amount":1000}', headers)).toMatchObject({
      status: 403,
      type: 'InvalidSignatureException',
    });
    expect(await post(other.id, '{"amount":1}', headers)).toMatchObject({
      status: 403,
      type: 'InvalidSignatureException',
    });
    // The same headers with the body and connection they were made for: accepted.
    expect((await post(id, '{"amount":1}', headers)).status).toBe(200);
    await settle();
    expect(frames).toEqual(['{"amount":1}']);
    expect(other.frames).toEqual([]);
  });

  it('a post signed more than 5 minutes ago', async () => {
    const { id } = await client();
    const headers = await signedHeaders(id, '{}', { date: new Date(Date.now() - 6 * 60_000) });
    expect(await post(id, '{}', headers)).toMatchObject({ status: 403, type: 'InvalidSignatureException' });
    const fresh = await signedHeaders(id, '{}', { date: new Date(Date.now() - 60_000) });
    expect((await post(id, '{}', fresh)).status).toBe(200);
  });

  it('a GET or DELETE of a connection without a signature (only signed ones are answered)', async () => {
    const { id } = await client();
    const url = `${server.managementEndpoint}/@connections/${encodeURIComponent(id)}`;
    expect((await fetch(url)).status).toBe(403);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(403);
    expect(server.connectionCount).toBeGreaterThan(0);
  });
});

describe('the lean messenger retries what the SDK retries, and nothing else', () => {
  let fake: Server;
  let answers: number[];
  let seen: number;

  beforeAll(async () => {
    fake = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = answers[seen] ?? 200;
        seen += 1;
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': `Status${status}` });
        res.end(JSON.stringify({ message: `answered ${status}` }));
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      fake.close(() => resolve());
      fake.closeAllConnections();
    });
  });
  const endpoint = () => `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;

  it('a throttle and a 503, then the post goes through', async () => {
    answers = [429, 503, 200];
    seen = 0;
    await expect(messenger({ endpoint: endpoint() }).post('abc=', '{}')).resolves.toBe('sent');
    expect(seen).toBe(3);
  });

  it('gives up after maxAttempts with the last answer', async () => {
    answers = [500, 500, 500, 200];
    seen = 0;
    await expect(messenger({ endpoint: endpoint() }).post('abc=', '{}')).rejects.toMatchObject({
      name: 'Status500',
      $metadata: { httpStatusCode: 500 },
    });
    expect(seen).toBe(3);
  });

  it('a 413 or 403 fails at once; 410 is gone', async () => {
    answers = [413];
    seen = 0;
    await expect(messenger({ endpoint: endpoint() }).post('abc=', '{}')).rejects.toMatchObject({
      $metadata: { httpStatusCode: 413 },
    });
    expect(seen).toBe(1);
    answers = [410];
    seen = 0;
    await expect(messenger({ endpoint: endpoint() }).post('abc=', '{}')).resolves.toBe('gone');
    expect(seen).toBe(1);
  });
});
