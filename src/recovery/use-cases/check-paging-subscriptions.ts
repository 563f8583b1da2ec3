/**
 * The paging path's subscription check (issue 10): reads every alarm topic, each on its own, so
 * one topic that cannot be read still leaves the other's figures. A topic that cannot be read, or
 * answers without its counts, is a failure and has no figures: never a 0 that would read as "no
 * subscriber" (the caller fails the invocation, and the function's error alarm reports it).
 */
import {
  topicSubscriptions,
  type TopicAttributesReader,
  type TopicSubscriptions,
} from '../domain/paging-subscriptions';

export interface PagingTopic {
  /** The topic's name in the figures (`critical`, `warning`). */
  readonly topic: string;
  readonly arn: string;
}

export interface PagingCheck {
  readonly figures: readonly TopicSubscriptions[];
  readonly failures: readonly { readonly topic: string; readonly error: Error }[];
}

export async function checkPagingSubscriptions(
  read: TopicAttributesReader,
  topics: readonly PagingTopic[],
): Promise<PagingCheck> {
  const settled = await Promise.allSettled(
    topics.map(async ({ topic, arn }) => topicSubscriptions(topic, await read(arn))),
  );
  const figures: TopicSubscriptions[] = [];
  const failures: { topic: string; error: Error }[] = [];
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') figures.push(result.value);
    else
      failures.push({
        topic: topics[i]!.topic,
        error: result.reason instanceof Error ? result.reason : new Error(String(result.reason)),
      });
  });
  return { figures, failures };
}
