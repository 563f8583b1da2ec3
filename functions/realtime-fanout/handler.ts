/**
 * Lambda entry of the real-time fan-out: the RealtimeLog table's stream in this region (each
 * replica has its own) to this region's WebSocket connections. A failed batch throws: Lambda
 * retries it (bisecting), and the subscriptions' cursors keep what was already sent, so nothing
 * is sent twice. The local mode calls `handleStream` with the same records (local/dynamodb-stream-reader.ts).
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { SERVICE_METRICS } from '../../src/catalog/metrics';
import { fanOutChannelEvents, type FanOutDeps } from '../../src/realtime';
import { withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import {
  once,
  realtimeConnections,
  realtimeLog,
  realtimeMessenger,
  channelEventsOfRecords,
  type StreamRecord,
} from '../../src/wiring';

const tally = new MetricTally(metrics);

export const streamHandler =
  (d: () => FanOutDeps) =>
  async (event: Pick<DynamoDBStreamEvent, 'Records'>): Promise<void> => {
    const events = channelEventsOfRecords(event.Records as readonly StreamRecord[]);
    if (events.length === 0) return;
    const oldest = Math.min(...events.map((e) => e.recordedAtMs));
    try {
      const summary = await fanOutChannelEvents(events, d());
      tally.add(SERVICE_METRICS.realtimeEventsFannedOut, MetricUnit.Count, summary.events);
      tally.add(SERVICE_METRICS.realtimeMessagesSent, MetricUnit.Count, summary.messages);
      tally.add(SERVICE_METRICS.realtimeGoneConnections, MetricUnit.Count, summary.goneConnections);
    } catch (error) {
      tally.add(SERVICE_METRICS.realtimeFanoutFailures, MetricUnit.Count, 1);
      // The real-time error rate's numerator: subscriptions this batch left unserved (fan-out.ts
      // throws one AggregateError holding each), or 1 when the batch failed before any post.
      const unserved = error instanceof AggregateError ? error.errors.length : 1;
      tally.add(SERVICE_METRICS.realtimePostFailures, MetricUnit.Count, unserved);
      logger.error('real-time fan-out failed, the batch is retried', { error: error as Error });
      throw error;
    } finally {
      // Fan-out lag: from the event's recording to the end of its fan-out (dashboard; the alarm
      // is on the stream's IteratorAge, which Lambda reports even when this code never runs).
      tally.sample(SERVICE_METRICS.realtimeFanoutLagMs, MetricUnit.Milliseconds, Date.now() - oldest);
    }
  };

const deps = once((): FanOutDeps => ({
  connections: realtimeConnections(),
  log: realtimeLog(),
  messenger: realtimeMessenger(),
}));

export const handleStream = publishingMetrics(tally, metrics, streamHandler(deps));

export const handler = middy(handleStream).use(withLogging(logger));
