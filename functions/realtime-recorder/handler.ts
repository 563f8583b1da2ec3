/**
 * Lambda entry of the real-time recorder: the event log's stream (the EventLog table; the event
 * source's filter passes only inserts) in the primary region, whose replica holds
 * every region's events, into the real-time channel log. One writer region keeps each channel's
 * seq from forking (ADR 0017), and the webhook fan-out never waits for real time. A failed batch
 * throws: Lambda retries it (bisecting), and events already recorded keep their seq (id claims).
 * The local mode calls `handleStream` with the same records (local/dynamodb-stream-reader.ts).
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { recordChannelEvents, type RecordDeps } from '../../src/realtime';
import { systemClock } from '../../src/shared/clock';
import { withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { once, realtimeLog, insertedItems, type StreamRecord, loggedEventOfItem } from '../../src/wiring';

const tally = new MetricTally(metrics);

export const streamHandler =
  (d: () => RecordDeps) =>
  async (event: Pick<DynamoDBStreamEvent, 'Records'>): Promise<void> => {
    const logged = insertedItems(event.Records as readonly StreamRecord[]).flatMap(
      (item) => loggedEventOfItem(item) ?? [],
    );
    if (logged.length === 0) return;
    const outcomes = await recordChannelEvents(
      logged.map((e) => ({
        eventId: e.eventId,
        type: e.eventType,
        ownerSupplierId: e.supplierId,
        body: e.body,
      })),
      d(),
    );
    // Recording lag: from the event's logging (by the webhook fan-out) to its place in the channel log.
    tally.sample(
      'RealtimeRecordLagMs',
      MetricUnit.Milliseconds,
      Date.now() - Math.min(...logged.map((e) => e.loggedAtMs)),
    );
    let recorded = 0;
    const failures: unknown[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') failures.push(outcome.reason);
      else if (outcome.value.recorded && !outcome.value.duplicate) recorded += 1;
    }
    tally.add('RealtimeEventsRecorded', MetricUnit.Count, recorded);
    if (failures.length > 0) {
      tally.add('RealtimeRecordFailures', MetricUnit.Count, failures.length);
      logger.error('real-time recording failed, the batch is retried', {
        failed: failures.length,
        error: failures[0] as Error,
      });
      throw failures[0];
    }
  };

const deps = once((): RecordDeps => ({ log: realtimeLog(), clock: systemClock }));

export const handleStream = publishingMetrics(tally, metrics, streamHandler(deps));

export const handler = middy(handleStream).use(withLogging(logger));
