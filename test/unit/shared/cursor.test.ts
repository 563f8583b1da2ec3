import { decodeCursor, encodeCursor } from '../../../src/shared/cursor';
import { ProblemError } from '../../../src/shared/problem';

describe('cursors', () => {
  const key = { pk: 'SUPPLIER#a', sk: 'REVIEW#1', gsi1pk: 'SUPPLIER#a', gsi1sk: '2026#1' };

  it('round-trip a key for the same partition', () => {
    expect(decodeCursor(encodeCursor(key), { gsi1pk: 'SUPPLIER#a' })).toEqual(key);
  });

  it.each([
    ['another partition', encodeCursor({ ...key, gsi1pk: 'SUPPLIER#b' })],
    ['not base64 JSON', 'bm90LWpzb24'],
    ['an array', Buffer.from('[1]').toString('base64url')],
    ['a non-string value', Buffer.from('{"gsi1pk":1}').toString('base64url')],
    ['an empty object', Buffer.from('{}').toString('base64url')],
  ])('reject %s as a 400 problem on the cursor field', (_name, cursor) => {
    try {
      decodeCursor(cursor, { gsi1pk: 'SUPPLIER#a' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemError);
      expect((error as ProblemError).problem.status).toBe(400);
      expect((error as ProblemError).problem.errors?.[0]?.path).toBe('cursor');
    }
  });
});
