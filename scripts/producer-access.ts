/**
 * What a producer of events needs (issue 11, docs/producers.md): each region's Ingest queue (URL
 * and ARN, derived from the stage as the stacks name it) and the least-privilege IAM policy its
 * role attaches: `sqs:SendMessage` on those queues only, over TLS only. The queue's own policy
 * (lib/constructs/producer-access.ts) grants the same action to the configured principals; both
 * sides are needed for a cross-account send.
 */
import type { QueueId } from '../src/catalog/queues';
import { keyAliasName, queueName } from '../src/catalog/physical-names';
import type { StageNaming } from '../lib/settings';

/** The queue producers send to, in every region. */
export const PRODUCER_QUEUE: QueueId = 'Ingest';

export interface RegionalIngestQueue {
  readonly region: string;
  readonly queueUrl: string;
  readonly queueArn: string;
}

/** Every region's Ingest queue, the primary region first. */
export function ingestQueues(stage: StageNaming): RegionalIngestQueue[] {
  const name = queueName(stage, PRODUCER_QUEUE);
  return [stage.primaryRegion, ...stage.replicaRegions].map((region) => ({
    region,
    queueUrl: `https://sqs.${region}.amazonaws.com/${stage.account}/${name}`,
    queueArn: `arn:aws:sqs:${region}:${stage.account}:${name}`,
  }));
}

/**
 * The identity policy a producer's role attaches. It names every region's queue, so the producer
 * may fall back to another region's queue when its nearest region is down.
 */
export function producerIamPolicy(stage: StageNaming): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'SendEventsToWedSyncIngest',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: ingestQueues(stage).map((q) => q.queueArn),
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
      },
      {
        // The queues are encrypted with each region's Queues key (ADR 0023); its key policy lets
        // the configured producers use it through SQS only. Named by its alias: no key id to copy.
        Sid: 'EncryptForTheIngestQueues',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: ingestQueues(stage).map((q) => `arn:aws:kms:${q.region}:${stage.account}:key/*`),
        Condition: {
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': keyAliasName(stage, 'Queues') },
          StringLike: { 'kms:ViaService': 'sqs.*.amazonaws.com' },
        },
      },
    ],
  };
}

/** What `npm run cli -- --stage <stage> producers` prints. */
export function describeProducerAccess(stage: StageNaming): string[] {
  const lines = [
    `Ingest queues of stage ${stage.stage} (send to the queue of your nearest region; another region's if it is down):`,
    ...ingestQueues(stage).map((q) => `  ${q.region.padEnd(16)}${q.queueUrl}`),
    '',
    stage.producers.length === 0
      ? 'Producers allowed by the queue policy: none configured (wedsync.producers in cdk.json).'
      : 'Producers allowed by the queue policy (wedsync.producers in cdk.json):',
    ...stage.producers.map((p) => `  ${p.name.padEnd(24)}${p.principal}`),
    '',
    "IAM policy for a producer's role:",
    JSON.stringify(producerIamPolicy(stage), null, 2),
  ];
  return lines;
}
