/**
 * The producers' queue policy alone (issue 11), on one queue in a bare stack: with no producer
 * configured the queue has no Allow statement at all (only the TLS-only deny); with producers it
 * has exactly one, for sqs:SendMessage by them. The full app's policies are in producers.spec.ts.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ProducerAccess } from '../../lib/constructs/producer-access';
import type { Producer } from '../../lib/settings';
import { parseConfig } from '../../lib/settings';
import { projectContext } from './support/synth';

const statementsWith = (producers: readonly Producer[]) => {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const queue = new sqs.Queue(stack, 'Ingest', { enforceSSL: true });
  new ProducerAccess(stack, 'Producers', { queue, producers });
  const template = Template.fromStack(stack);
  template.hasOutput('ProducerQueueUrl', {});
  const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as {
    Properties: { PolicyDocument: { Statement: { Effect: string; Action: unknown }[] } };
  }[];
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
};

it('grants nothing when no producer is configured', () => {
  const statements = statementsWith([]);
  expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([]);
  expect(statements.map((s) => s.Effect)).toEqual(['Deny']);
});

it('grants sqs:SendMessage only, to the producers only', () => {
  const allows = statementsWith([
    { name: 'budget-service', principal: 'arn:aws:iam::444444444444:role/service-role/budget' },
  ]).filter((s) => s.Effect === 'Allow');
  expect(allows).toEqual([
    expect.objectContaining({
      Action: 'sqs:SendMessage',
      Principal: { AWS: 'arn:aws:iam::444444444444:role/service-role/budget' },
    }),
  ]);
});

describe('the producers setting', () => {
  const withProducers = (producers: unknown) => {
    const context = projectContext();
    return () =>
      parseConfig(
        {
          ...(context.wedsync as object),
          stages: {
            t: {
              account: '111111111111',
              producers,
              paging: { pagesOnCall: false, warningEmails: ['a@b.example'] },
            },
          },
        },
        { stage: 't' },
      );
  };

  it('defaults to none', () => {
    const context = projectContext();
    const config = parseConfig(context.wedsync, {
      stage: 'prod-eu',
      pagerDutyIntegrationUrl:
        'https://events.pagerduty.com/integration/a1b2c3d4e5f60718293a4b5c6d7e8f90/enqueue',
    });
    expect(config.producers).toEqual([]);
  });

  it.each([
    [[{ name: 'x', principal: '1234' }], 'a 12-digit AWS account id or an IAM role ARN'],
    [[{ name: 'x', principal: 'arn:aws:iam::444444444444:user/alice' }], 'an IAM role ARN'],
    [[{ name: 'x', principal: '*' }], 'an IAM role ARN'],
    [
      [
        { name: 'x', principal: '444444444444' },
        { name: 'x', principal: '555555555555' },
      ],
      'producer names must be distinct',
    ],
    [
      [
        { name: 'x', principal: '444444444444' },
        { name: 'y', principal: '444444444444' },
      ],
      'each principal once',
    ],
  ])('refuses %j', (producers, message) => {
    expect(withProducers(producers)).toThrow(message);
  });

  it('accepts accounts and role ARNs with a path', () => {
    expect(() =>
      withProducers([
        { name: 'a', principal: '444444444444' },
        { name: 'b', principal: 'arn:aws:iam::444444444444:role/service-role/b' },
      ])(),
    ).not.toThrow();
  });
});
