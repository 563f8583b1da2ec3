/**
 * Issue 10 over the synthesized app (one synth for the whole file): every alarm is made from the
 * alarm table and routed by its severity, one `service-degraded` composite per region holds the
 * critical ones, the alarms the issue lists exist with their metrics, every alarm has a runbook
 * section (and every section an alarm), and the regional and global dashboards show what ops need.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { DATA_FUNCTIONS, SERVICE_FUNCTIONS } from '#src/catalog/functions';
import { dataFunctionName } from '#src/catalog/physical-names';
import { KPI_METRICS, SERVICE_METRICS } from '#src/catalog/metrics';
import { QUEUES } from '#src/catalog/queues';
import { DRIFT_METRICS } from '#src/models/adapters/drift-metrics';
import { PLATFORM_METRICS } from '#src/platforms';
import { DASHBOARD_ROWS } from '../../lib/constructs/service-dashboard';
import { GLOBAL_ROWS } from '../../lib/constructs/global-dashboard';
import type { ServiceStack } from '../../lib/stacks/service-stack';
import { logicalIdOf, ROOT, resourceOf, synthesize, type SynthesizedApp } from './support/synth';
import { alarmsOf, runbookProblems } from './support/runbooks';
import { BREAKER_STATE_METRICS } from '../../functions/webhook-delivery/metric-names';
import { SEND_OUTCOME_METRICS } from '../../functions/review-request-mailer/metric-names';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
type Resource = { Properties: Record<string, unknown> };

describe.each(REGIONS)('alarms in %s', (region) => {
  let stack: ServiceStack;
  let template: Template;
  let prefix: string;
  beforeAll(() => {
    stack = synth.services.find((s) => s.region === region)!;
    template = synth.serviceTemplates.get(region)!;
    prefix = `${stack.stackName}-`;
  });
  const byName = (name: string): Resource => {
    const found = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
      (r) => (r as Resource).Properties.AlarmName === `${prefix}${name}`,
    );
    if (!found) throw new Error(`no alarm ${prefix}${name}`);
    return found as Resource;
  };
  const topicRef = (topic: 'critical' | 'warning') => ({
    Ref: logicalIdOf(stack, stack.alarms.topics[topic].topic),
  });

  it('makes every alarm of the template through the alarm table (none bypasses it)', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (r) => (r as Resource).Properties.AlarmName,
    );
    expect(names.sort()).toEqual(stack.alarms.made.map((m) => `${prefix}${m.name}`).sort());
  });

  it('routes each alarm by its severity: warnings to the warning topic, critical ones through the composite', () => {
    for (const made of stack.alarms.made) {
      const props = resourceOf(template, stack, made.alarm).toJSON() as {
        Resources: Record<string, Resource>;
      };
      const { AlarmActions, OKActions, AlarmDescription } = Object.values(props.Resources)[0]!.Properties;
      expect(AlarmDescription).toContain(`Severity: ${made.severity}. Runbook: runbooks/${made.runbook}.md`);
      const expected = made.inComposite ? undefined : [topicRef(made.severity)];
      expect({ name: made.name, AlarmActions, OKActions }).toEqual({
        name: made.name,
        AlarmActions: expected,
        OKActions: expected,
      });
    }
    // Spot checks that the table's decisions reached the template.
    const sev = (name: string) => stack.alarms.made.find((m) => m.name === name)?.severity;
    expect(sev('Ingest-dlq-not-empty')).toBe('critical');
    expect(sev('Imports-dlq-not-empty')).toBe('warning');
    expect(sev('Api-errors')).toBe('critical');
    expect(sev('SyncWorker-errors')).toBe('warning');
    const quality = stack.alarms.made.filter(
      (m) => m.kind.startsWith('model') || m.kind.startsWith('platform'),
    );
    expect(quality.length).toBeGreaterThan(0);
    expect(new Set(quality.map((m) => m.severity))).toEqual(new Set(['warning']));
  });

  it('has one service-degraded composite that holds exactly the critical alarms and pages', () => {
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 1);
    const composite = stack.alarms.serviceDegraded;
    resourceOf(template, stack, composite).hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmName: `${prefix}service-degraded`,
      AlarmActions: [topicRef('critical')],
      OKActions: [topicRef('critical')],
    });
    const rule = JSON.stringify(
      (resourceOf(template, stack, composite).toJSON() as { Resources: Record<string, Resource> }).Resources[
        logicalIdOf(stack, composite)
      ]!.Properties.AlarmRule,
    );
    const children = stack.alarms.made.filter((m) => m.inComposite);
    expect(children.length).toBeGreaterThan(10);
    for (const made of stack.alarms.made) {
      const inRule = rule.includes(`"${logicalIdOf(stack, made.alarm)}"`);
      expect({ name: made.name, inRule }).toEqual({ name: made.name, inRule: made.inComposite });
    }
  });

  it('subscribes the committed dev stage’s e-mail to both topics (no PagerDuty in dev)', () => {
    for (const topic of ['critical', 'warning'] as const) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: synth.config.paging.warningEmails[0],
        TopicArn: topicRef(topic),
      });
    }
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'https' }, 0);
  });

  it('has the alarms issue 10 asked for, on the right metrics', () => {
    const json = (name: string) => JSON.stringify(byName(name).Properties);
    const events = stack.queues.Events;
    resourceOf(template, stack, events.ageAlarm!).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(stack, events.queue), 'QueueName'] } },
      ],
      Threshold: 300,
    });
    expect(json('rejected-messages')).toContain(SERVICE_METRICS.rejectedMessages);
    for (const fn of SERVICE_FUNCTIONS) {
      resourceOf(template, stack, stack.functions[fn.id].throttleAlarm).hasResourceProperties(
        'AWS::CloudWatch::Alarm',
        {
          Namespace: 'AWS/Lambda',
          MetricName: 'Throttles',
          Dimensions: [
            { Name: 'FunctionName', Value: { Ref: logicalIdOf(stack, stack.functions[fn.id].function) } },
          ],
        },
      );
    }
    expect(byName('lambda-concurrency-near-limit').Properties).toMatchObject({
      MetricName: 'ConcurrentExecutions',
      Threshold:
        (synth.config.alarms.lambdaConcurrencyLimit * synth.config.alarms.lambdaConcurrencyPercent) / 100,
    });
    expect(json('dynamodb-system-errors')).toContain(
      'SELECT SUM(SystemErrors) FROM SCHEMA(\\"AWS/DynamoDB\\"',
    );
    expect(json('dynamodb-throttles')).toContain('SUM(ThrottledRequests)');
    expect(json('dynamodb-read-throttle-events')).toContain(
      'SELECT SUM(ReadThrottleEvents) FROM SCHEMA(\\"AWS/DynamoDB\\", TableName)',
    );
    expect(json('dynamodb-write-throttle-events')).toContain(
      'SELECT SUM(WriteThrottleEvents) FROM SCHEMA(\\"AWS/DynamoDB\\", TableName)',
    );
    expect(json('dynamodb-replication-latency')).toContain('MAX(ReplicationLatency)');
    expect(byName('api-latency-p99').Properties).toMatchObject({
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 200,
    });
    expect(json('api-4xx-surge')).toContain('4XXError');
    // The 429 count comes from the access log in the API stack (issue 11), under the metric the alarm reads.
    const api = synth.apis.find((a) => a.region === region)!;
    synth.apiTemplates.get(region)!.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalIdOf(api, api.api.accessLogGroup) },
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'ApiThrottledResponses' })],
    });
    expect(json('api-429-surge')).toContain('ApiThrottledResponses');
    expect(byName('waf-blocked-requests').Properties).toMatchObject({
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
    });
    expect(json('waf-blocked-requests')).toContain(`"Value":"${stack.apiMetrics.names.webAclName}"`);
    expect(json('webhook-failure-ratio')).toContain(SERVICE_METRICS.webhookFailed);
    expect(json('webhook-endpoints-disabled')).toContain(SERVICE_METRICS.webhookEndpointsDisabled);
    for (const topic of ['critical', 'warning'] as const) {
      expect(json(`paging-${topic}-undelivered`)).toContain('NumberOfNotificationsFailed');
    }
  });

  it('shows every concern on the regional dashboard, each queue and function included', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', region === synth.config.primaryRegion ? 2 : 1);
    const body = JSON.stringify(
      resourceOf(template, stack, stack.dashboard.dashboard).toJSON() as Record<string, unknown>,
    );
    for (const row of DASHBOARD_ROWS) expect(body).toContain(`## ${row}`);
    for (const metric of [
      '5XXError',
      '4XXError',
      'ApiThrottledResponses',
      'p50',
      'p99',
      'BlockedRequests',
      'Throttles',
      'ConcurrentExecutions',
      'ApproximateAgeOfOldestMessage',
      'SuccessfulRequestLatency',
      'ReplicationLatency',
      SERVICE_METRICS.webhookSucceeded,
      // What the delivery handler emits per breaker transition, not a copy of the name.
      BREAKER_STATE_METRICS.open,
      BREAKER_STATE_METRICS['half-open'],
      BREAKER_STATE_METRICS.closed,
      DRIFT_METRICS.psi,
      DRIFT_METRICS.agreement,
      SERVICE_METRICS.inferencePending,
      PLATFORM_METRICS.breakerOpen,
    ]) {
      expect(body).toContain(metric);
    }
    for (const q of QUEUES) {
      expect(body).toContain(logicalIdOf(stack, stack.queues[q.id].deadLetterQueue));
      expect(body).toContain(logicalIdOf(stack, stack.queues[q.id].queue));
    }
    for (const f of SERVICE_FUNCTIONS)
      expect(body).toContain(logicalIdOf(stack, stack.functions[f.id].function));
    // The data stack's functions (primary region only), by their derived names.
    for (const f of DATA_FUNCTIONS) {
      const shown = body.includes(dataFunctionName(synth.config, f.id));
      expect({ region, shown }).toEqual({ region, shown: region === synth.config.primaryRegion });
    }
    // The alarm widget lists the composite and every alarm.
    expect(body).toContain(logicalIdOf(stack, stack.alarms.serviceDegraded));
    for (const made of stack.alarms.made) expect(body).toContain(logicalIdOf(stack, made.alarm));
  });
});

describe('the global dashboard', () => {
  it('lives in the primary region only, with every region side by side and the business KPIs', () => {
    const primary = synth.services.find((s) => s.region === synth.config.primaryRegion)!;
    expect(synth.services.filter((s) => s.globalDashboard).map((s) => s.region)).toEqual([
      synth.config.primaryRegion,
    ]);
    const template = synth.serviceTemplates.get(primary.region)!;
    resourceOf(template, primary, primary.globalDashboard!.dashboard).hasResourceProperties(
      'AWS::CloudWatch::Dashboard',
      { DashboardName: 'WedSync-global' },
    );
    const body = JSON.stringify(
      resourceOf(template, primary, primary.globalDashboard!.dashboard).toJSON() as Record<string, unknown>,
    );
    for (const region of REGIONS) {
      expect(body).toContain(`WedSync-Service-${region}-api`);
      for (const row of [...GLOBAL_ROWS.regional, ...GLOBAL_ROWS.realtime, ...GLOBAL_ROWS.kpis])
        expect(body).toContain(`${row}: ${region}`);
    }
    for (const metric of [
      // What the mailer emits for a sent e-mail, not a copy of the name.
      SEND_OUTCOME_METRICS.sent,
      KPI_METRICS.requestsCompleted,
      KPI_METRICS.reviewsByPlatform,
      KPI_METRICS.ratingSum,
      KPI_METRICS.rated,
      KPI_METRICS.negative,
      SERVICE_METRICS.reviewsStored,
      SERVICE_METRICS.webhookSucceeded,
      PLATFORM_METRICS.errorRate5m,
      PLATFORM_METRICS.breakerOpen,
      // Real time per region (test/infra/global-dashboard.test.ts checks each row's figures).
      SERVICE_METRICS.realtimeConnections,
      SERVICE_METRICS.realtimeDisconnects,
      SERVICE_METRICS.realtimeConnectRejected,
      SERVICE_METRICS.realtimeFanoutLagMs,
      SERVICE_METRICS.realtimeFanoutFailures,
      SERVICE_METRICS.realtimePostFailures,
      SERVICE_METRICS.realtimeMessagesSent,
    ]) {
      expect(body).toContain(metric);
    }
  });
});

describe('runbooks', () => {
  it('give every alarm of every region a section stating its severity, and name no alarm that does not exist', () => {
    const alarms = alarmsOf(synth.serviceTemplates.values());
    expect(alarms.length).toBeGreaterThan(3 * 50);
    expect(runbookProblems(alarms, ROOT)).toEqual([]);
  });
});
