/** The recovery capability's public face: the deep health check's report (issue 11). */
export {
  checkHealth,
  failedChecks,
  HEALTH_CHECK_NAMES,
  HEALTH_CHECK_TIMEOUT_MS,
  healthReportSchema,
  type HealthCheckName,
  type HealthProbe,
  type HealthProbes,
  type HealthReport,
} from './domain/health';
// The paging path's subscriptions (issue 10): the scheduled check's decision.
export {
  topicSubscriptions,
  type TopicAttributesReader,
  type TopicSubscriptions,
} from './domain/paging-subscriptions';
export {
  checkPagingSubscriptions,
  type PagingCheck,
  type PagingTopic,
} from './use-cases/check-paging-subscriptions';
