/**
 * Lambda entry of the WebSocket API's routes ($connect, $disconnect, subscribe, unsubscribe,
 * ping, $default), one function for all: API Gateway's event names the route in
 * `requestContext.routeKey`. The local server (local/realtime-server.ts) sends the same events.
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SERVICE_METRICS } from '../../src/catalog/metrics';
import { connect, disconnect, onMessage, type SocketDeps } from '../../src/realtime';
import { systemClock } from '../../src/shared/clock';
import { withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { once, realtimeConnections, realtimeLog, realtimeMessenger, reviewTokenKeys } from '../../src/wiring';

/** The parts of API Gateway's WebSocket proxy event the routes read. */
export interface WebSocketEvent {
  readonly requestContext: {
    readonly routeKey: string;
    readonly connectionId: string;
    readonly eventType?: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    readonly requestId?: string;
  };
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

export interface WebSocketResult {
  readonly statusCode: number;
  readonly body?: string;
}

const tally = new MetricTally(metrics);

/** The routes over the given dependencies (tests pass theirs). */
export const socketHandler =
  (d: () => SocketDeps) =>
  async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const { routeKey, connectionId } = event.requestContext;
    const deps = d();
    if (routeKey === '$connect') {
      const outcome = await connect(connectionId, event.queryStringParameters?.token ?? undefined, deps);
      if (!outcome.accepted) {
        tally.add(SERVICE_METRICS.realtimeConnectRejected, MetricUnit.Count, 1);
        logger.info('connection refused', { status: outcome.status, reason: outcome.reason });
        return { statusCode: outcome.status, body: outcome.reason };
      }
      tally.add(SERVICE_METRICS.realtimeConnections, MetricUnit.Count, 1);
      return { statusCode: 200 };
    }
    if (routeKey === '$disconnect') {
      await disconnect(connectionId, deps);
      tally.add(SERVICE_METRICS.realtimeDisconnects, MetricUnit.Count, 1);
      return { statusCode: 200 };
    }
    const body =
      event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    await onMessage(connectionId, body, deps);
    return { statusCode: 200 };
  };

const deps = once((): SocketDeps => ({
  keys: reviewTokenKeys(),
  connections: realtimeConnections(),
  log: realtimeLog(),
  messenger: realtimeMessenger(),
  clock: systemClock,
}));

export const handleSocket = publishingMetrics(tally, metrics, socketHandler(deps));

export const handler = middy(handleSocket).use(withLogging(logger));
