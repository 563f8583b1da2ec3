/**
 * Names of the custom metrics (EMF through Powertools, namespace `metricsNamespace`, dimension
 * `service`) that alarms and dashboards read (issue 10): the handlers emit them under these names,
 * lib/ builds alarms and widgets on them, so a rename cannot silently flatten a graph.
 * Platform metrics have their own list (`PLATFORM_METRICS`), model drift too (`DRIFT_METRICS`).
 */
export const SERVICE_METRICS = {
  // Ingestion (functions/ingest-worker)
  reviewsStored: 'ReviewsStored',
  /** Poison messages parked in the Rejected table with their reason. */
  rejectedMessages: 'RejectedMessages',
  inferencePending: 'InferencePending',
  // Webhooks (functions/webhook-delivery)
  webhookAttempts: 'WebhookDeliveriesAttempted',
  webhookSucceeded: 'WebhookDeliveriesSucceeded',
  webhookFailed: 'WebhookDeliveriesFailed',
  webhookRateLimited: 'WebhookDeliveriesRateLimited',
  webhookEndpointsDisabled: 'WebhookEndpointsDisabled',
  webhookBreakerOpened: 'WebhookBreakerOpen',
  webhookBreakerHalfOpen: 'WebhookBreakerHalfOpen',
  webhookBreakerClosed: 'WebhookBreakerClosed',
  webhookBreakerDisabled: 'WebhookBreakerDisabled',
  // Review requests (functions/review-request-mailer): e-mails sent to couples.
  reviewRequestsSent: 'ReviewRequestEmail_sent',
  // Secret rotation (functions/secret-rotation, issue 9): failed steps (alarm) and promotions.
  secretRotationFailures: 'SecretRotationFailures',
  secretsRotated: 'SecretsRotated',
  // Real-time updates (functions/realtime-socket, functions/realtime-fanout; issue 14).
  /** $connect refused by our token check (401/403), and accepted. */
  realtimeConnectRejected: 'RealtimeConnectRejected',
  realtimeConnections: 'RealtimeConnections',
  /** `$disconnect`s handled (a connection and its subscriptions removed). */
  realtimeDisconnects: 'RealtimeDisconnects',
  /** Log events fanned out, and frames posted to connections for them. */
  realtimeEventsFannedOut: 'RealtimeEventsFannedOut',
  realtimeMessagesSent: 'RealtimeMessagesSent',
  realtimeGoneConnections: 'RealtimeGoneConnections',
  /** Fan-out batches that failed (retried), and the subscriptions they left unserved. */
  realtimeFanoutFailures: 'RealtimeFanoutFailures',
  realtimePostFailures: 'RealtimePostFailures',
  /** From an event's recording in the log to the end of its fan-out (ms, per batch). */
  realtimeFanoutLagMs: 'RealtimeFanoutLagMs',
  // Deep health (functions/api, issue 11): each 503 of GET /v1/health (a dependency failed).
  healthChecksFailed: 'HealthChecksFailed',
  // The paging path (functions/paging-check, issue 10): each alarm topic's subscriptions, with the
  // extra dimension ALARM_TOPIC_DIMENSION (`critical`, `warning`), every 15 minutes.
  alarmSubscriptionsPending: 'AlarmSubscriptionsPending',
  alarmSubscriptionsConfirmed: 'AlarmSubscriptionsConfirmed',
} as const;

/** The dimension that names the alarm topic of the paging-path metrics. */
export const ALARM_TOPIC_DIMENSION = 'topic';

/**
 * Business KPIs (issue 10), emitted by the ingest worker for each review stored the first time
 * (edits and duplicates are not new reviews). Average rating = ratingSum / rated; negative share =
 * negative / ReviewsStored; conversion = completed / ReviewRequestEmail_sent.
 */
export const KPI_METRICS = {
  /** Reviews stored, with the extra dimension `platform` (per-platform rate). */
  reviewsByPlatform: 'ReviewsStoredByPlatform',
  /** Sum of the stars of the stored reviews that have stars, and how many had them. */
  ratingSum: 'ReviewRatingSum',
  rated: 'ReviewsRated',
  /** Reviews that are negative (2 stars or less, or a negative recommendation). */
  negative: 'NegativeReviews',
  /** Reviews made with an e-mailed or shared review-request link: the request is completed. */
  requestsCompleted: 'ReviewRequestsCompleted',
} as const;

/** The extra dimension of `KPI_METRICS.reviewsByPlatform`. */
export const PLATFORM_DIMENSION = 'platform';
