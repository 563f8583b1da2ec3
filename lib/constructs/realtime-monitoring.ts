/**
 * Alarms and dashboard widgets of the real-time WebSocket API of a region (issue 14), and the
 * on-failure destination of its stream consumers (RealtimeFanout on the RealtimeLog stream, and in
 * the primary region RealtimeRecorder on the EventLog stream):
 * - connection errors: API Gateway's ClientError + IntegrationError + ExecutionError over the
 *   stage's traffic (ConnectCount + MessageCount);
 * - fan-out lag: the stream consumer's IteratorAge (Lambda reports it per batch, even when our
 *   code fails before emitting anything);
 * - the real-time error rate: subscriptions a fan-out left unserved over all posts (EMF);
 * - stream batches skipped: batches of either consumer that ran out of retries land in
 *   `skippedBatches` (an SQS queue holding where they were in the stream, not the records), which
 *   must stay empty.
 * Severities and runbook sections come from the alarm table (lib/alarm-table.ts, runbooks/realtime.md).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_METRICS } from '#src/catalog/metrics';
import type { ServiceAlarms } from './service-alarms';
import { serviceMetric } from './service-metric';

/** The thresholds (one place; runbooks/realtime.md quotes them). */
export const REALTIME_ALARMS = {
  /** Percent of the WebSocket API's requests answered with an error, per 15 minutes. */
  connectionErrorPercent: 5,
  /** Oldest stream record a fan-out batch held, per 5 minutes (ms). */
  fanoutLagMs: 60_000,
  /** Percent of subscriptions left unserved by the fan-out, per 15 minutes. */
  errorPercent: 5,
  /** Below this many requests (or posts) per period, the ratios stay quiet. */
  minVolume: 100,
} as const;

export interface RealtimeMonitoringProps {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;
  /** The RealtimeFanout function (the stream's consumer). */
  readonly fanout: lambda.IFunction;
  readonly alarms: ServiceAlarms;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  /** The region's queues key (src/catalog/keys.ts `Queues`), named by its alias. */
  readonly queueKey: kms.IKey;
}

const FIVE_MINUTES = Duration.minutes(5);
const FIFTEEN_MINUTES = Duration.minutes(15);
const gt = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;

export class RealtimeMonitoring extends Construct {
  /** The stream consumers' on-failure destination: batches skipped after their retries. */
  readonly skippedBatches: sqs.Queue;
  readonly connectionErrorRatio: cloudwatch.MathExpression;
  readonly errorRate: cloudwatch.MathExpression;
  private readonly props: RealtimeMonitoringProps;

  constructor(scope: Construct, id: string, props: RealtimeMonitoringProps) {
    super(scope, id);
    this.props = props;
    const { alarms } = props;

    this.skippedBatches = new sqs.Queue(this, 'SkippedBatches', {
      retentionPeriod: Duration.days(14),
      // The region's queues key (issue 9), by its alias.
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.queueKey,
      enforceSSL: true,
    });
    Validations.of(this.skippedBatches).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is a dead-letter destination itself: the on-failure destination of the RealtimeFanout and ' +
        'RealtimeRecorder stream mappings (positions of skipped batches). Nothing consumes it; the ' +
        'realtime-stream-batches-skipped alarm watches it.',
    });

    this.connectionErrorRatio = new cloudwatch.MathExpression({
      expression: `IF(requests >= ${REALTIME_ALARMS.minVolume}, 100 * (FILL(client, 0) + FILL(integration, 0) + FILL(execution, 0)) / requests, 0)`,
      usingMetrics: {
        requests: new cloudwatch.MathExpression({
          expression: 'FILL(connects, 0) + FILL(messages, 0)',
          usingMetrics: {
            connects: this.apiMetric('ConnectCount', FIFTEEN_MINUTES),
            messages: this.apiMetric('MessageCount', FIFTEEN_MINUTES),
          },
          period: FIFTEEN_MINUTES,
        }),
        client: this.apiMetric('ClientError', FIFTEEN_MINUTES),
        integration: this.apiMetric('IntegrationError', FIFTEEN_MINUTES),
        execution: this.apiMetric('ExecutionError', FIFTEEN_MINUTES),
      },
      label: 'WebSocket requests with errors (%)',
      period: FIFTEEN_MINUTES,
    });
    alarms.create(this, 'ConnectionErrors', 'realtimeConnectionErrors', undefined, {
      name: 'realtime-connection-errors',
      description: `More than ${REALTIME_ALARMS.connectionErrorPercent}% of the WebSocket API's requests (connects and frames) ended in an error (ClientError, IntegrationError or ExecutionError) in two 15-minute periods (at least ${REALTIME_ALARMS.minVolume} requests each).`,
      metric: this.connectionErrorRatio,
      threshold: REALTIME_ALARMS.connectionErrorPercent,
      comparisonOperator: gt,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    alarms.create(this, 'FanoutLag', 'realtimeFanoutLag', undefined, {
      name: 'realtime-fanout-lag',
      description: `The real-time fan-out (RealtimeLog stream -> RealtimeFanout) held stream records older than ${REALTIME_ALARMS.fanoutLagMs / 1000} s in two 5-minute periods out of three: live updates arrive late.`,
      metric: props.fanout.metric('IteratorAge', {
        statistic: cloudwatch.Stats.MAXIMUM,
        period: FIVE_MINUTES,
      }),
      threshold: REALTIME_ALARMS.fanoutLagMs,
      comparisonOperator: gt,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    this.errorRate = new cloudwatch.MathExpression({
      expression: `IF(FILL(sent, 0) + FILL(failed, 0) >= ${REALTIME_ALARMS.minVolume}, 100 * FILL(failed, 0) / (FILL(sent, 0) + FILL(failed, 0)), 0)`,
      usingMetrics: {
        sent: this.serviceMetric(SERVICE_METRICS.realtimeMessagesSent, FIFTEEN_MINUTES),
        failed: this.serviceMetric(SERVICE_METRICS.realtimePostFailures, FIFTEEN_MINUTES),
      },
      label: 'real-time posts failed (%)',
      period: FIFTEEN_MINUTES,
    });
    alarms.create(this, 'ErrorRate', 'realtimeErrorRate', undefined, {
      name: 'realtime-error-rate',
      description: `More than ${REALTIME_ALARMS.errorPercent}% of the real-time fan-out's posts failed (subscriptions left unserved, retried) in two 15-minute periods (at least ${REALTIME_ALARMS.minVolume} posts each).`,
      metric: this.errorRate,
      threshold: REALTIME_ALARMS.errorPercent,
      comparisonOperator: gt,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });

    alarms.create(this, 'StreamBatchesSkipped', 'realtimeStreamBatchesSkipped', undefined, {
      name: 'realtime-stream-batches-skipped',
      description:
        'A real-time stream consumer (RealtimeFanout, or RealtimeRecorder in the primary region) skipped stream batches after their retries (their positions are in the on-failure queue): subscribers missed those events live (fan-out) or the channel log lacks them (recorder).',
      metric: this.skippedBatches.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: FIVE_MINUTES,
      }),
      threshold: 0,
      comparisonOperator: gt,
      evaluationPeriods: 1,
    });
  }

  /** The dashboard row: connections and errors, fan-out volume and failures, lag, skipped batches. */
  widgets(): cloudwatch.IWidget[] {
    const minute = Duration.minutes(1);
    const sum = (name: string, label: string) =>
      this.serviceMetric(name, minute).with({ label, statistic: cloudwatch.Stats.SUM });
    return [
      new cloudwatch.TextWidget({ markdown: '## Real time', width: 24, height: 1 }),
      graph(
        'WebSocket connects, messages and errors',
        [
          this.apiMetric('ConnectCount', minute).with({ label: 'connects' }),
          this.apiMetric('MessageCount', minute).with({ label: 'messages (in and out)' }),
        ],
        [
          this.apiMetric('ClientError', minute).with({ label: 'client errors' }),
          this.apiMetric('IntegrationError', minute).with({ label: 'integration errors' }),
          this.apiMetric('ExecutionError', minute).with({ label: 'execution errors' }),
          sum(SERVICE_METRICS.realtimeConnectRejected, 'tokens refused'),
        ],
      ),
      graph(
        'Real-time fan-out',
        [
          sum(SERVICE_METRICS.realtimeMessagesSent, 'posts sent'),
          sum(SERVICE_METRICS.realtimeEventsFannedOut, 'events'),
        ],
        [
          sum(SERVICE_METRICS.realtimePostFailures, 'subscriptions unserved'),
          sum(SERVICE_METRICS.realtimeGoneConnections, 'gone (410)'),
          this.errorRate,
        ],
      ),
      graph('Real-time fan-out lag (ms)', [
        this.props.fanout.metric('IteratorAge', {
          statistic: cloudwatch.Stats.MAXIMUM,
          label: 'IteratorAge max',
        }),
        this.serviceMetric(SERVICE_METRICS.realtimeFanoutLagMs, minute).with({
          statistic: cloudwatch.Stats.p(99),
          label: 'recorded -> posted p99',
        }),
      ]),
      graph('Real-time stream batches skipped', [
        this.skippedBatches.metricApproximateNumberOfMessagesVisible({
          statistic: cloudwatch.Stats.MAXIMUM,
          label: 'on-failure queue',
        }),
      ]),
    ];
  }

  /** A metric of the WebSocket API's stage (AWS/ApiGateway, ApiId and Stage). */
  private apiMetric(metricName: string, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiId: this.props.api.apiId, Stage: this.props.stage.stageName },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }

  private serviceMetric(metricName: string, period: Duration): cloudwatch.Metric {
    return serviceMetric(this.props, metricName, { period });
  }
}

function graph(
  title: string,
  left: cloudwatch.IMetric[],
  right: cloudwatch.IMetric[] = [],
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title,
    left,
    right,
    width: 6,
    height: 6,
    period: Duration.minutes(1),
  });
}
