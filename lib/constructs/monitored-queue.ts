/**
 * A catalog queue as deployed: the queue, its DLQ (redrive after `maxReceiveCount` receives),
 * SSE with the region's customer-managed queues key (issue 9), TLS-only access, and its alarms (severity per queue in lib/alarm-table.ts): any message in
 * the DLQ, and (where the catalog sets `oldestMessageAlarmSeconds`) a stuck consumer.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDefinition } from '#src/catalog/queues';
import { deadLetterQueueName, queueName, type NamingScope } from '#src/catalog/physical-names';
import type { ServiceAlarms } from './service-alarms';

export interface MonitoredQueueProps {
  readonly definition: QueueDefinition;
  readonly alarms: ServiceAlarms;
  /** Names the queue and its DLQ (physical-names), so operators' tools find them without outputs. */
  readonly naming: NamingScope;
  /** The region's queues key (src/catalog/keys.ts `Queues`), named by its alias: queue and DLQ use it. */
  readonly encryptionKey: kms.IKey;
}

export class MonitoredQueue extends Construct {
  readonly definition: QueueDefinition;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly dlqAlarm: cloudwatch.Alarm;
  readonly ageAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MonitoredQueueProps) {
    super(scope, id);
    const { definition: def } = props;
    this.definition = def;

    // SQS keeps a message's original enqueue time when it moves to the DLQ, so the DLQ keeps the
    // maximum (14 days) to leave the longest possible window for a redrive.
    this.deadLetterQueue = new sqs.Queue(this, 'Dlq', {
      queueName: deadLetterQueueName(props.naming, def.id),
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: queueName(props.naming, def.id),
      visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(def.retentionDays),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: def.maxReceiveCount },
    });

    this.dlqAlarm = props.alarms.create(this, 'DlqNotEmptyAlarm', 'queueDlqNotEmpty', def.id, {
      name: `${def.id}-dlq-not-empty`,
      description: `Messages from the ${def.id} queue failed ${def.maxReceiveCount} times and are parked in its DLQ.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    if (def.oldestMessageAlarmSeconds !== undefined) {
      this.ageAlarm = props.alarms.create(this, 'OldestMessageAgeAlarm', 'queueMessageAge', def.id, {
        name: `${def.id}-oldest-message-age`,
        description:
          `The oldest message on the ${def.id} queue is older than ${def.oldestMessageAlarmSeconds}s: ` +
          'its consumer is stuck or falling behind.',
        metric: this.queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: def.oldestMessageAlarmSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // Three minutes in a row, so one slow batch does not page anyone.
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
      });
    }
  }
}
