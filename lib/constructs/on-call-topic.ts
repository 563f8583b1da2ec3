/**
 * A regional alarm topic (issue 10 has two per region: `critical`, subscribed by PagerDuty's
 * CloudWatch integration over HTTPS, and `warning`, subscribed by e-mail), with its subscribers
 * from the stage's `paging` configuration.
 *
 * Encrypted with a customer-managed key because CloudWatch alarms cannot publish to a topic
 * encrypted with the AWS-managed `alias/aws/sns` key (its key policy does not let the CloudWatch
 * service use it, and AWS-managed key policies cannot be edited).
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface OnCallTopicProps {
  /** What the topic carries, for its display name and key description ("critical", "warning"). */
  readonly purpose: string;
  /** HTTPS URL that receives the SNS notifications and auto-confirms the subscription (PagerDuty). */
  readonly endpoint?: string;
  /** E-mail subscribers (each confirms once, from the message SNS sends). */
  readonly emails?: readonly string[];
}

export class OnCallTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: OnCallTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${props.purpose} alarm topic (usable by CloudWatch alarms)`,
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy "*" means this key.
        resources: ['*'],
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `${stack.stackName} ${props.purpose} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // The explicit topic policy (enforceSSL) replaces SNS's default one, so allow the alarms of this
    // account and region to publish, and nothing else.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    if (props.endpoint !== undefined) {
      this.topic.addSubscription(
        new subscriptions.UrlSubscription(props.endpoint, { protocol: sns.SubscriptionProtocol.HTTPS }),
      );
    }
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
  }
}
