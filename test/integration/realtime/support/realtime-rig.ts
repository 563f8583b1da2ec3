/**
 * What the real-time integration tests share: the local credentials, the local WebSocket server
 * started with its management API checking SigV4, every catalog table on the run's DynamoDB Local, the messenger signed as the functions sign it,
 * a count of the DynamoDB commands an adapter sends, and `ws` clients that keep their frames.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WebSocket } from 'ws';
import { LocalRealtimeServer, type RealtimeServerOptions } from '../../../../local/realtime-server';
import { createTables } from '../../../../local/resources';
import { tableDefinition, type TableId } from '../../../../src/catalog/tables';
import { ManagementApiMessenger } from '../../../../src/realtime/adapters/management-api-messenger';
import { acquireStore } from '../../support/shared-store';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A test file's tables: every catalog table under a prefix of its own, with a document client on them. */
export interface TestTables {
  readonly endpoint: string;
  readonly doc: DynamoDBDocumentClient;
  /** The physical name of catalog table `id`. */
  name(id: TableId): string;
  /** Deletes the tables (or stops the file's own DynamoDB Local) and the client. */
  release(): Promise<void>;
}

/** Creates the catalog tables `only` names for the test file `file` on the run's DynamoDB Local (ADR 0013). */
export async function createTestTables(
  file: string,
  only: readonly TableId[],
  region = 'us-east-1',
): Promise<TestTables> {
  const store = await acquireStore(file);
  const raw = new DynamoDBClient({ region, endpoint: store.endpoint, credentials: LOCAL_CREDENTIALS });
  const names = await createTables(raw, store.tablePrefix, { only });
  return {
    endpoint: store.endpoint,
    doc: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    name: (id) => {
      const name = names[tableDefinition(id).envVar];
      if (!name) throw new Error(`${id} was not created: add it to createTestTables' list`);
      return name;
    },
    release: async () => {
      raw.destroy();
      await store.release();
    },
  };
}

/** The local server for `region`, its management API checking signatures with the local credentials. */
export function startRealtimeServer(
  region: string,
  options: Omit<RealtimeServerOptions, 'signing'>,
): Promise<LocalRealtimeServer> {
  return new LocalRealtimeServer({ ...options, signing: { region, credentials: LOCAL_CREDENTIALS } }).start();
}

/** A messenger to `endpoint` signed as the functions sign: the management API client's own signer (src/wiring.ts). */
export function signedMessenger(endpoint: string, region: string): ManagementApiMessenger {
  const client = new ApiGatewayManagementApiClient({ region, credentials: LOCAL_CREDENTIALS });
  return new ManagementApiMessenger({
    endpoint,
    signer: () => client.config.signer(),
    requestTimeoutMs: 3000,
    maxAttempts: 3,
  });
}

interface CommandInput {
  readonly TableName?: string;
  /** A transaction names its table(s) in its items. */
  readonly TransactItems?: Record<string, { TableName?: string }>[];
}

/**
 * Counts every command `doc` sends while `counting()` holds, as `<Command> <label of its table>`
 * (a transaction: its first item's table), into `calls`. Every adapter built on `doc` goes through it.
 */
export function countCommands(
  doc: DynamoDBDocumentClient,
  calls: string[],
  counting: () => boolean,
  label: (tableName: string) => string = (tableName) => tableName,
): void {
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  (doc as unknown as { send: (command: unknown) => Promise<unknown> }).send = (command) => {
    if (counting()) {
      const input = (command as { input: CommandInput }).input;
      const item = input.TransactItems?.[0];
      const table = input.TableName ?? (item ? Object.values(item)[0]?.TableName : undefined);
      calls.push(`${(command as object).constructor.name} ${table === undefined ? '' : label(table)}`);
    }
    return send(command);
  };
}

/** A `ws` client and every frame it has received so far, parsed. */
export interface SocketClient {
  readonly socket: WebSocket;
  readonly frames: Record<string, unknown>[];
}

/** Opens a client to `url` once it is open; it joins `sockets`, which the test file terminates at the end. */
export function openSocket(url: string, sockets: WebSocket[]): Promise<SocketClient> {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const frames: Record<string, unknown>[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, frames }));
    socket.once('error', reject);
  });
}
