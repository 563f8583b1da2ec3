/**
 * Every alarm of a region is made here (issue 10), from a kind of `ALARM_TABLE`: the name
 * (`<stack>-<name>`), the description ending with its severity and runbook page, and where it goes
 * (warning topic, or the `service-degraded` composite for critical alarms) all follow from the
 * table, so no construct picks a topic or a page by hand.
 *
 * Also here: the two topics with their subscribers from the stage's `paging` configuration, the
 * paging-path alarms that watch each topic from the other, and the composite alarm.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import {
  classify,
  SERVICE_DEGRADED,
  type AlarmKindId,
  type Severity,
  type SubjectOf,
  type TopicId,
} from '../alarm-table';
import type { PagingConfig } from '../settings';
import { runbookReference } from '../runbooks';
import { OnCallTopic } from './on-call-topic';
import { ALARM_TOPIC_DIMENSION, SERVICE_METRICS } from '#src/catalog/metrics';
import { serviceMetric } from './service-metric';

/** What varies between alarms; everything else comes from the alarm table. */
export interface AlarmSpec {
  /** The alarm's name after the `<stack>-` prefix, e.g. `Ingest-dlq-not-empty`. */
  readonly name: string;
  /** What fired, in one or two sentences (severity and runbook are appended). */
  readonly description: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
}

/** One alarm as made, with its class (for the composite, the dashboards and the tests). */
export interface MadeAlarm {
  readonly alarm: cloudwatch.Alarm;
  readonly kind: AlarmKindId;
  readonly name: string;
  readonly severity: Severity;
  readonly runbook: string;
  readonly inComposite: boolean;
}

export interface ServiceAlarmsProps {
  readonly paging: PagingConfig;
}

export class ServiceAlarms extends Construct {
  /** `critical` pages (PagerDuty); `warning` goes to e-mail. */
  readonly topics: Readonly<Record<TopicId, OnCallTopic>>;
  readonly made: MadeAlarm[] = [];
  private composite?: cloudwatch.CompositeAlarm;
  private readonly stackName: string;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    this.stackName = Stack.of(this).stackName;
    const { paging } = props;
    // Logical ids: the critical topic keeps the id of the former single on-call topic.
    this.topics = {
      critical: new OnCallTopic(scope, 'OnCall', {
        purpose: 'critical',
        endpoint: paging.pagerDutyIntegrationUrl,
        // A stage that does not page (dev) still tells someone about its critical alarms.
        emails: paging.pagerDutyIntegrationUrl === undefined ? paging.warningEmails : [],
      }),
      warning: new OnCallTopic(scope, 'Warnings', { purpose: 'warning', emails: paging.warningEmails }),
    };
    this.watchPagingPath('critical', 'warning');
    this.watchPagingPath('warning', 'critical');
  }

  /** The composite alarm; exists once `compose()` ran. */
  get serviceDegraded(): cloudwatch.CompositeAlarm {
    if (!this.composite) throw new Error('ServiceAlarms.compose() has not run yet');
    return this.composite;
  }

  /** Makes one alarm of `kind` about `subject` in `scope` (the construct it watches). */
  create<K extends AlarmKindId>(
    scope: Construct,
    id: string,
    kind: K,
    subject: SubjectOf<K> | undefined,
    spec: AlarmSpec,
  ): cloudwatch.Alarm {
    if (this.composite) throw new Error(`Alarm ${spec.name} created after the composite alarm`);
    const { severity, runbook, inComposite } = classify(kind, subject);
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmName: `${this.stackName}-${spec.name}`,
      alarmDescription: `${spec.description} Severity: ${severity}. ${runbookReference(runbook)}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparisonOperator,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Children of the composite have no action: the composite pages once for all of them.
    if (!inComposite) {
      const action = new cloudwatchActions.SnsAction(this.topics[severity].topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.made.push({ alarm, kind, name: spec.name, severity, runbook, inComposite });
    return alarm;
  }

  /**
   * The region's `service-degraded` composite alarm: ALARM while any critical alarm is, so a
   * cascade (DynamoDB errors -> worker errors -> DLQ) pages once; its OK says the region recovered.
   * Call after every alarm is made.
   */
  compose(): cloudwatch.CompositeAlarm {
    const children = this.made.filter((m) => m.inComposite);
    if (children.length === 0) throw new Error('No critical alarm to compose');
    this.composite = new cloudwatch.CompositeAlarm(this, 'ServiceDegraded', {
      compositeAlarmName: `${this.stackName}-${SERVICE_DEGRADED.name}`,
      alarmDescription:
        `The service in ${Stack.of(this).region} is degraded: at least one of its ${children.length} critical ` +
        'alarms is in ALARM (the notification names it; each has its own runbook). Severity: critical. ' +
        runbookReference(SERVICE_DEGRADED.runbook),
      alarmRule: cloudwatch.AlarmRule.anyOf(
        ...children.map((m) => cloudwatch.AlarmRule.fromAlarm(m.alarm, cloudwatch.AlarmState.ALARM)),
      ),
    });
    const action = new cloudwatchActions.SnsAction(this.topics.critical.topic);
    this.composite.addAlarmAction(action);
    this.composite.addOkAction(action);
    return this.composite;
  }

  /**
   * The subscriptions of both topics, as the PagingCheck function publishes them every
   * `periodMinutes` (SERVICE_METRICS, dimension `topic`): ALARM when a subscription stayed pending
   * confirmation, or none was confirmed, over four runs (an hour at 15 minutes: a new e-mail
   * subscriber has that long to confirm).
   * Each topic is reported on the other. No figures (the check failed: its error alarm says so) is
   * not breaching: an error is never read as "no subscriber".
   */
  watchPagingSubscriptions(metricsNamespace: string, serviceName: string, periodMinutes: number): void {
    const pairs: readonly (readonly [TopicId, TopicId])[] = [
      ['critical', 'warning'],
      ['warning', 'critical'],
    ];
    for (const [watched, other] of pairs) {
      const period = Duration.minutes(periodMinutes);
      const figure = (metricName: string, statistic: string) =>
        serviceMetric({ metricsNamespace, serviceName }, metricName, {
          dimensions: { [ALARM_TOPIC_DIMENSION]: watched },
          statistic,
          period,
        });
      const metric = new cloudwatch.MathExpression({
        expression: 'IF(pending > 0 OR confirmed == 0, 1, 0)',
        usingMetrics: {
          // The worst run of the period: most pending, fewest confirmed.
          pending: figure(SERVICE_METRICS.alarmSubscriptionsPending, cloudwatch.Stats.MAXIMUM),
          confirmed: figure(SERVICE_METRICS.alarmSubscriptionsConfirmed, cloudwatch.Stats.MINIMUM),
        },
        label: `${watched} topic subscriptions unconfirmed`,
        period,
      });
      this.create(this, `PagingSubscriptions-${watched}`, 'pagingSubscriptions', watched, {
        name: `paging-${watched}-unconfirmed`,
        description:
          `The ${watched} alarm topic has had a subscription pending confirmation, or no confirmed subscription, ` +
          `over four checks (${4 * periodMinutes} minutes): ${watched} alarms may reach nobody. Reported on the ${other} topic.`,
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 4,
        datapointsToAlarm: 4,
      });
    }
  }

  /**
   * Notifications of `watched` that failed, or published with none delivered over 15 minutes (an
   * unconfirmed or deleted subscription), reported through the other topic's severity.
   */
  private watchPagingPath(watched: TopicId, other: TopicId): void {
    const topic = this.topics[watched].topic;
    const period = Duration.minutes(15);
    const metric = new cloudwatch.MathExpression({
      expression: 'FILL(failed, 0) + IF(FILL(published, 0) > 0 AND FILL(delivered, 0) == 0, 1, 0)',
      usingMetrics: {
        failed: topic.metricNumberOfNotificationsFailed({ period, statistic: cloudwatch.Stats.SUM }),
        published: topic.metricNumberOfMessagesPublished({ period, statistic: cloudwatch.Stats.SUM }),
        delivered: topic.metricNumberOfNotificationsDelivered({ period, statistic: cloudwatch.Stats.SUM }),
      },
      label: `${watched} topic undelivered`,
      period,
    });
    this.create(this, `PagingPath-${watched}`, 'pagingPath', watched, {
      name: `paging-${watched}-undelivered`,
      description:
        `Notifications of the ${watched} alarm topic failed, or were published and none delivered in 15 minutes ` +
        `(an unconfirmed or removed subscription): ${watched} alarms may reach nobody. Reported on the ${other} topic.`,
      metric,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
  }
}
