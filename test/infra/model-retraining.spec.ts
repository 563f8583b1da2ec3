/**
 * Model retraining in AWS (ADR 0026): the weekly ModelRetrain and 15-minute ModelRollout rules in
 * the primary region only, the versioned ModelStore bucket (kept when the stack goes, old versions
 * expiring), S3 grants that follow the catalog (read for the workers and the Api, read and write
 * for the two jobs, none elsewhere), and the alarms of the canary variant and the bias slices,
 * from the thresholds the rollout job and the ops endpoint use.
 */
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { bucketDefinition } from '#src/catalog/buckets';
import { FUNCTIONS, SERVICE_FUNCTIONS } from '#src/catalog/functions';
import { BIAS_ALARM } from '#src/models/inference/bias-slices';
import { MODEL_ALARMS } from '#src/models/inference/model-alarms';
import { MODEL_ROLLOUT_PERIOD_MINUTES } from '#src/models/retraining/rollout-policy';
import type { ServiceStack } from '../../lib/stacks/service-stack';
import { liveAliasOf, logicalIdOf, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];

describe.each(REGIONS)('model retraining in %s', (region) => {
  let stack: ServiceStack;
  let template: Template;
  beforeAll(() => {
    stack = synth.services.find((s) => s.region === region)!;
    template = synth.serviceTemplates.get(region)!;
  });

  it('schedules retraining weekly and the rollout check every 15 minutes, in the primary region only', () => {
    const primary = region === synth.config.primaryRegion;
    const targets = (fn: keyof ServiceStack['functions']) =>
      Object.values(template.findResources('AWS::Events::Rule')).filter((rule) =>
        JSON.stringify(rule).includes(liveAliasOf(stack, stack.functions[fn])),
      ) as { Properties: { ScheduleExpression: string; State: string } }[];
    const retrain = targets('ModelRetrain');
    const rollout = targets('ModelRollout');
    expect(retrain).toHaveLength(primary ? 1 : 0);
    expect(rollout).toHaveLength(primary ? 1 : 0);
    if (!primary) return;
    expect(retrain[0]!.Properties.ScheduleExpression).toBe('cron(0 3 ? * MON *)');
    expect(rollout[0]!.Properties.ScheduleExpression).toBe(`rate(${MODEL_ROLLOUT_PERIOD_MINUTES} minutes)`);
  });

  it('keeps the model store versioned, private and encrypted, retained with the stack, old versions expiring', () => {
    const store = stack.buckets.ModelStore;
    const def = bucketDefinition('ModelStore');
    resourceOf(template, stack, store.bucket).hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: Match.objectLike({
          BlockPublicAcls: true,
          RestrictPublicBuckets: true,
        }),
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              NoncurrentVersionExpiration: { NoncurrentDays: def.versioning!.noncurrentExpiryDays },
              ExpirationInDays: Match.absent(),
            }),
          ],
        },
      }),
    });
  });

  it.each(SERVICE_FUNCTIONS.map((f) => [f.id, f] as const))(
    '%s: model-store grants and the bucket variable follow the catalog',
    (id, def) => {
      const fn = stack.functions[id];
      const roleRef = logicalIdOf(stack, fn.role);
      const statements = [
        ...Object.values(template.findResources('AWS::IAM::Policy')),
        ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')),
      ]
        .filter((p) =>
          ((p as { Properties: { Roles?: { Ref: string }[] } }).Properties.Roles ?? []).some(
            (r) => r.Ref === roleRef,
          ),
        )
        .flatMap(
          (p) =>
            (p as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument
              .Statement,
        ) as { Sid?: string; Action: string | string[] }[];
      const actions = statements
        .filter((s) => s.Sid?.startsWith('ModelStore'))
        .flatMap((s) => [s.Action].flat())
        .sort();
      const env = new Capture();
      resourceOf(template, stack, fn.function).hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: env },
      });
      const variable = env.asObject()[bucketDefinition('ModelStore').envVar];
      const access = def.buckets?.ModelStore;
      if (access === undefined) {
        expect(actions).toEqual([]);
        expect(variable).toBeUndefined();
        return;
      }
      expect(variable).toEqual({ Ref: logicalIdOf(stack, stack.buckets.ModelStore.bucket) });
      expect(actions).toEqual(
        access === 'read'
          ? ['s3:GetObject', 's3:ListBucket']
          : ['s3:GetObject', 's3:ListBucket', 's3:PutObject'],
      );
    },
  );

  it('lets only the two jobs write the model store; the serving functions read it', () => {
    const writers = FUNCTIONS.filter((f) => f.buckets?.ModelStore === 'readwrite').map((f) => f.id);
    const readers = FUNCTIONS.filter((f) => f.buckets?.ModelStore === 'read').map((f) => f.id);
    expect(writers.sort()).toEqual(['ModelRetrain', 'ModelRollout']);
    expect(readers.sort()).toEqual(['ApiModels', 'InferenceWorker', 'IngestWorker']);
    // The rollout job appends to the audit trail, never rewrites it; retraining only reads reviews.
    expect(FUNCTIONS.find((f) => f.id === 'ModelRollout')?.tables).toEqual({
      ModelStats: 'read',
      Audit: 'append',
    });
    expect(FUNCTIONS.find((f) => f.id === 'ModelRetrain')?.tables).toEqual({ Reviews: 'read' });
  });

  it('alarms on the canary variant with the rollout thresholds, and on a bias slice falling behind', () => {
    const alarm = (name: string) =>
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
        (a) =>
          (a as { Properties: { AlarmName: string } }).Properties.AlarmName === `${stack.stackName}-${name}`,
      ) as { Properties: Record<string, unknown> } | undefined;
    expect(alarm('model-drift-sentiment-canary')?.Properties).toMatchObject({
      MetricName: 'ModelDriftPsi',
      Threshold: MODEL_ALARMS.psiAbove,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const agreement = alarm('sentiment-agreement-canary')?.Properties;
    expect(agreement).toMatchObject({
      MetricName: 'SentimentRatingAgreement',
      ComparisonOperator: 'LessThanThreshold',
    });
    // Held to the control's reference: the same threshold as the control's alarm.
    expect(agreement?.Threshold).toBe(alarm('sentiment-agreement-control')?.Properties.Threshold);
    expect(alarm('model-bias-slice-sentiment')?.Properties).toMatchObject({
      MetricName: 'SliceAgreementGap',
      Threshold: BIAS_ALARM.gapPoints,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: expect.arrayContaining([{ Name: 'variant', Value: 'control' }]),
    });
  });
});
