/**
 * A catalog queue as deployed: the queue, its DLQ (redrive after `maxReceiveCount` receives),
 * SSE, TLS-only access, and the alarms that page on-call: any message in the DLQ, and (where the
 * catalog sets `oldestMessageAlarmSeconds`) a stuck consumer.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDefinition } from '#src/catalog/queues';
import { kebabCase, runbookReference } from '../runbooks';

export interface MonitoredQueueProps {
  readonly definition: QueueDefinition;
  readonly alarmTopic: ITopic;
}

/** Runbook pages of a queue's alarms (derived from the catalog id, like the alarms). */
export const queueRunbooks = (def: QueueDefinition): { dlq: string; age: string } => ({
  dlq: `${kebabCase(def.id)}-dlq-not-empty`,
  age: `${kebabCase(def.id)}-queue-message-age`,
});

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
    const stackName = Stack.of(this).stackName;
    const runbooks = queueRunbooks(def);

    // SQS keeps a message's original enqueue time when it moves to the DLQ, so the DLQ keeps the
    // maximum (14 days) to leave the longest possible window for a redrive.
    this.deadLetterQueue = new sqs.Queue(this, 'Dlq', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(def.retentionDays),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: def.maxReceiveCount },
    });

    const action = new cloudwatchActions.SnsAction(props.alarmTopic);

    this.dlqAlarm = new cloudwatch.Alarm(this, 'DlqNotEmptyAlarm', {
      alarmName: `${stackName}-${def.id}-dlq-not-empty`,
      alarmDescription:
        `Messages from the ${def.id} queue failed ${def.maxReceiveCount} times and are parked in its DLQ. ` +
        runbookReference(runbooks.dlq),
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.dlqAlarm.addAlarmAction(action);
    this.dlqAlarm.addOkAction(action);

    if (def.oldestMessageAlarmSeconds !== undefined) {
      this.ageAlarm = new cloudwatch.Alarm(this, 'OldestMessageAgeAlarm', {
        alarmName: `${stackName}-${def.id}-oldest-message-age`,
        alarmDescription:
          `The oldest message on the ${def.id} queue is older than ${def.oldestMessageAlarmSeconds}s: ` +
          `its consumer is stuck or falling behind. ${runbookReference(runbooks.age)}`,
        metric: this.queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: def.oldestMessageAlarmSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // Three minutes in a row, so one slow batch does not page anyone.
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.ageAlarm.addAlarmAction(action);
      this.ageAlarm.addOkAction(action);
    }
  }
}
