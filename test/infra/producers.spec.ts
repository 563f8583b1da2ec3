/**
 * Producers' access to the Ingest queue (issue 11, docs/producers.md), in the committed dev stage
 * (two producers: a role and an account): every region's Ingest queue policy allows exactly
 * `sqs:SendMessage`, on that queue only, to exactly those principals, over TLS only; no other queue
 * names them; each region outputs the URL producers use.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { logicalIdOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthesize();
});

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: unknown;
  Resource: unknown;
  Condition?: unknown;
}

/** The statements of every queue policy of a service stack, by the queues they name. */
function queuePolicies(stack: Stack): { queues: unknown; statements: PolicyStatement[] }[] {
  const template = synth.serviceTemplates.get(stack.region)!;
  return Object.values(template.findResources('AWS::SQS::QueuePolicy')).map((r) => {
    const props = (r as { Properties: { Queues: unknown; PolicyDocument: { Statement: PolicyStatement[] } } })
      .Properties;
    return { queues: props.Queues, statements: props.PolicyDocument.Statement };
  });
}

describe('producers of events (issue 11)', () => {
  it('is configured with a role and an account in the dev stage', () => {
    expect(synth.config.producers.map((p) => p.principal)).toEqual([
      'arn:aws:iam::444444444444:role/budget-service-producer',
      '555555555555',
    ]);
  });

  it.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])(
    'lets exactly the producers send, and only send, to the Ingest queue in %s',
    (region) => {
      const service = synth.services.find((s) => s.region === region)!;
      const ingestId = logicalIdOf(service, service.queues.Ingest.queue);
      const policies = queuePolicies(service);
      const allows = policies.flatMap((p) =>
        p.statements.filter((s) => s.Effect === 'Allow').map((s) => ({ queues: p.queues, statement: s })),
      );
      // One Allow in all of the stack's queue policies: the producers', on the Ingest queue.
      expect(allows).toHaveLength(1);
      expect(allows[0]!.queues).toEqual([{ Ref: ingestId }]);
      expect(allows[0]!.statement).toEqual({
        Sid: 'ProducersSendOnly',
        Effect: 'Allow',
        Principal: {
          AWS: ['arn:aws:iam::444444444444:role/budget-service-producer', 'arn:aws:iam::555555555555:root'],
        },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [ingestId, 'Arn'] },
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
      });
      // The TLS-only deny stays on the queue.
      const ingest = policies.find((p) => JSON.stringify(p.queues) === JSON.stringify([{ Ref: ingestId }]))!;
      expect(ingest.statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
      synth.serviceTemplates.get(region)!.hasOutput('ProducerQueueUrl', {
        Value: { Ref: ingestId },
        Description: Match.stringLikeRegexp('Producers'),
      });
    },
  );

  it.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])(
    'lets exactly the producers use the %s Queues key, through SQS only (the queues are KMS-encrypted)',
    (region) => {
      const keys = synth.keys.find((k) => k.region === region)!;
      const template = Template.fromStack(keys);
      const statements = Object.values(template.findResources('AWS::KMS::Key')).flatMap(
        (r) =>
          (r as { Properties: { KeyPolicy: { Statement: PolicyStatement[] } } }).Properties.KeyPolicy
            .Statement,
      );
      const producing = statements.filter((st) => st.Sid === 'ProducersSendThroughSqs');
      // One key (Queues) names them, and only for these two actions through SQS in this region.
      expect(producing).toEqual([
        {
          Sid: 'ProducersSendThroughSqs',
          Effect: 'Allow',
          Principal: {
            AWS: ['arn:aws:iam::444444444444:role/budget-service-producer', 'arn:aws:iam::555555555555:root'],
          },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '*',
          Condition: {
            StringEquals: {
              'kms:ViaService': { 'Fn::Join': ['', [`sqs.${region}.`, { Ref: 'AWS::URLSuffix' }]] },
            },
          },
        },
      ]);
    },
  );
});
