/**
 * The regional operations dashboard (issue 10), one row per concern: alarms (critical and warning),
 * API (requests, 4xx, 429, 5xx, p50/p99 latency, WAF blocks), functions (errors, throttles, duration
 * p99, concurrency), queues (depth, age, DLQs), DynamoDB (latency, throttles, replication latency,
 * by table), webhooks (deliveries, success ratio, breaker transitions), models (drift, agreement,
 * pending). Built from the constructs the stack loops over and from Metrics Insights queries, so a
 * queue, function or table added to the catalog appears here without editing this file.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { SERVICE_METRICS } from '#src/catalog/metrics';
import { DRIFT_METRICS } from '#src/models/adapters/drift-metrics';
import type { HealthAlarms } from './health-alarms';
import { dynamoQuery } from './health-alarms';
import type { MonitoredQueue } from './monitored-queue';
import type { ApiMetrics } from './service-api';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { FunctionDefinition } from '#src/catalog/functions';

/** What the dashboard shows of a function: its catalog entry and its metrics. */
export interface DashboardFunction {
  readonly definition: FunctionDefinition;
  readonly function: lambda.IFunction;
}

export interface ServiceDashboardProps {
  /** The REST API's metrics by name (the API is in the region's API stack). */
  readonly api: ApiMetrics;
  /** The region's functions (a service function, or the data stack's named by its derived name). */
  readonly functions: readonly DashboardFunction[];
  readonly queues: readonly MonitoredQueue[];
  readonly health: HealthAlarms;
  /** Every alarm of the region, the composite first. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly metricsNamespace: string;
  readonly serviceName: string;
}

const PERIOD = Duration.minutes(1);
const WIDTH = 8;
const HEIGHT = 6;
/** CloudWatch shows at most 100 alarms in one alarm status widget. */
const ALARMS_PER_WIDGET = 100;

/** The row titles, in order (the infra tests check that each is there). */
export const DASHBOARD_ROWS = ['API', 'Functions', 'Queues', 'DynamoDB', 'Webhooks', 'Models'] as const;

export class ServiceDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.hours(3),
    });

    for (let start = 0; start < props.alarms.length; start += ALARMS_PER_WIDGET) {
      this.dashboard.addWidgets(
        new cloudwatch.AlarmStatusWidget({
          title: start === 0 ? 'Alarms' : `Alarms (${start + 1}-)`,
          alarms: props.alarms.slice(start, start + ALARMS_PER_WIDGET),
          sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
          width: 24,
          height: 6,
        }),
      );
    }
    this.row('API', this.apiWidgets(props));
    this.row('Functions', this.functionWidgets(props.functions));
    this.row('Queues', this.queueWidgets(props.queues));
    this.row('DynamoDB', this.dynamoWidgets());
    this.row('Webhooks', this.webhookWidgets(props));
    this.row('Models', this.modelWidgets(props));
  }

  private row(title: (typeof DASHBOARD_ROWS)[number], widgets: cloudwatch.IWidget[]): void {
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${title}`, width: 24, height: 1 }));
    this.dashboard.addWidgets(...widgets);
  }

  private apiWidgets({ api }: ServiceDashboardProps): cloudwatch.IWidget[] {
    return [
      graph(
        'API requests and errors',
        [api.count({ period: PERIOD, label: 'requests' })],
        [
          api.clientErrors({ period: PERIOD, label: '4xx' }),
          api.throttledResponses({ period: PERIOD, label: '429' }),
          api.serverErrors({ period: PERIOD, label: '5xx' }),
        ],
      ),
      graph('API latency (ms)', [
        api.latency({ period: PERIOD, statistic: cloudwatch.Stats.p(50), label: 'p50' }),
        api.latency({ period: PERIOD, statistic: cloudwatch.Stats.p(99), label: 'p99' }),
        api.integrationLatency({
          period: PERIOD,
          statistic: cloudwatch.Stats.p(99),
          label: 'integration p99',
        }),
      ]),
      graph('WAF blocked requests', [api.wafBlockedRequests({ period: PERIOD, label: 'blocked' })]),
    ];
  }

  private functionWidgets(functions: readonly DashboardFunction[]): cloudwatch.IWidget[] {
    return [
      graph(
        'Function errors and throttles',
        functions.map((f) =>
          f.function.metricErrors({ statistic: cloudwatch.Stats.SUM, label: `${f.definition.id} errors` }),
        ),
        functions.map((f) =>
          f.function.metricThrottles({
            statistic: cloudwatch.Stats.SUM,
            label: `${f.definition.id} throttles`,
          }),
        ),
      ),
      graph(
        'Function duration p99 (ms)',
        functions.map((f) =>
          f.function.metricDuration({ statistic: cloudwatch.Stats.p(99), label: f.definition.id }),
        ),
      ),
      graph(
        'Function concurrency (max)',
        functions.map((f) =>
          f.function.metric('ConcurrentExecutions', {
            statistic: cloudwatch.Stats.MAXIMUM,
            label: f.definition.id,
          }),
        ),
      ),
      graph(
        'Function invocations',
        functions.map((f) =>
          f.function.metricInvocations({ statistic: cloudwatch.Stats.SUM, label: f.definition.id }),
        ),
      ),
    ];
  }

  private queueWidgets(queues: readonly MonitoredQueue[]): cloudwatch.IWidget[] {
    const max = cloudwatch.Stats.MAXIMUM;
    return [
      graph(
        'Queue depth (visible messages)',
        queues.map((q) =>
          q.queue.metricApproximateNumberOfMessagesVisible({ statistic: max, label: q.definition.id }),
        ),
      ),
      graph(
        'Oldest message age (s)',
        queues.map((q) =>
          q.queue.metricApproximateAgeOfOldestMessage({ statistic: max, label: q.definition.id }),
        ),
      ),
      graph(
        'DLQ depth (visible messages)',
        queues.map((q) =>
          q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            statistic: max,
            label: `${q.definition.id} DLQ`,
          }),
        ),
      ),
    ];
  }

  /** Every table of the region through Metrics Insights, one line per table (or receiving region). */
  private dynamoWidgets(): cloudwatch.IWidget[] {
    const query = (expression: string, label: string) =>
      new cloudwatch.MathExpression({ expression, usingMetrics: {}, label, period: Duration.minutes(5) });
    return [
      graph('DynamoDB latency by table (ms, avg)', [
        query(dynamoQuery('AVG', 'SuccessfulRequestLatency', 'Operation, TableName', 'TableName'), 'latency'),
      ]),
      graph('DynamoDB throttles and system errors by table', [
        query(dynamoQuery('SUM', 'ThrottledRequests', 'Operation, TableName', 'TableName'), 'throttled'),
        query(dynamoQuery('SUM', 'SystemErrors', 'Operation, TableName', 'TableName'), 'system errors'),
      ]),
      graph('Replication latency by receiving region (ms, max)', [
        query(
          dynamoQuery('MAX', 'ReplicationLatency', 'ReceivingRegion, TableName', 'ReceivingRegion'),
          'replication',
        ),
      ]),
    ];
  }

  private webhookWidgets({ health }: ServiceDashboardProps): cloudwatch.IWidget[] {
    const m = (name: string, label: string) => health.serviceMetric(name, PERIOD).with({ label });
    const fifteen = Duration.minutes(15);
    return [
      graph(
        'Webhook deliveries',
        [m(SERVICE_METRICS.webhookAttempts, 'attempts'), m(SERVICE_METRICS.webhookSucceeded, 'succeeded')],
        [
          m(SERVICE_METRICS.webhookFailed, 'failed'),
          m(SERVICE_METRICS.webhookRateLimited, 'rate limited'),
          m(SERVICE_METRICS.webhookEndpointsDisabled, 'endpoints disabled'),
        ],
      ),
      graph('Webhook success ratio (%)', [
        new cloudwatch.MathExpression({
          expression: 'IF(attempts > 0, 100 * FILL(succeeded, 0) / attempts)',
          usingMetrics: {
            attempts: health.serviceMetric(SERVICE_METRICS.webhookAttempts, fifteen),
            succeeded: health.serviceMetric(SERVICE_METRICS.webhookSucceeded, fifteen),
          },
          label: 'succeeded / attempts',
          period: fifteen,
        }),
      ]),
      graph('Webhook circuit breakers (transitions)', [
        m(SERVICE_METRICS.webhookBreakerOpened, 'opened'),
        m(SERVICE_METRICS.webhookBreakerHalfOpen, 'half-open'),
        m(SERVICE_METRICS.webhookBreakerClosed, 'closed'),
      ]),
    ];
  }

  private modelWidgets(props: ServiceDashboardProps): cloudwatch.IWidget[] {
    const insights = (fn: string, metric: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SELECT ${fn}(${metric}) FROM SCHEMA("${props.metricsNamespace}", service, task, variant) WHERE service = '${props.serviceName}' GROUP BY task, variant`,
        usingMetrics: {},
        label,
        period: Duration.minutes(15),
      });
    return [
      graph('Model drift (PSI, by task and variant)', [insights('AVG', DRIFT_METRICS.psi, 'PSI')]),
      graph('Sentiment agreement with stars (%)', [insights('AVG', DRIFT_METRICS.agreement, 'agreement')]),
      graph('Reviews stored with inference pending', [
        props.health.serviceMetric(SERVICE_METRICS.inferencePending, PERIOD).with({ label: 'pending' }),
      ]),
    ];
  }
}

function graph(
  title: string,
  left: cloudwatch.IMetric[],
  right: cloudwatch.IMetric[] = [],
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT, period: PERIOD });
}
