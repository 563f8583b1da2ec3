/**
 * The real-time part of the local mode (issue 14): the WebSocket server with API Gateway's
 * semantics on the RealtimeSocket function, and every table stream the catalog gives a consumer
 * (the EventLog's on RealtimeRecorder, the RealtimeLog's on RealtimeFanout) on that function,
 * filtered as its event source mapping is; each function in its own thread with its catalog
 * environment (as Lambda runs them). A single-region local mode is its own primary region.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import {
  functionDefinition,
  streamConsumersIn,
  streamFilterPattern,
  streamRetryOf,
  type FunctionId,
} from '../src/catalog/functions';
import type { TableId } from '../src/catalog/tables';
import { ROUTE_ACTIONS } from '../src/realtime';
import { DynamoDbStreamReader } from './dynamodb-stream-reader';
import type { FunctionThread } from './function-thread';
import { LocalRealtimeServer, type SocketEvent } from './realtime-server';

export interface LocalRealtime {
  readonly url: string;
  /** RealtimeSocket invocations in flight (handshakes, frames, disconnects): 0 when the API is idle. */
  handlersInFlight(): number;
  stop(): Promise<void>;
}

export async function startRealtime(options: {
  readonly port: number;
  readonly startThread: (id: FunctionId) => Promise<FunctionThread>;
  readonly dynamoDbEndpoint: string;
  readonly tableName: (id: TableId) => string;
  /** Only the primary region runs the consumers catalogued for it (the channel log's one writer). */
  readonly isPrimaryRegion: boolean;
  /** The management API's signing scope: the region's name and the functions' (local) credentials. */
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly log: (line: string) => void;
}): Promise<LocalRealtime> {
  const socket = await options.startThread('RealtimeSocket');
  const socketTimeoutMs = functionDefinition('RealtimeSocket').timeoutSeconds * 1000;
  const server = await new LocalRealtimeServer({
    port: options.port,
    routeKeys: ROUTE_ACTIONS,
    signing: { region: options.region, credentials: options.credentials },
    handler: (event) =>
      socket.invoke<SocketEvent, { statusCode: number; body?: string }>(
        'handleSocket',
        event,
        socketTimeoutMs,
      ),
    onError: (error) => options.log(`realtime: ${(error as Error).message}`),
  }).start();
  const pollers = await Promise.all(
    // The consumers of what replication changes (SummaryCorrection, ReplicatedSpending) are started
    // by the two-region mode (local/two-regions.ts) on its regions' stacks: their readers must keep
    // their place in the stream across a region's restart, which a poller of one stack cannot.
    streamConsumersIn(options.isPrimaryRegion, false).map(async (def) => {
      const consumer = await options.startThread(def.id);
      const { maxRecordAgeSeconds } = streamRetryOf(def);
      // Lambda's event source: from LATEST, a page per invocation, filtered as the mapping is, and
      // retried until the catalog's age bound where it has one (RealtimeRecorder).
      const poller = new DynamoDbStreamReader({
        endpoint: options.dynamoDbEndpoint,
        tableName: options.tableName(def.tableStream),
        from: 'LATEST',
        delivery: {
          kind: 'batch',
          filter: streamFilterPattern(def),
          ...(maxRecordAgeSeconds === undefined ? {} : { maxAgeMs: maxRecordAgeSeconds * 1000 }),
          handler: (event: { Records: DynamoDBRecord[] }) =>
            consumer.invoke('handleStream', event, def.timeoutSeconds * 1000),
        },
        onError: (error) => options.log(`${def.id}: ${(error as Error).message}`),
      });
      await poller.start();
      return poller;
    }),
  );
  return {
    url: server.url,
    handlersInFlight: () => server.handlersInFlight,
    async stop() {
      await server.stop();
      await Promise.all(pollers.map((poller) => poller.stop()));
    },
  };
}
