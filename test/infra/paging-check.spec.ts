/**
 * Issue 10, the paging path's subscriptions: in every region the PagingCheck function runs every
 * 15 minutes from an EventBridge rule, may read the attributes of the region's two alarm topics and
 * nothing else of SNS (their ARNs in its environment), and each topic's subscription alarm is
 * reported on the other topic, like the undelivered-notification alarms (a broken PagerDuty path
 * warns, a broken warning path pages by itself, outside the composite). It has the standard error
 * and throttle alarms.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ALARM_TOPIC_ARN_ENV } from '#src/catalog/function-env';
import { ALARM_TOPIC_DIMENSION, SERVICE_METRICS } from '#src/catalog/metrics';
import type { ServiceStack } from '../../lib/stacks/service-stack';
import { liveAliasOf, logicalIdOf, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

type Resource = { Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource?: unknown; Sid?: string };

const regions = () => synth.services.map((s) => [s.region, s] as const);
const templateOf = (stack: ServiceStack): Template => synth.serviceTemplates.get(stack.region)!;
const topicRef = (stack: ServiceStack, topic: 'critical' | 'warning') => ({
  Ref: logicalIdOf(stack, stack.alarms.topics[topic].topic),
});
const alarmNamed = (stack: ServiceStack, name: string): Resource => {
  const found = Object.values(templateOf(stack).findResources('AWS::CloudWatch::Alarm')).find(
    (r) => (r as Resource).Properties.AlarmName === `${stack.stackName}-${name}`,
  );
  if (!found) throw new Error(`no alarm ${name} in ${stack.stackName}`);
  return found as Resource;
};

describe('PagingCheck', () => {
  it.each([0, 1, 2])('region #%i: runs every 15 minutes from an EventBridge rule', (i) => {
    const [, stack] = regions()[i]!;
    resourceOf(templateOf(stack), stack, stack.pagingCheckSchedule).hasResourceProperties(
      'AWS::Events::Rule',
      {
        ScheduleExpression: 'rate(15 minutes)',
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            // The live alias, which CodeDeploy shifts (issue 11).
            Arn: { Ref: liveAliasOf(stack, stack.functions.PagingCheck) },
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
          }),
        ],
      },
    );
  });

  it.each([0, 1, 2])(
    'region #%i: may call sns:GetTopicAttributes on the two alarm topics, named in its environment, and no other function may touch SNS',
    (i) => {
      const [, stack] = regions()[i]!;
      const template = templateOf(stack);
      const fn = stack.functions.PagingCheck;
      const policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;
      const snsStatements = Object.values(policies).flatMap((p) => {
        const roles = JSON.stringify(p.Properties.Roles);
        return ((p.Properties.PolicyDocument as { Statement: Statement[] }).Statement ?? [])
          .filter((s) => [s.Action].flat().some((a) => a.startsWith('sns:')))
          .map((s) => ({ roles, statement: s }));
      });
      expect(snsStatements).toEqual([
        {
          roles: JSON.stringify([{ Ref: logicalIdOf(stack, fn.role) }]),
          statement: {
            Sid: 'ReadAlarmTopicAttributes',
            Effect: 'Allow',
            Action: 'sns:GetTopicAttributes',
            Resource: [topicRef(stack, 'critical'), topicRef(stack, 'warning')],
          },
        },
      ]);
      resourceOf(template, stack, fn.function).hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            [ALARM_TOPIC_ARN_ENV.critical]: topicRef(stack, 'critical'),
            [ALARM_TOPIC_ARN_ENV.warning]: topicRef(stack, 'warning'),
          }),
        },
      });
    },
  );

  it.each([0, 1, 2])('region #%i: has the standard error and throttle alarms, as warnings', (i) => {
    const [, stack] = regions()[i]!;
    for (const name of ['PagingCheck-errors', 'PagingCheck-throttles']) {
      expect(alarmNamed(stack, name).Properties).toMatchObject({
        AlarmActions: [topicRef(stack, 'warning')],
        AlarmDescription: expect.stringContaining('Severity: warning.'),
      });
    }
  });
});

describe('paging-<topic>-unconfirmed alarms', () => {
  it.each([0, 1, 2])(
    'region #%i: each topic’s subscription figures, pending or none confirmed over four runs, reported on the other topic',
    (i) => {
      const [, stack] = regions()[i]!;
      for (const [watched, reportedOn, severity] of [
        ['critical', 'warning', 'warning'],
        ['warning', 'critical', 'critical'],
      ] as const) {
        const { Properties: alarm } = alarmNamed(stack, `paging-${watched}-unconfirmed`);
        expect(alarm).toMatchObject({
          AlarmActions: [topicRef(stack, reportedOn)],
          OKActions: [topicRef(stack, reportedOn)],
          AlarmDescription: expect.stringContaining(
            `Severity: ${severity}. Runbook: runbooks/paging-path.md`,
          ),
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 4,
          DatapointsToAlarm: 4,
          TreatMissingData: 'notBreaching',
        });
        const queries = alarm.Metrics as Record<string, unknown>[];
        expect(queries.filter((q) => q.Expression !== undefined)).toEqual([
          expect.objectContaining({
            Expression: 'IF(pending > 0 OR confirmed == 0, 1, 0)',
            ReturnData: true,
          }),
        ]);
        for (const [id, metricName, stat] of [
          ['pending', SERVICE_METRICS.alarmSubscriptionsPending, 'Maximum'],
          ['confirmed', SERVICE_METRICS.alarmSubscriptionsConfirmed, 'Minimum'],
        ] as const) {
          expect(queries.find((q) => q.Id === id)).toMatchObject({
            MetricStat: {
              Metric: {
                Namespace: synth.config.metricsNamespace,
                MetricName: metricName,
                Dimensions: expect.arrayContaining([
                  { Name: 'service', Value: synth.config.serviceName },
                  { Name: ALARM_TOPIC_DIMENSION, Value: watched },
                ]),
              },
              Period: 900,
              Stat: stat,
            },
            ReturnData: false,
          });
        }
      }
      // Neither is a child of the composite: the critical one pages by itself.
      const composite = JSON.stringify(
        resourceOf(templateOf(stack), stack, stack.alarms.serviceDegraded).toJSON(),
      );
      for (const watched of ['critical', 'warning']) {
        const id = logicalIdOf(
          stack,
          stack.alarms.made.find((m) => m.name === `paging-${watched}-unconfirmed`)!.alarm,
        );
        expect(composite).not.toContain(id);
      }
    },
  );
});
