/**
 * What producers are told (issue 11, `npm run cli -- --stage <stage> producers`): each region's
 * Ingest queue, named as the stacks name it, and an IAM policy that allows sqs:SendMessage on
 * exactly those queues over TLS, nothing else.
 */
import { readStageNaming } from '../../../lib/settings';
import { queueName } from '../../../src/catalog/physical-names';
import { describeProducerAccess, ingestQueues, producerIamPolicy } from '../../../scripts/producer-access';
import { stageEnvironment } from '../../../scripts/stage-environment';
import { queueDefinition } from '../../../src/catalog/queues';

const dev = readStageNaming('dev');
const eu = readStageNaming('prod-eu');

it('lists every region of the stage, the primary first, with the URL the CLI derives for it', () => {
  const queues = ingestQueues(dev);
  expect(queues.map((q) => q.region)).toEqual([dev.primaryRegion, ...dev.replicaRegions]);
  for (const q of queues) {
    expect(q.queueUrl).toBe(stageEnvironment(dev, q.region)[queueDefinition('Ingest').envVar]);
    expect(q.queueArn).toBe(`arn:aws:sqs:${q.region}:${dev.account}:${queueName(dev, 'Ingest')}`);
  }
});

it('gives producers sqs:SendMessage on the Ingest queues only, over TLS only, and the Queues key through SQS only', () => {
  expect(producerIamPolicy(eu)).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'SendEventsToWedSyncIngest',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [
          `arn:aws:sqs:eu-west-1:${eu.account}:WedSync-prod-eu-Ingest`,
          `arn:aws:sqs:eu-central-1:${eu.account}:WedSync-prod-eu-Ingest`,
        ],
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
      },
      {
        Sid: 'EncryptForTheIngestQueues',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: [
          `arn:aws:kms:eu-west-1:${eu.account}:key/*`,
          `arn:aws:kms:eu-central-1:${eu.account}:key/*`,
        ],
        Condition: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/WedSync-prod-eu-Queues' },
          StringLike: { 'kms:ViaService': 'sqs.*.amazonaws.com' },
        },
      },
    ],
  });
});

it('prints the queues, the configured producers and the policy', () => {
  const text = describeProducerAccess(dev).join('\n');
  expect(text).toContain(`https://sqs.eu-west-1.amazonaws.com/${dev.account}/WedSync-dev-Ingest`);
  expect(text).toMatch(/budget-service +arn:aws:iam::444444444444:role\/budget-service-producer/);
  const policy = text.slice(text.indexOf('{'));
  expect(JSON.parse(policy)).toEqual(producerIamPolicy(dev));
  expect(describeProducerAccess(eu).join('\n')).toContain('none configured');
});
