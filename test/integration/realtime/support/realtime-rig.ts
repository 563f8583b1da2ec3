/**
 * What the real-time integration tests share: the local credentials, the local WebSocket server
 * started with its management API checking SigV4, the messenger signed as the functions sign it,
 * and a count of the DynamoDB commands an adapter sends.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LocalRealtimeServer, type RealtimeServerOptions } from '../../../../local/realtime-server';
import { ManagementApiMessenger } from '../../../../src/realtime/adapters/management-api-messenger';

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

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
