/**
 * The paging-path subscription check's decision (issue 10): from a topic's GetTopicAttributes
 * answer to the figures the alarm reads, and what makes a topic unable to page.
 */
import { topicSubscriptions } from '../../../src/recovery/domain/paging-subscriptions';

it('reports a topic whose subscriptions are all confirmed as healthy', () => {
  expect(topicSubscriptions('critical', { SubscriptionsPending: '0', SubscriptionsConfirmed: '2' })).toEqual({
    topic: 'critical',
    pending: 0,
    confirmed: 2,
  });
});

it('reports a pending subscription even among confirmed ones (a silent e-mail never confirmed)', () => {
  expect(
    topicSubscriptions('warning', { SubscriptionsPending: '1', SubscriptionsConfirmed: '3' }),
  ).toMatchObject({
    pending: 1,
    confirmed: 3,
    problem: 'pending',
  });
});

it('reports a topic nobody confirmed as unable to page, first', () => {
  expect(
    topicSubscriptions('critical', { SubscriptionsPending: '1', SubscriptionsConfirmed: '0' }),
  ).toMatchObject({
    problem: 'none-confirmed',
  });
  expect(
    topicSubscriptions('critical', { SubscriptionsPending: '0', SubscriptionsConfirmed: '0' }),
  ).toMatchObject({
    problem: 'none-confirmed',
  });
});

it.each([
  ['no attributes', undefined, /SubscriptionsPending is missing/],
  ['a missing count', { SubscriptionsPending: '0' }, /SubscriptionsConfirmed is missing/],
  ['a count that is not one', { SubscriptionsPending: '-1', SubscriptionsConfirmed: '1' }, /not a count/],
  ['an empty count', { SubscriptionsPending: '', SubscriptionsConfirmed: '1' }, /not a count/],
])('refuses %s rather than reading it as 0', (_name, attributes, message) => {
  expect(() => topicSubscriptions('warning', attributes)).toThrow(message);
});
