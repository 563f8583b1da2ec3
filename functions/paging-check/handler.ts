/**
 * Lambda entry of the PagingCheck (issue 10), invoked every 15 minutes by an EventBridge rule (AWS
 * only: there is no SNS locally). Reads both alarm topics' subscriptions and publishes, per topic
 * (dimension `topic`), the pending and confirmed counts, which the paging-path subscription alarms
 * watch. A topic that cannot be read gets no figures (never a 0) and the invocation fails, so the
 * function's error alarm says the check is blind; the other topic's figures are still published.
 */
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { ALARM_TOPIC_DIMENSION, SERVICE_METRICS } from '../../src/catalog/metrics';
import { checkPagingSubscriptions, type TopicSubscriptions } from '../../src/recovery';
import { correlated, withLogging } from '../../src/shared/logging';
import { MetricTally, publishingMetrics } from '../../src/shared/metric-tally';
import { logger, metrics } from '../../src/shared/powertools';
import { pagingTopics, topicAttributes } from '../../src/wiring';

const tally = new MetricTally(metrics);

async function check(_event: ScheduledEvent): Promise<readonly TopicSubscriptions[]> {
  const { figures, failures } = await checkPagingSubscriptions(topicAttributes(), pagingTopics());
  for (const f of figures) {
    tally.addDimensioned(
      SERVICE_METRICS.alarmSubscriptionsPending,
      ALARM_TOPIC_DIMENSION,
      f.topic,
      MetricUnit.Count,
      f.pending,
    );
    tally.addDimensioned(
      SERVICE_METRICS.alarmSubscriptionsConfirmed,
      ALARM_TOPIC_DIMENSION,
      f.topic,
      MetricUnit.Count,
      f.confirmed,
    );
    if (f.problem) logger.warn('alarm topic may reach nobody', { ...f });
    else logger.info('alarm topic subscriptions', { ...f });
  }
  if (failures.length > 0) {
    for (const { topic, error } of failures) logger.error('alarm topic not read', { topic, error });
    throw new Error(`paging check: could not read ${failures.map((f) => f.topic).join(', ')}`);
  }
  return figures;
}

export const handleCheck = correlated(logger, publishingMetrics(tally, metrics, check));

export const handler = middy(handleCheck).use(withLogging(logger));
