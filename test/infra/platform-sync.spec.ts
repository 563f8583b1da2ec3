/**
 * The platform sync's infrastructure (issue 8): the Sync queue with its DLQ and alarms, the
 * SyncWorker's event source with partial batch responses, the 5-minute EventBridge rule invoking
 * the SyncScheduler, the RateLimits / PlatformBreakers / PlatformSync tables with TTL, the grants,
 * all under cdk-nag (one synth, the AwsSolutions pack registered as bin/app.ts does).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { tableDefinition } from '#src/catalog/tables';
import { resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
let service: Template;

beforeAll(() => {
  synth = synthesize({ nag: true, bundle: true });
  service = synth.serviceTemplates.values().next().value!;
});

it('synthesizes cdk-nag clean with the sync resources in every stack', () => {
  const report = JSON.parse(
    readFileSync(path.join(synth.assembly.directory, 'validation-report.json'), 'utf8'),
  ) as { pluginReports: { violations: unknown[] }[] };
  expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  for (const stack of synth.stacks) {
    expect(new AwsSolutionsChecks().validateScope(stack).success).toBe(true);
  }
});

it('creates the Sync queue with a DLQ after 5 receives, and both alarms naming their runbooks', () => {
  service.hasResourceProperties('AWS::SQS::Queue', {
    VisibilityTimeout: 360,
    RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
  });
  const alarms = Object.values(service.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => (a as { Properties: { AlarmDescription?: string } }).Properties.AlarmDescription ?? '',
  );
  expect(alarms.some((d) => d.includes('runbooks/sync-dlq-not-empty.md'))).toBe(true);
  expect(alarms.some((d) => d.includes('runbooks/sync-queue-message-age.md'))).toBe(true);
});

it('drains the Sync queue with the SyncWorker, reporting batch item failures', () => {
  service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    BatchSize: 5,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: 5 },
  });
});

it('invokes the SyncScheduler every 5 minutes from an EventBridge rule', () => {
  service.hasResourceProperties('AWS::Events::Rule', {
    ScheduleExpression: 'rate(5 minutes)',
    State: 'ENABLED',
    Targets: [
      Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
      }),
    ],
  });
  service.hasResourceProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction',
    Principal: 'events.amazonaws.com',
  });
});

it.each(['RateLimits', 'PlatformBreakers', 'PlatformSync'] as const)(
  'creates the %s global table (TTL where its records expire)',
  (id) => {
    const def = tableDefinition(id);
    const template = resourceOf(synth.dataTemplate, synth.data, synth.data.tables[id]);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: Match.arrayWith([{ AttributeName: def.partitionKey, KeyType: 'HASH' }]),
      ...(def.ttlAttribute
        ? { TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true } }
        : {}),
    });
  },
);
