/**
 * The paging path's subscriptions (issue 10): CloudWatch has no metric for an SNS subscription
 * that was never confirmed; SNS reports it only as topic attributes (`GetTopicAttributes`:
 * `SubscriptionsPending`, `SubscriptionsConfirmed`). A scheduled check reads both alarm topics
 * and publishes these figures per topic, for an alarm on "pending > 0 for an hour, or none
 * confirmed", reported on the other topic. This is the pure decision: attributes in, figures out.
 */

/** The figures of one alarm topic. */
export interface TopicSubscriptions {
  readonly topic: string;
  readonly pending: number;
  readonly confirmed: number;
  /** Why the topic cannot page anyone reliably, if it cannot. */
  readonly problem?: 'none-confirmed' | 'pending';
}

/** One topic's figures from its `GetTopicAttributes` answer, or an error naming what is missing. */
export function topicSubscriptions(
  topic: string,
  attributes: Readonly<Record<string, string | undefined>> | undefined,
): TopicSubscriptions {
  const pending = count(topic, attributes, 'SubscriptionsPending');
  const confirmed = count(topic, attributes, 'SubscriptionsConfirmed');
  // No confirmed subscription first: nobody hears the topic at all.
  const problem = confirmed === 0 ? 'none-confirmed' : pending > 0 ? 'pending' : undefined;
  return { topic, pending, confirmed, ...(problem ? { problem } : {}) };
}

/** A count attribute as SNS returns it (a decimal string); anything else is an error, never 0. */
function count(
  topic: string,
  attributes: Readonly<Record<string, string | undefined>> | undefined,
  name: 'SubscriptionsPending' | 'SubscriptionsConfirmed',
): number {
  const value = attributes?.[name];
  if (value === undefined || !/^\d{1,9}$/.test(value)) {
    throw new Error(
      `topic ${topic}: attribute ${name} is ${value === undefined ? 'missing' : 'not a count'}`,
    );
  }
  return Number(value);
}

/** Reads one topic's attributes (`GetTopicAttributes`); the SNS adapter in AWS. */
export type TopicAttributesReader = (
  topicArn: string,
) => Promise<Readonly<Record<string, string | undefined>> | undefined>;
