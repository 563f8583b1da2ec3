/**
 * The alarm machinery on its own, in a small stack (no app synth, so it runs in seconds): the two
 * topics and their subscribers per paging configuration, routing by severity from the alarm
 * table, the composite, and the runbook check proven able to fail.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { FUNCTIONS } from '#src/catalog/functions';
import { QUEUES } from '#src/catalog/queues';
import { ALARM_TABLE, classify, type AlarmKindId } from '../../lib/alarm-table';
import { ServiceAlarms } from '../../lib/constructs/service-alarms';
import type { PagingConfig } from '../../lib/settings';
import { logicalIdOf } from './support/synth';
import { runbookProblems } from './support/runbooks';

const PAGERDUTY_URL = 'https://events.pagerduty.com/integration/a1b2c3d4e5f60718293a4b5c6d7e8f90/enqueue';

function build(paging: PagingConfig): { stack: Stack; alarms: ServiceAlarms; template: () => Template } {
  const stack = new Stack(new App(), 'WedSync-Service-us-east-1', {
    env: { account: '111111111111', region: 'us-east-1' },
  });
  const alarms = new ServiceAlarms(stack, 'Alarms', { paging });
  return { stack, alarms, template: () => Template.fromStack(stack) };
}

const metric = new cloudwatch.Metric({ namespace: 'Test', metricName: 'Things' });
const spec = (name: string) => ({
  name,
  description: `${name} happened.`,
  metric,
  threshold: 0,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  evaluationPeriods: 1,
});

describe('topics and their subscribers', () => {
  it('a paging stage: PagerDuty (HTTPS) on the critical topic, e-mails on the warning topic', () => {
    const { stack, alarms, template } = build({
      pagesOnCall: true,
      pagerDutyIntegrationUrl: PAGERDUTY_URL,
      warningEmails: ['ops@wedsync.example'],
    });
    const t = template();
    const critical = logicalIdOf(stack, alarms.topics.critical.topic);
    const warning = logicalIdOf(stack, alarms.topics.warning.topic);
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: PAGERDUTY_URL,
      TopicArn: { Ref: critical },
    });
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@wedsync.example',
      TopicArn: { Ref: warning },
    });
    // Both topics encrypted with their own rotating key that CloudWatch alarms may use.
    t.resourceCountIs('AWS::SNS::Topic', 2);
    t.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('a stage without PagerDuty (dev): the warning e-mails also receive critical alarms', () => {
    const { stack, alarms, template } = build({ pagesOnCall: false, warningEmails: ['dev@wedsync.example'] });
    const t = template();
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    for (const topic of [alarms.topics.critical.topic, alarms.topics.warning.topic]) {
      t.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'dev@wedsync.example',
        TopicArn: { Ref: logicalIdOf(stack, topic) },
      });
    }
    t.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'https' }, 0);
  });
});

describe('routing by severity', () => {
  const paging: PagingConfig = {
    pagesOnCall: true,
    pagerDutyIntegrationUrl: PAGERDUTY_URL,
    warningEmails: [],
  };

  it('warnings go to the warning topic; critical alarms only through the composite, which pages once', () => {
    const { stack, alarms, template } = build(paging);
    const ingest = alarms.create(
      stack,
      'IngestDlq',
      'queueDlqNotEmpty',
      'Ingest',
      spec('Ingest-dlq-not-empty'),
    );
    const imports = alarms.create(
      stack,
      'ImportsDlq',
      'queueDlqNotEmpty',
      'Imports',
      spec('Imports-dlq-not-empty'),
    );
    const api = alarms.create(stack, 'Api5xx', 'api5xx', undefined, spec('api-5xx'));
    const composite = alarms.compose();
    const t = template();
    const ref = (topic: 'critical' | 'warning') => ({ Ref: logicalIdOf(stack, alarms.topics[topic].topic) });

    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'WedSync-Service-us-east-1-Imports-dlq-not-empty',
      AlarmDescription:
        'Imports-dlq-not-empty happened. Severity: warning. Runbook: runbooks/imports-dlq-not-empty.md',
      AlarmActions: [ref('warning')],
      OKActions: [ref('warning')],
    });
    for (const name of ['Ingest-dlq-not-empty', 'api-5xx']) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `WedSync-Service-us-east-1-${name}`,
        AlarmActions: Match.absent(),
        OKActions: Match.absent(),
      });
    }
    const rule = JSON.stringify(
      (
        t.findResources('AWS::CloudWatch::CompositeAlarm') as Record<
          string,
          { Properties: { AlarmRule: unknown } }
        >
      )[logicalIdOf(stack, composite)]!.Properties.AlarmRule,
    );
    expect(rule).toContain(logicalIdOf(stack, ingest));
    expect(rule).toContain(logicalIdOf(stack, api));
    expect(rule).not.toContain(logicalIdOf(stack, imports));
    t.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: 'WedSync-Service-us-east-1-service-degraded',
      AlarmActions: [ref('critical')],
      OKActions: [ref('critical')],
      AlarmDescription: Match.stringLikeRegexp(
        'Severity: critical\\. Runbook: runbooks/service-degraded\\.md$',
      ),
    });
  });

  it('watches each topic from the other: a broken PagerDuty path warns, a broken warning path pages by itself', () => {
    const { stack, alarms, template } = build(paging);
    alarms.create(stack, 'Api5xx', 'api5xx', undefined, spec('api-5xx'));
    alarms.compose();
    const t = template();
    const ref = (topic: 'critical' | 'warning') => ({ Ref: logicalIdOf(stack, alarms.topics[topic].topic) });
    for (const [watched, reportedOn] of [
      ['critical', 'warning'],
      ['warning', 'critical'],
    ] as const) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `WedSync-Service-us-east-1-paging-${watched}-undelivered`,
        AlarmActions: [ref(reportedOn)],
        Metrics: Match.arrayWith([
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({
                MetricName: 'NumberOfNotificationsFailed',
                Dimensions: [
                  {
                    Name: 'TopicName',
                    Value: { 'Fn::GetAtt': [logicalIdOf(stack, alarms.topics[watched].topic), 'TopicName'] },
                  },
                ],
              }),
            }),
          }),
        ]),
      });
    }
    // Failed notifications, or published ones of which none was delivered (an unconfirmed or
    // removed subscription): both terms of the expression, on the watched topic's metrics.
    for (const watched of ['critical', 'warning'] as const) {
      const alarm = Object.values(t.findResources('AWS::CloudWatch::Alarm')).find(
        (r) =>
          (r as { Properties: { AlarmName: string } }).Properties.AlarmName ===
          `WedSync-Service-us-east-1-paging-${watched}-undelivered`,
      ) as { Properties: { Metrics: Record<string, unknown>[] } };
      const queries = alarm.Properties.Metrics;
      expect(queries.filter((q) => q.Expression !== undefined)).toEqual([
        expect.objectContaining({
          Expression: 'FILL(failed, 0) + IF(FILL(published, 0) > 0 AND FILL(delivered, 0) == 0, 1, 0)',
          ReturnData: true,
        }),
      ]);
      const topicName = { 'Fn::GetAtt': [logicalIdOf(stack, alarms.topics[watched].topic), 'TopicName'] };
      for (const [id, metricName] of [
        ['failed', 'NumberOfNotificationsFailed'],
        ['published', 'NumberOfMessagesPublished'],
        ['delivered', 'NumberOfNotificationsDelivered'],
      ] as const) {
        expect(queries.find((q) => q.Id === id)).toMatchObject({
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SNS',
              MetricName: metricName,
              Dimensions: [{ Name: 'TopicName', Value: topicName }],
            },
            Stat: 'Sum',
          },
          ReturnData: false,
        });
      }
    }
    const standalone = alarms.made.find((m) => m.name === 'paging-warning-undelivered');
    expect(standalone).toMatchObject({ severity: 'critical', inComposite: false });
  });

  it('refuses an alarm made after the composite, and a composite without critical alarms', () => {
    const { stack, alarms } = build(paging);
    expect(() => alarms.compose()).toThrow('No critical alarm to compose');
    alarms.create(stack, 'Api5xx', 'api5xx', undefined, spec('api-5xx'));
    alarms.compose();
    expect(() => alarms.create(stack, 'Late', 'api5xx', undefined, spec('late'))).toThrow(
      'created after the composite alarm',
    );
  });
});

describe('the alarm table', () => {
  it('gives every queue and function a deliberate severity (and no unknown subject)', () => {
    for (const q of QUEUES) {
      expect(['critical', 'warning']).toContain(classify('queueDlqNotEmpty', q.id).severity);
      expect(['critical', 'warning']).toContain(classify('queueMessageAge', q.id).severity);
    }
    for (const f of FUNCTIONS) {
      expect(['critical', 'warning']).toContain(classify('functionErrors', f.id).severity);
      expect(['critical', 'warning']).toContain(classify('functionThrottles', f.id).severity);
    }
    expect(() => classify('queueDlqNotEmpty')).toThrow('needs a subject');
    expect(() => classify('functionErrors', 'Nope' as never)).toThrow('has no entry for Nope');
  });

  it('makes the review path critical and quality or third-party trouble a warning', () => {
    expect(classify('queueDlqNotEmpty', 'Ingest').severity).toBe('critical');
    expect(classify('queueMessageAge', 'Events').severity).toBe('critical');
    expect(classify('api5xx').severity).toBe('critical');
    expect(classify('dynamoSystemErrors').severity).toBe('critical');
    for (const kind of [
      'modelDrift',
      'platformBreakerOpen',
      'apiLatencyP99',
      'webhookFailureRatio',
    ] as AlarmKindId[]) {
      expect(classify(kind as 'modelDrift').severity).toBe('warning');
    }
    expect(Object.keys(ALARM_TABLE).length).toBeGreaterThan(20);
  });
});

describe('the runbook check can fail', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'wedsync-runbooks-'));
  mkdirSync(path.join(root, 'runbooks'));
  writeFileSync(
    path.join(root, 'runbooks', 'things.md'),
    [
      '# Things',
      '## Alarm: `WedSync-Service-<region>-<Queue>-things`',
      '**Severity:** warning: e-mail.',
      '## Alarm: `WedSync-Service-<region>-gone`',
      '**Severity:** critical.',
    ].join('\n'),
  );
  const alarm = (name: string, severity: string, page = 'things') => ({
    name,
    description: `x. Severity: ${severity}. Runbook: runbooks/${page}.md`,
  });

  it('accepts documented alarms, and reports each kind of gap', () => {
    expect(
      runbookProblems(
        [
          alarm('WedSync-Service-eu-west-1-Ingest-things', 'warning'),
          alarm('WedSync-Service-eu-west-1-gone', 'critical'),
        ],
        root,
      ),
    ).toEqual([]);
    expect(
      runbookProblems(
        [
          alarm('WedSync-Service-eu-west-1-Ingest-things', 'critical'),
          alarm('WedSync-Service-eu-west-1-other', 'warning'),
          alarm('WedSync-Service-eu-west-1-x', 'warning', 'missing'),
          { name: 'WedSync-Service-eu-west-1-y', description: 'no page' },
        ],
        root,
      ),
    ).toEqual([
      'WedSync-Service-eu-west-1-Ingest-things: the section in runbooks/things.md does not state its severity (critical)',
      'WedSync-Service-eu-west-1-other: runbooks/things.md has no "Alarm:" section for it',
      'WedSync-Service-eu-west-1-x: runbooks/missing.md does not exist',
      'WedSync-Service-eu-west-1-y: its description names no runbook page',
      'runbooks/things.md: "WedSync-Service-<region>-gone" is not an alarm that names this page',
    ]);
  });
});
