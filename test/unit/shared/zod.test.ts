/**
 * zod as every module imports it (src/shared/zod.ts): the small build, which loads no locale, with
 * the English messages installed. The API's problem details carry these messages to the client.
 */
import * as z from '../../../src/shared/zod';
import { fieldErrors } from '../../../src/shared/validation';
import { submitReviewBody } from '../../../src/reviews/domain/review-schemas';

describe('zod through src/shared/zod', () => {
  it('words each problem in English, as the classic build did', () => {
    const result = submitReviewBody().safeParse({
      rating: 6,
      title: '',
      body: 'Lovely',
      reviewerName: 'Sam',
      platform: 'myspace',
      extra: 1,
    });
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual([
      { path: 'rating', message: 'Too big: expected number to be <=5' },
      { path: 'title', message: 'must not be empty' },
      {
        path: 'platform',
        message:
          'Invalid option: expected one of "wedsync"|"google"|"facebook"|"weddingwire"|"theknot"|"bridebook"|"hitched"|"yelp"|"trustpilot"',
      },
      { path: 'extra', message: 'unknown field' },
    ]);
  });

  it('words the checks written as functions the same way', () => {
    const schema = z.strictObject({
      name: z.string().check(z.minLength(2), z.maxLength(3)),
      count: z.number().check(z.int(), z.gte(1)),
      when: z.optional(z.iso.datetime({ offset: true })),
    });
    const result = schema.safeParse({ name: 'a', count: 1.5, when: 'soon' });
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['name', 'Too small: expected string to have >=2 characters'],
      ['count', 'Invalid input: expected int, received number'],
      ['when', 'Invalid ISO datetime'],
    ]);
  });
});
