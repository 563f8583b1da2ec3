/**
 * Lambda entry of the real-time fan-out: the RealtimeLog table's stream in this region (each
 * replica has its own) to this region's WebSocket connections. A failed batch throws: Lambda
 * retries it (bisecting), and the subscriptions' cursors keep what was already sent, so nothing
 * is sent twice. The local mode calls `handleStream` with the same records (local/dynamodb-stream-poller.ts).
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { fanOutChannelEvents, type FanOutDeps } from '../../src/realtime';
import { channelEventsOfRecords, type StreamRecord } from '../../src/realtime/adapters/stream-records';
import { withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { once, realtimeConnections, realtimeLog, realtimeMessenger } from '../../src/wiring';

const tally = new MetricTally(metrics);

export const streamHandler =
  (d: () => FanOutDeps) =>
  async (event: Pick<DynamoDBStreamEvent, 'Records'>): Promise<void> => {
    const events = channelEventsOfRecords(event.Records as readonly StreamRecord[]);
    if (events.length === 0) return;
    const oldest = Math.min(...events.map((e) => e.recordedAtMs));
    try {
      const summary = await fanOutChannelEvents(events, d());
      tally.add('RealtimeEventsFannedOut', MetricUnit.Count, summary.events);
      tally.add('RealtimeMessagesSent', MetricUnit.Count, summary.messages);
      tally.add('RealtimeGoneConnections', MetricUnit.Count, summary.goneConnections);
    } catch (error) {
      tally.add('RealtimeFanoutFailures', MetricUnit.Count, 1);
      logger.error('real-time fan-out failed, the batch is retried', { error: error as Error });
      throw error;
    } finally {
      // Fan-out lag: from the event's recording to the end of its fan-out (alarmed on).
      tally.sample('RealtimeFanoutLagMs', MetricUnit.Milliseconds, Date.now() - oldest);
    }
  };

const deps = once((): FanOutDeps => ({
  connections: realtimeConnections(),
  log: realtimeLog(),
  messenger: realtimeMessenger(),
}));

export const handleStream = publishingMetrics(tally, metrics, streamHandler(deps));

export const handler = middy(handleStream).use(withLogging(logger));
