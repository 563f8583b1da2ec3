/**
 * The region's alarms that watch no single construct (issue 10): DynamoDB across every table of the
 * region (system errors, throttles, global-table replication latency, through Metrics Insights
 * queries, so a table added to the catalog is covered without a new alarm), the account's Lambda
 * concurrency against its limit, parked (rejected) messages, the webhook failure ratio and disabled
 * endpoints. The metrics are exposed for the dashboards.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { SERVICE_METRICS } from '#src/catalog/metrics';
import type { ServiceAlarms } from './service-alarms';
import { serviceMetric } from './service-metric';

export interface HealthAlarmsProps {
  readonly alarms: ServiceAlarms;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  readonly thresholds: {
    readonly lambdaConcurrencyLimit: number;
    readonly lambdaConcurrencyPercent: number;
    readonly replicationLatencyMs: number;
    readonly webhookFailurePercent: number;
    readonly surgeMinRequests: number;
  };
}

const FIVE_MINUTES = Duration.minutes(5);

/** A Metrics Insights query over every DynamoDB table of the account in this region. */
export const dynamoQuery = (
  fn: 'SUM' | 'MAX' | 'AVG',
  metric: string,
  dimensions: string,
  groupBy = '',
): string =>
  `SELECT ${fn}(${metric}) FROM SCHEMA("AWS/DynamoDB", ${dimensions})${groupBy ? ` GROUP BY ${groupBy}` : ''}`;

export class HealthAlarms extends Construct {
  /** Custom metric of this service (`service` dimension), summed per period unless told otherwise. */
  readonly serviceMetric: (name: string, period?: Duration, statistic?: string) => cloudwatch.Metric;
  readonly webhookFailureRatio: cloudwatch.MathExpression;

  constructor(scope: Construct, id: string, props: HealthAlarmsProps) {
    super(scope, id);
    const { alarms, thresholds: t } = props;
    this.serviceMetric = (name, period = FIVE_MINUTES, statistic = cloudwatch.Stats.SUM) =>
      serviceMetric(props, name, { period, statistic });
    const insights = (expression: string, label: string) =>
      new cloudwatch.MathExpression({ expression, usingMetrics: {}, label, period: FIVE_MINUTES });
    const gt = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;

    alarms.create(this, 'DynamoSystemErrors', 'dynamoSystemErrors', undefined, {
      name: 'dynamodb-system-errors',
      description:
        'DynamoDB answered requests of this region with system errors (HTTP 500) in two 5-minute periods out of three.',
      metric: insights(dynamoQuery('SUM', 'SystemErrors', 'Operation, TableName'), 'DynamoDB system errors'),
      threshold: 0,
      comparisonOperator: gt,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
    alarms.create(this, 'DynamoThrottles', 'dynamoThrottles', undefined, {
      name: 'dynamodb-throttles',
      description:
        'DynamoDB throttled requests of this region (a hot partition, or on-demand scaling behind a surge) for 10 minutes.',
      metric: insights(
        dynamoQuery('SUM', 'ThrottledRequests', 'Operation, TableName'),
        'DynamoDB throttled requests',
      ),
      threshold: 0,
      comparisonOperator: gt,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
    // ThrottledRequests counts a batch only when every item of it was throttled; a BatchGetItem (the
    // review listing's page, the ingest worker's 50 latest) or BatchWriteItem partly throttled by a
    // provisioned table (ADR 0035) shows only in the per-table event counts.
    for (const kind of ['Read', 'Write'] as const) {
      alarms.create(this, `Dynamo${kind}ThrottleEvents`, `dynamo${kind}ThrottleEvents`, undefined, {
        name: `dynamodb-${kind.toLowerCase()}-throttle-events`,
        description: `DynamoDB throttled ${kind.toLowerCase()}s (events, batch items included) on a table of this region for 10 minutes: a provisioned table beyond its capacity (auto scaling lagging or at its maximum) or a hot key.`,
        metric: insights(
          dynamoQuery('SUM', `${kind}ThrottleEvents`, 'TableName'),
          `DynamoDB ${kind.toLowerCase()} throttle events`,
        ),
        threshold: 0,
        comparisonOperator: gt,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
      });
    }
    alarms.create(this, 'DynamoReplicationLatency', 'dynamoReplicationLatency', undefined, {
      name: 'dynamodb-replication-latency',
      description: `Global-table replication from this region to another took over ${t.replicationLatencyMs} ms on average for 15 minutes: the regions disagree for that long.`,
      metric: insights(
        dynamoQuery('MAX', 'ReplicationLatency', 'ReceivingRegion, TableName'),
        'replication latency (ms)',
      ),
      threshold: t.replicationLatencyMs,
      comparisonOperator: gt,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });

    const concurrencyThreshold = Math.floor((t.lambdaConcurrencyLimit * t.lambdaConcurrencyPercent) / 100);
    alarms.create(this, 'LambdaConcurrency', 'lambdaConcurrency', undefined, {
      name: 'lambda-concurrency-near-limit',
      description: `Lambda concurrency in this region reached ${concurrencyThreshold} (${t.lambdaConcurrencyPercent}% of the ${t.lambdaConcurrencyLimit} limit) in two 5-minute periods: throttling is next.`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'ConcurrentExecutions',
        statistic: cloudwatch.Stats.MAXIMUM,
        period: FIVE_MINUTES,
      }),
      threshold: concurrencyThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });

    alarms.create(this, 'RejectedMessages', 'rejectedMessages', undefined, {
      name: 'rejected-messages',
      description:
        'The IngestWorker parked messages it can never process in the Rejected table (with their reason) in the last 15 minutes.',
      metric: this.serviceMetric(SERVICE_METRICS.rejectedMessages, Duration.minutes(15)),
      threshold: 0,
      comparisonOperator: gt,
      evaluationPeriods: 1,
    });

    const fifteenMinutes = Duration.minutes(15);
    this.webhookFailureRatio = new cloudwatch.MathExpression({
      expression: `IF(attempts >= ${t.surgeMinRequests}, 100 * (FILL(failed, 0) + FILL(rateLimited, 0)) / attempts, 0)`,
      usingMetrics: {
        attempts: this.serviceMetric(SERVICE_METRICS.webhookAttempts, fifteenMinutes),
        failed: this.serviceMetric(SERVICE_METRICS.webhookFailed, fifteenMinutes),
        rateLimited: this.serviceMetric(SERVICE_METRICS.webhookRateLimited, fifteenMinutes),
      },
      label: 'webhook attempts failed (%)',
      period: fifteenMinutes,
    });
    alarms.create(this, 'WebhookFailureRatio', 'webhookFailureRatio', undefined, {
      name: 'webhook-failure-ratio',
      description: `More than ${t.webhookFailurePercent}% of webhook delivery attempts failed (or were rate limited) in two 15-minute periods (at least ${t.surgeMinRequests} attempts each).`,
      metric: this.webhookFailureRatio,
      threshold: t.webhookFailurePercent,
      comparisonOperator: gt,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
    alarms.create(this, 'WebhookEndpointsDisabled', 'webhookEndpointsDisabled', undefined, {
      name: 'webhook-endpoints-disabled',
      description:
        'Webhook endpoints were disabled (their URL answered 410 Gone, or kept failing for 5 days) in the last 15 minutes.',
      metric: this.serviceMetric(SERVICE_METRICS.webhookEndpointsDisabled, fifteenMinutes),
      threshold: 0,
      comparisonOperator: gt,
      evaluationPeriods: 1,
    });
  }
}
