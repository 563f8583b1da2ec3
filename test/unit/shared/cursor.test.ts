import { createHmac } from 'node:crypto';
import { cursorScope, decodeCursor, encodeCursor } from '../../../src/shared/cursor';
import { ProblemError } from '../../../src/shared/problem';

describe('authenticated cursors', () => {
  const key = { pk: 'SUPPLIER#a', sk: 'REVIEW#1', gsi1pk: 'SUPPLIER#a', gsi1sk: '2026#1' };
  const ring = ['current-secret', 'previous-secret'];
  const scope = cursorScope({ list: 'reviews', supplierId: 'a', platform: 'google' });
  const cursor = encodeCursor(key, scope, ring);
  const [payload = '', signature = ''] = cursor.split('.');

  function rejection(run: () => unknown): ProblemError {
    try {
      run();
    } catch (error) {
      if (error instanceof ProblemError) return error;
      throw error;
    }
    throw new Error('accepted');
  }

  it('round-trips a key for the same scope and partition', () => {
    expect(decodeCursor(cursor, scope, ring, { gsi1pk: 'SUPPLIER#a' })).toEqual(key);
  });

  it('keeps verifying after a rotation (signed by the now previous secret)', () => {
    const before = encodeCursor(key, scope, ['previous-secret']);
    expect(decodeCursor(before, scope, ['new-secret', 'previous-secret'])).toEqual(key);
  });

  it('sees no difference in scopes built from the same parts with undefined ones left out', () => {
    expect(cursorScope({ a: '1', b: undefined })).toBe(cursorScope({ a: '1' }));
    expect(cursorScope({ a: '1', b: 2 })).not.toBe(cursorScope({ a: '1', b: '2x' }));
  });

  const tamperedPayload = Buffer.from(JSON.stringify({ ...key, gsi1pk: 'SUPPLIER#b' })).toString('base64url');
  it.each([
    [
      'another supplier (scope)',
      () => decodeCursor(cursor, cursorScope({ list: 'reviews', supplierId: 'b', platform: 'google' }), ring),
    ],
    [
      'other filters (scope)',
      () => decodeCursor(cursor, cursorScope({ list: 'reviews', supplierId: 'a' }), ring),
    ],
    [
      'another list (scope)',
      () => decodeCursor(cursor, cursorScope({ list: 'deliveries', supplierId: 'a' }), ring),
    ],
    ['a secret we never had', () => decodeCursor(cursor, scope, ['someone-else'])],
    [
      'a payload changed under a valid MAC',
      () => decodeCursor(`${tamperedPayload}.${signature}`, scope, ring),
    ],
    [
      'a flipped MAC character',
      () =>
        decodeCursor(`${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`, scope, ring),
    ],
    ['an old unsigned cursor', () => decodeCursor(payload, scope, ring)],
    ['not base64 at all', () => decodeCursor('%%%.###', scope, ring)],
    ['an empty string', () => decodeCursor('', scope, ring)],
    [
      'a genuine cursor outside the partition',
      () => decodeCursor(cursor, scope, ring, { gsi1pk: 'SUPPLIER#b' }),
    ],
  ])('rejects %s as a 400 problem on the cursor field', (_name, run) => {
    const error = rejection(run);
    expect(error.problem.status).toBe(400);
    expect(error.problem.errors?.[0]?.path).toBe('cursor');
  });

  it('rejects a correctly signed payload that is not a store key', () => {
    // Signed the way the service signs (the derivation documented in src/shared/cursor.ts).
    const derived = createHmac('sha256', 'current-secret').update('wedsync-cursor-v1').digest();
    for (const body of ['[1]', '{}', '{"gsi1pk":1}', 'not json']) {
      const p = Buffer.from(body).toString('base64url');
      const mac = createHmac('sha256', derived).update(scope).update('\n').update(p).digest('base64url');
      expect(rejection(() => decodeCursor(`${p}.${mac}`, scope, ring)).problem.status).toBe(400);
    }
    // The same derivation does produce an accepted cursor for a real key (the test is not vacuous).
    const p = Buffer.from(JSON.stringify(key)).toString('base64url');
    const mac = createHmac('sha256', derived).update(scope).update('\n').update(p).digest('base64url');
    expect(decodeCursor(`${p}.${mac}`, scope, ring)).toEqual(key);
  });
});
