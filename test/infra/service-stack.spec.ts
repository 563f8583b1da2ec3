/**
 * The regional service stacks: queues and their alarms, functions and what they may touch, the
 * SQS event source, the two alarm topics, alarms -> runbooks, and the dashboard. Expectations come
 * from the catalog, for every region.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import {
  consumerOf,
  DATA_FUNCTIONS,
  SERVICE_FUNCTIONS,
  streamConsumersIn,
  streamFilterPattern,
  type ServiceFunctionId,
} from '#src/catalog/functions';
import { QUEUES, dlqEnvVar } from '#src/catalog/queues';
import { SECRETS } from '#src/catalog/secrets';
import { EMAIL_SENDERS } from '#src/catalog/email';
import { SETTINGS } from '#src/catalog/settings';
import { APPLICATION_KEYS } from '#src/catalog/keys';
import { BUCKETS } from '#src/catalog/buckets';
import { FUNCTION_TIMEOUT_ENV } from '#src/shared/env';
import { ALARM_TOPIC_ARN_ENV, REALTIME_MANAGEMENT_ENDPOINT_ENV } from '#src/catalog/function-env';
import { TABLES } from '#src/catalog/tables';
import { keyAliasName, tableName } from '#src/catalog/physical-names';
import { DYNAMODB_ACTIONS } from '../../lib/constructs/service-function';
import type { ServiceStack } from '../../lib/stacks/service-stack';
import {
  logicalIdOf,
  mappedToLive,
  ROOT,
  resourceOf,
  synthesize,
  type SynthesizedApp,
} from './support/synth';

let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthesize();
});

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];
const serviceIn = (region: string): { stack: ServiceStack; template: Template } => {
  const stack = synth.services.find((s) => s.region === region);
  const template = synth.serviceTemplates.get(region);
  if (!stack || !template) throw new Error(`no service stack in ${region}`);
  return { stack, template };
};
const logicalId = logicalIdOf;

it('creates one service stack per configured region, each with its explicit environment', () => {
  expect(synth.services.map((s) => s.region)).toEqual(REGIONS);
  for (const stack of synth.services) expect(stack.account).toBe(synth.config.account);
});

describe.each(REGIONS)('service stack in %s', (region) => {
  let stack: ServiceStack;
  let template: Template;
  beforeAll(() => ({ stack, template } = serviceIn(region)));

  describe('queues', () => {
    it('creates each catalog queue and one DLQ for it, and no other queue', () => {
      // Plus the real-time fan-out's on-failure queue (a stream mapping's destination, not a catalog queue).
      template.resourceCountIs('AWS::SQS::Queue', QUEUES.length * 2 + 1);
    });

    const queueKey = () =>
      `arn:aws:kms:${region}:${synth.config.account}:${keyAliasName(synth.config, 'Queues')}`;

    it.each(QUEUES.map((q) => [q.id, q] as const))(
      '%s: redrive to its DLQ, catalog timeouts and retention, SSE with the region’s Queues key',
      (id, def) => {
        const q = stack.queues[id];
        resourceOf(template, stack, q.queue).hasResourceProperties('AWS::SQS::Queue', {
          VisibilityTimeout: def.visibilityTimeoutSeconds,
          MessageRetentionPeriod: def.retentionDays * 86_400,
          // The region's Queues key by its alias (test/infra/encryption.spec.ts checks every queue).
          KmsMasterKeyId: queueKey(),
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack, q.deadLetterQueue), 'Arn'] },
            maxReceiveCount: def.maxReceiveCount,
          },
        });
        resourceOf(template, stack, q.deadLetterQueue).hasResourceProperties('AWS::SQS::Queue', {
          // The region's Queues key by its alias (test/infra/encryption.spec.ts checks every queue).
          KmsMasterKeyId: queueKey(),
          MessageRetentionPeriod: 14 * 86_400,
          RedrivePolicy: Match.absent(),
        });
      },
    );

    it('denies non-TLS access to every queue and DLQ', () => {
      template.resourceCountIs('AWS::SQS::QueuePolicy', QUEUES.length * 2 + 1);
      template.allResourcesProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it.each(QUEUES.map((q) => [q.id] as const))('%s: its DLQ alarms as soon as it holds a message', (id) => {
      const q = stack.queues[id];
      resourceOf(template, stack, q.dlqAlarm).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalId(stack, q.deadLetterQueue), 'QueueName'] },
          },
        ],
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
    });

    it('has an age alarm exactly for the queues with oldestMessageAlarmSeconds (the ingest queue)', () => {
      const withAge = QUEUES.filter((q) => q.oldestMessageAlarmSeconds !== undefined);
      expect(withAge.map((q) => q.id)).toContain('Ingest');
      template.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        { MetricName: 'ApproximateAgeOfOldestMessage' },
        withAge.length,
      );
      for (const def of withAge) {
        const q = stack.queues[def.id];
        expect(q.ageAlarm).toBeDefined();
        resourceOf(template, stack, q.ageAlarm!).hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [
            { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, q.queue), 'QueueName'] } },
          ],
          Threshold: def.oldestMessageAlarmSeconds,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      }
    });
  });

  describe('functions', () => {
    it('creates exactly the catalog functions', () => {
      // Plus the provider of the deploy-time lookup of this region's RealtimeLog stream (issue 11).
      template.resourceCountIs('AWS::Lambda::Function', SERVICE_FUNCTIONS.length + 1);
    });

    it.each(SERVICE_FUNCTIONS.map((f) => [f.id, f] as const))(
      '%s: arm64, nodejs22.x, catalog memory/timeout, own log group with retention, Powertools env',
      (id, def) => {
        const fn = stack.functions[id];
        resourceOf(template, stack, fn.function).hasResourceProperties('AWS::Lambda::Function', {
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          MemorySize: def.memoryMb,
          Timeout: def.timeoutSeconds,
          Handler: 'index.handler',
          LoggingConfig: { LogGroup: { Ref: logicalId(stack, fn.logGroup) } },
          TracingConfig: { Mode: synth.config.tracing ? 'Active' : 'PassThrough' },
          Environment: {
            Variables: Match.objectLike({
              POWERTOOLS_SERVICE_NAME: synth.config.serviceName,
              POWERTOOLS_METRICS_NAMESPACE: synth.config.metricsNamespace,
              POWERTOOLS_LOG_LEVEL: synth.config.powertoolsLogLevel,
              // No --enable-source-maps: it parsed the map at every cold start; the bundles map
              // their traces at the first one (src/shared/lazy-source-maps.ts).
              NODE_OPTIONS: Match.absent(),
              [FUNCTION_TIMEOUT_ENV]: String(def.timeoutSeconds),
            }),
          },
        });
        resourceOf(template, stack, fn.logGroup).hasResourceProperties('AWS::Logs::LogGroup', {
          RetentionInDays: synth.config.logRetentionDays,
        });
      },
    );

    it.each(SERVICE_FUNCTIONS.map((f) => [f.id, f] as const))(
      '%s: one environment variable per catalog table/queue/secret it may touch, and no other',
      (id, def) => {
        const variables = new Capture();
        resourceOf(template, stack, stack.functions[id].function).hasResourceProperties(
          'AWS::Lambda::Function',
          {
            Environment: { Variables: variables },
          },
        );
        const resourceVars = Object.keys(variables.asObject()).filter(
          (name) =>
            !name.startsWith('POWERTOOLS_') &&
            name !== 'NODE_OPTIONS' &&
            name !== FUNCTION_TIMEOUT_ENV &&
            !name.startsWith('AWS_'),
        );
        const expected = [
          ...TABLES.filter((t) => def.tables[t.id]).map((t) => t.envVar),
          ...QUEUES.filter((q) => def.queues[q.id] === 'send' || def.queues[q.id] === 'consume-and-send').map(
            (q) => q.envVar,
          ),
          ...QUEUES.filter((q) => def.queues[q.id] === 'consume-and-send').map((q) => dlqEnvVar(q)),
          ...SECRETS.filter((s) => def.secrets.includes(s.id)).map((s) => s.envVar),
          ...EMAIL_SENDERS.filter((e) => def.emailSenders?.includes(e.id)).flatMap((e) => [
            e.fromEnvVar,
            e.configurationSetEnvVar,
          ]),
          ...SETTINGS.filter((x) => def.settings?.includes(x.id)).map((x) => x.envVar),
          ...APPLICATION_KEYS.filter((k) => def.keys?.includes(k.id)).map((k) => k.envVar),
          ...BUCKETS.filter((b) => def.buckets?.[b.id]).map((b) => b.envVar),
          // The region's WebSocket management endpoint, for functions that post to connections.
          ...(def.manageConnections ? [REALTIME_MANAGEMENT_ENDPOINT_ENV] : []),
          // The region's two alarm topics, for the paging path's check (issue 10).
          ...(def.alarmTopics ? Object.values(ALARM_TOPIC_ARN_ENV) : []),
        ];
        expect(resourceVars.sort()).toEqual(expected.sort());
      },
    );

    it.each(SERVICE_FUNCTIONS.map((f) => [f.id, f] as const))(
      '%s: DynamoDB grants match the catalog access level, on this region’s replica',
      (id, def) => {
        const fn = stack.functions[id];
        const statements = new Capture();
        template.hasResourceProperties('AWS::IAM::Policy', {
          Roles: [{ Ref: logicalId(stack, fn.role) }],
          PolicyDocument: { Statement: statements },
        });
        const bySid = new Map(
          (statements.asArray() as { Sid?: string; Action: string | string[]; Resource: unknown }[])
            .filter((s) => s.Sid)
            .map((s) => [s.Sid, s]),
        );
        for (const table of TABLES) {
          const access = def.tables[table.id];
          const read = bySid.get(`${table.id}Read`);
          const readWrite = bySid.get(`${table.id}ReadWrite`);
          const append = bySid.get(`${table.id}Append`);
          if (access === undefined) {
            expect(read ?? readWrite ?? append).toBeUndefined();
            continue;
          }
          const statement = access === 'readwrite' ? readWrite : access === 'append' ? append : read;
          expect(statement).toBeDefined();
          const expectedActions = [
            ...DYNAMODB_ACTIONS.read,
            ...(access === 'readwrite' ? DYNAMODB_ACTIONS.write : []),
            ...(access === 'append' ? DYNAMODB_ACTIONS.append : []),
          ];
          expect([statement!.Action].flat().sort()).toEqual([...expectedActions].sort());
          const resource = JSON.stringify(statement!.Resource);
          // Every region binds to its replica by the derived name (issue 11).
          expect(resource).toContain(
            `:dynamodb:${region}:${synth.config.account}:table/${tableName(synth.config, table.id)}"`,
          );
          if (table.indexes.length > 0) {
            const indexQuery = JSON.stringify(bySid.get(`${table.id}IndexQuery`)?.Resource);
            for (const index of table.indexes) expect(indexQuery).toContain(`/index/${index.name}`);
          }
        }
      },
    );

    it('ReviewRequestMailer alone may send e-mail: ses:SendEmail on the identity and configuration set, from the configured address', () => {
      for (const def of SERVICE_FUNCTIONS) {
        const policies = JSON.stringify(
          template.findResources('AWS::IAM::Policy', {
            Properties: { Roles: [{ Ref: logicalId(stack, stack.functions[def.id].role) }] },
          }),
        );
        if (def.id !== 'ReviewRequestMailer') expect(policies).not.toContain('ses:');
      }
      const mailer = stack.functions.ReviewRequestMailer;
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: logicalId(stack, mailer.role) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'ReviewRequestsSendEmail',
              Action: 'ses:SendEmail',
              Effect: 'Allow',
              Condition: { StringEquals: { 'ses:FromAddress': synth.config.email.fromAddress } },
              Resource: [
                `arn:aws:ses:${region}:${synth.config.account}:identity/${synth.config.email.identity}`,
                {
                  'Fn::Join': [
                    '',
                    [
                      `arn:aws:ses:${region}:${synth.config.account}:configuration-set/`,
                      { Ref: logicalId(stack, stack.emailConfigurationSet) },
                    ],
                  ],
                },
              ],
            }),
          ]),
        },
      });
      resourceOf(template, stack, mailer.function).hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            EMAIL_FROM_REVIEW_REQUESTS: synth.config.email.fromAddress,
            EMAIL_CONFIGURATION_SET_REVIEW_REQUESTS: { Ref: logicalId(stack, stack.emailConfigurationSet) },
            REVIEW_LINK_BASE_URL: synth.config.reviewRequests.linkBaseUrl,
          }),
        },
      });
      resourceOf(template, stack, stack.functions.ApiReviews.function).hasResourceProperties(
        'AWS::Lambda::Function',
        {
          Environment: {
            Variables: Match.objectLike({
              REVIEW_REQUESTS_PER_DAY: String(synth.config.reviewRequests.perSupplierPerDay),
            }),
          },
        },
      );
      template.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: synth.config.email.identity,
        ConfigurationSetAttributes: {
          ConfigurationSetName: { Ref: logicalId(stack, stack.emailConfigurationSet) },
        },
      });
      template.hasResourceProperties('AWS::SES::ConfigurationSet', {
        SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      });
    });

    it('never grants Scan, wildcard actions, or a wildcard index', () => {
      const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
      expect(policies).not.toContain('dynamodb:Scan');
      expect(policies).not.toContain('dynamodb:*');
      expect(policies).not.toContain('/index/*');
    });

    it('points each secret variable at this region’s replica of the secret', () => {
      for (const def of SERVICE_FUNCTIONS) {
        for (const secretId of def.secrets) {
          const secret = SECRETS.find((s) => s.id === secretId)!;
          const variables = new Capture();
          resourceOf(template, stack, stack.functions[def.id].function).hasResourceProperties(
            'AWS::Lambda::Function',
            { Environment: { Variables: variables } },
          );
          const value = JSON.stringify(variables.asObject()[secret.envVar]);
          // Derived from the stage and the catalog (no lookup into the primary region, issue 11).
          expect(value).toBe(
            JSON.stringify(
              `arn:aws:secretsmanager:${region}:${synth.config.account}:secret:WedSync-dev/${secret.id}`,
            ),
          );
        }
      }
    });

    it.each(SERVICE_FUNCTIONS.filter((f) => f.id !== 'Authorizer').map((f) => [f.id] as const))(
      '%s: an error alarm on the Lambda Errors metric',
      (id) => {
        const fn = stack.functions[id];
        resourceOf(template, stack, fn.errorAlarm).hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, fn.function) } }],
          Threshold: synth.config.alarms.functionErrorsPer5Minutes,
        });
      },
    );

    it('Authorizer: its error alarm ignores the deliberate "Unauthorized" failures (401s)', () => {
      const fn = stack.functions.Authorizer;
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: logicalId(stack, fn.logGroup) },
        FilterPattern: '"Invoke Error" "Unauthorized"',
        MetricTransformations: [
          Match.objectLike({
            MetricName: 'AuthorizerExpectedErrors',
            MetricNamespace: synth.config.metricsNamespace,
          }),
        ],
      });
      resourceOf(template, stack, fn.errorAlarm).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: synth.config.alarms.functionErrorsPer5Minutes,
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'FILL(errors, 0) - FILL(expected, 0)', ReturnData: true }),
          Match.objectLike({
            Id: 'errors',
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({
                MetricName: 'Errors',
                Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack, fn.function) } }],
              }),
            }),
          }),
          Match.objectLike({
            Id: 'expected',
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({ MetricName: 'AuthorizerExpectedErrors' }),
            }),
          }),
        ]),
      });
    });
  });

  describe('SQS event sources', () => {
    const consumed = QUEUES.filter((q) => q.consumer);

    it('has one event source mapping per queue with a consumer, and one per table stream consumed here', () => {
      const streamConsumers = streamConsumersIn(
        region === synth.config.primaryRegion,
        synth.config.replicaRegions.length > 0,
      );
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', consumed.length + streamConsumers.length);
      for (const fn of streamConsumers) {
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          FunctionName: mappedToLive(stack, stack.functions[fn.id as ServiceFunctionId]),
          EventSourceArn: Match.anyValue(),
          StartingPosition: 'LATEST',
          BisectBatchOnFunctionError: true,
          FilterCriteria: { Filters: [{ Pattern: JSON.stringify(streamFilterPattern(fn)) }] },
        });
      }
    });

    it('records real-time events from the event log in the primary region only (one writer per channel)', () => {
      // Its own table (EventLog): every insert is an event, so the filter is inserts only.
      const recorder = Match.objectLike({
        FunctionName: mappedToLive(stack, stack.functions.RealtimeRecorder),
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      });
      const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).filter(
        (r) => recorder.test((r as { Properties: unknown }).Properties).isSuccess,
      );
      expect(mappings).toHaveLength(region === synth.config.primaryRegion ? 1 : 0);
    });

    it.each(consumed.map((q) => [q.id, q] as const))(
      '%s: batches, window, max concurrency from the catalog, partial batch responses',
      (id, def) => {
        const consumer = def.consumer!;
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.queues[id].queue), 'Arn'] },
          FunctionName: mappedToLive(stack, stack.functions[consumerOf(id)!.id as ServiceFunctionId]),
          BatchSize: consumer.batchSize,
          MaximumBatchingWindowInSeconds: consumer.maxBatchingWindowSeconds,
          ScalingConfig: { MaximumConcurrency: consumer.maxConcurrency },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        });
      },
    );
  });

  describe.each(['critical', 'warning'] as const)('%s alarm topic', (topicId) => {
    it('is encrypted with a rotating customer-managed key that CloudWatch may use', () => {
      const topic = stack.alarms.topics[topicId];
      resourceOf(template, stack, topic.topic).hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack, topic.key), 'Arn'] },
      });
      resourceOf(template, stack, topic.key).hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
    });

    it('requires TLS and lets this account’s alarms publish', () => {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: logicalId(stack, stack.alarms.topics[topicId].topic) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
            }),
          ]),
        },
      });
    });
  });

  describe('alarms and runbooks', () => {
    it('names an existing runbook page in every alarm description', () => {
      const alarms = template.findResources('AWS::CloudWatch::Alarm');
      expect(Object.keys(alarms).length).toBeGreaterThan(0);
      for (const alarm of Object.values(alarms) as { Properties: { AlarmDescription: string } }[]) {
        const page = /Runbook: (runbooks\/[a-z0-9-]+\.md)/.exec(alarm.Properties.AlarmDescription)?.[1];
        expect(page).toBeDefined();
        expect(existsSync(path.join(ROOT, page!))).toBe(true);
      }
    });

    it('explains every function of the catalog in the function-errors runbook', () => {
      const page = readFileSync(path.join(ROOT, 'runbooks', 'function-errors.md'), 'utf8');
      const rows = new Set([...page.matchAll(/^\| (\w+)\s+\|/gm)].map((m) => m[1]));
      for (const fn of [...SERVICE_FUNCTIONS, ...DATA_FUNCTIONS]) expect(rows).toContain(fn.id);
    });
  });

  describe('dashboard', () => {
    it('shows API, queue, DLQ and function metrics', () => {
      // The primary region also holds the global dashboard (test/infra/alarms.spec.ts).
      const body = JSON.stringify(
        resourceOf(template, stack, stack.dashboard.dashboard).toJSON() as Record<string, unknown>,
      );
      for (const metric of [
        '5XXError',
        '4XXError',
        'Latency',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateAgeOfOldestMessage',
        'Errors',
        'Duration',
      ]) {
        expect(body).toContain(metric);
      }
      for (const q of Object.values(stack.queues)) {
        expect(body).toContain(logicalId(stack, q.deadLetterQueue));
      }
    });
  });
});
