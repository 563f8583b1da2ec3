/**
 * The SNS side of the paging-path check (issue 10): `GetTopicAttributes`, the only call that
 * reports a topic's pending and confirmed subscriptions (CloudWatch has no metric for them).
 */
import { GetTopicAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { TopicAttributesReader } from '../domain/paging-subscriptions';

export function snsTopicAttributes(client: SNSClient): TopicAttributesReader {
  return async (topicArn) => {
    const { Attributes } = await client.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    return Attributes;
  };
}
