/**
 * The regional operations dashboard: API traffic, errors and latency; queue depth and age; DLQ
 * depth; function errors, throttles and duration. Built from the same constructs the stack loops
 * over, so a queue or function added to the catalog appears here without editing this file.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { MonitoredQueue } from './monitored-queue';
import type { ServiceFunction } from './service-function';

export interface ServiceDashboardProps {
  readonly api: apigw.RestApi;
  readonly functions: readonly ServiceFunction[];
  readonly queues: readonly MonitoredQueue[];
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const PERIOD = Duration.minutes(1);
const WIDTH = 8;
const HEIGHT = 6;

export class ServiceDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const { api } = props;
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT, period: PERIOD });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.hours(3),
    });

    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 4 }),
    );

    this.dashboard.addWidgets(
      graph(
        'API requests and errors',
        [api.metricCount({ statistic: cloudwatch.Stats.SUM, label: 'requests' })],
        [
          api.metricClientError({ statistic: cloudwatch.Stats.SUM, label: '4xx' }),
          api.metricServerError({ statistic: cloudwatch.Stats.SUM, label: '5xx' }),
        ],
      ),
      graph('API latency (ms)', [
        api.metricLatency({ statistic: cloudwatch.Stats.p(50), label: 'p50' }),
        api.metricLatency({ statistic: cloudwatch.Stats.p(99), label: 'p99' }),
        api.metricIntegrationLatency({ statistic: cloudwatch.Stats.p(99), label: 'integration p99' }),
      ]),
    );

    this.dashboard.addWidgets(
      graph(
        'Queue depth (visible messages)',
        props.queues.map((q) =>
          q.queue.metricApproximateNumberOfMessagesVisible({
            statistic: cloudwatch.Stats.MAXIMUM,
            label: q.definition.id,
          }),
        ),
      ),
      graph(
        'Oldest message age (s)',
        props.queues.map((q) =>
          q.queue.metricApproximateAgeOfOldestMessage({
            statistic: cloudwatch.Stats.MAXIMUM,
            label: q.definition.id,
          }),
        ),
      ),
      graph(
        'DLQ depth (visible messages)',
        props.queues.map((q) =>
          q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            statistic: cloudwatch.Stats.MAXIMUM,
            label: `${q.definition.id} DLQ`,
          }),
        ),
      ),
    );

    this.dashboard.addWidgets(
      graph(
        'Function errors and throttles',
        props.functions.map((f) =>
          f.function.metricErrors({ statistic: cloudwatch.Stats.SUM, label: `${f.definition.id} errors` }),
        ),
        props.functions.map((f) =>
          f.function.metricThrottles({
            statistic: cloudwatch.Stats.SUM,
            label: `${f.definition.id} throttles`,
          }),
        ),
      ),
      graph(
        'Function duration p99 (ms)',
        props.functions.map((f) =>
          f.function.metricDuration({ statistic: cloudwatch.Stats.p(99), label: f.definition.id }),
        ),
      ),
      graph(
        'Function invocations',
        props.functions.map((f) =>
          f.function.metricInvocations({ statistic: cloudwatch.Stats.SUM, label: f.definition.id }),
        ),
      ),
    );
  }
}
