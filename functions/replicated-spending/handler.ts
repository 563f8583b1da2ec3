/**
 * Lambda entry of the replicated-spending check (issue 11, ADR 0020): the Budgets table's stream
 * in each region of a multi-region deployment (inserts and updates). When another region's spent
 * shard arrives, its expense is applied to this region's view of the category, and the budget
 * thresholds it crosses are announced with the ids an expense would give them (one event however
 * many regions see the crossing). A failed batch throws: Lambda retries it (bisecting); a
 * re-announced crossing has the same id.
 * The local two-region mode calls `handleStream` with the same records.
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { announceReplicatedSpending } from '../../src/budgets';
import { systemClock } from '../../src/shared/clock';
import { currentRegion } from '../../src/shared/env';
import { withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { itemChanges, type ImageStreamRecord } from '../../src/shared/stream-image';
import { budgetStore, eventPublisher } from '../../src/wiring';

const tally = new MetricTally(metrics);

export const handleStream = publishingMetrics(
  tally,
  metrics,
  async (event: Pick<DynamoDBStreamEvent, 'Records'>): Promise<void> => {
    const changes = itemChanges(event.Records as readonly ImageStreamRecord[], ['INSERT', 'MODIFY']);
    const announced = await announceReplicatedSpending(currentRegion(), changes, {
      budgets: budgetStore(),
      events: eventPublisher(),
      clock: systemClock,
    });
    tally.add('ReplicatedThresholdEvents', MetricUnit.Count, announced);
  },
);

export const handler = middy(handleStream).use(withLogging(logger));
