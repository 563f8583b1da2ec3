/**
 * The imports infrastructure in every region: the Imports bucket (encrypted, public access
 * blocked, TLS only, expiring objects, access logs), the Imports queue consumed by the
 * ImportWorker, and S3 grants that follow the catalog's access levels, each with the environment
 * variable that names the bucket (and no grant where the catalog gives none).
 */
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { BUCKETS, bucketDefinition } from '#src/catalog/buckets';
import { FUNCTIONS, SERVICE_FUNCTIONS, consumerOf } from '#src/catalog/functions';
import { queueDefinition } from '#src/catalog/queues';
import type { ServiceStack } from '../../lib/stacks/service-stack';
import { logicalIdOf, mappedToLive, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-1'];

describe.each(REGIONS)('imports in %s', (region) => {
  let stack: ServiceStack;
  let template: Template;
  beforeAll(() => {
    stack = synth.services.find((s) => s.region === region)!;
    template = synth.serviceTemplates.get(region)!;
  });

  it('creates each catalog bucket encrypted, private, expiring, with access logs, and its log bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', BUCKETS.length * 2);
    const imports = stack.buckets.Imports;
    resourceOf(template, stack, imports.bucket).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            ExpirationInDays: bucketDefinition('Imports').expiryDays,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          }),
        ],
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: logicalIdOf(stack, imports.accessLogs) },
        LogFilePrefix: 'imports/',
      },
    });
  });

  it('refuses any request to the bucket that is not over TLS', () => {
    const imports = stack.buckets.Imports;
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(stack, imports.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('drains the Imports queue with the ImportWorker, one job per invocation', () => {
    expect(consumerOf('Imports')?.id).toBe('ImportWorker');
    const queue = stack.queues.Imports;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(stack, queue.queue), 'Arn'] },
      FunctionName: mappedToLive(stack, stack.functions.ImportWorker),
      BatchSize: queueDefinition('Imports').consumer!.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it.each(SERVICE_FUNCTIONS.map((f) => [f.id, f] as const))(
    '%s: S3 grants and the bucket variable follow the catalog',
    (id, def) => {
      const fn = stack.functions[id];
      // Every policy of the role: when its inline policy grows past IAM's size limit, CDK moves the
      // rest of the statements into an overflow managed policy (the Api's grants now do).
      const roleRef = logicalIdOf(stack, fn.role);
      const policies = [
        ...Object.values(template.findResources('AWS::IAM::Policy')),
        ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')),
      ] as {
        Properties: { Roles?: { Ref: string }[]; PolicyDocument: { Statement: unknown[] } };
      }[];
      const all = policies
        .filter((p) => (p.Properties.Roles ?? []).some((r) => r.Ref === roleRef))
        .flatMap((p) => p.Properties.PolicyDocument.Statement) as {
        Sid?: string;
        Action: string | string[];
        Resource: unknown;
      }[];
      expect(all.length).toBeGreaterThan(0);
      // This bucket's grants only (Sids start with the bucket id; the ModelStore has its own spec).
      const s3Actions = all
        .filter((s) => s.Sid?.startsWith('Imports'))
        .flatMap((s) => [s.Action].flat())
        .filter((a) => a.startsWith('s3:'));
      const access = def.buckets?.Imports;
      const env = new Capture();
      resourceOf(template, stack, fn.function).hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: env },
      });
      const variables = env.asObject();
      if (access === undefined) {
        expect(s3Actions).toEqual([]);
        expect(variables).not.toHaveProperty(bucketDefinition('Imports').envVar);
        return;
      }
      const bucketId = logicalIdOf(stack, stack.buckets.Imports.bucket);
      expect(variables[bucketDefinition('Imports').envVar]).toEqual({ Ref: bucketId });
      const expected = [
        ...(access !== 'write' ? ['s3:GetObject', 's3:ListBucket'] : []),
        ...(access !== 'read' ? ['s3:PutObject'] : []),
      ];
      expect(s3Actions.sort()).toEqual(expected.sort());
      const objects = all.find((s) => s.Sid?.startsWith('ImportsObjects'));
      expect(objects?.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] });
    },
  );

  it('gives the ImportWorker read access only, and the API function of imports (ApiPlatforms) read and write', () => {
    expect(FUNCTIONS.find((f) => f.id === 'ImportWorker')?.buckets).toEqual({ Imports: 'read' });
    expect(FUNCTIONS.find((f) => f.id === 'ApiPlatforms')?.buckets?.Imports).toBe('readwrite');
  });
});
