/**
 * The real-time part of the local mode (issue 14): the WebSocket server with API Gateway's
 * semantics on the RealtimeSocket function, and the RealtimeLog's stream on the RealtimeFanout
 * function, each function in its own thread with its catalog environment (as Lambda runs them).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { functionDefinition, type FunctionId } from '../src/catalog/functions';
import { ROUTE_ACTIONS } from '../src/realtime';
import { DynamoDbStreamPoller } from './dynamodb-stream-poller';
import type { FunctionThread } from './function-thread';
import { LocalRealtimeServer, type SocketEvent } from './realtime-server';

export interface LocalRealtime {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startRealtime(options: {
  readonly port: number;
  readonly startThread: (id: FunctionId) => Promise<FunctionThread>;
  readonly dynamoDbEndpoint: string;
  readonly logTable: string;
  readonly log: (line: string) => void;
}): Promise<LocalRealtime> {
  const [socket, fanout] = await Promise.all([
    options.startThread('RealtimeSocket'),
    options.startThread('RealtimeFanout'),
  ]);
  const socketTimeoutMs = functionDefinition('RealtimeSocket').timeoutSeconds * 1000;
  const fanoutTimeoutMs = functionDefinition('RealtimeFanout').timeoutSeconds * 1000;
  const server = await new LocalRealtimeServer({
    port: options.port,
    routeKeys: ROUTE_ACTIONS,
    handler: (event) =>
      socket.invoke<SocketEvent, { statusCode: number; body?: string }>(
        'handleSocket',
        event,
        socketTimeoutMs,
      ),
    onError: (error) => options.log(`realtime: ${(error as Error).message}`),
  }).start();
  const poller = new DynamoDbStreamPoller({
    endpoint: options.dynamoDbEndpoint,
    tableName: options.logTable,
    handler: (event: { Records: DynamoDBRecord[] }) => fanout.invoke('handleStream', event, fanoutTimeoutMs),
    onError: (error) => options.log(`realtime fan-out: ${(error as Error).message}`),
  });
  await poller.start();
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await poller.stop();
    },
  };
}
