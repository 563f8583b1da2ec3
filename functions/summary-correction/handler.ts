/**
 * Lambda entry of the summary correction (issue 11, ADR 0020): the Reviews table's stream in each
 * region of a multi-region deployment (the event source's filter passes only MODIFY records).
 * When global tables' last writer wins replaced an item holding this region's write (a review
 * created, or edited, in two regions at once), this region takes what it lost out of its own
 * summary shard, once per replaced item. A failed batch throws: Lambda retries it (bisecting);
 * corrections already applied are not applied again (marker items).
 * The local two-region mode calls `handleStream` with the same records.
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { reconcileReplicatedReviews } from '../../src/reviews';
import { currentRegion } from '../../src/shared/env';
import { withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { itemChanges, type ImageStreamRecord } from '../../src/shared/stream-image';
import { reviewRepository } from '../../src/wiring';

const tally = new MetricTally(metrics);

export const handleStream = publishingMetrics(
  tally,
  metrics,
  async (event: Pick<DynamoDBStreamEvent, 'Records'>): Promise<void> => {
    const changes = itemChanges(event.Records as readonly ImageStreamRecord[], ['MODIFY']);
    const corrected = await reconcileReplicatedReviews(currentRegion(), changes, reviewRepository());
    tally.add('SummaryCorrections', MetricUnit.Count, corrected);
    if (corrected > 0) logger.info('summary shard corrected for replaced writes', { corrected });
  },
);

export const handler = middy(handleStream).use(withLogging(logger));
