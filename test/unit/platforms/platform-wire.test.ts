import * as z from '../../../src/shared/zod';
import { normaliseTimestamp, parseBody, retryAfterMs } from '../../../src/platforms/adapters/platform-wire';
import { isPlatformCallError } from '../../../src/platforms';
import type { PlatformHttpResponse } from '../../../src/platforms';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const answer = (body: string): PlatformHttpResponse => ({ status: 200, headers: {}, body, latencyMs: 1 });

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs(' 0 ', NOW)).toBe(0);
    expect(retryAfterMs(new Date(NOW + 45_000).toUTCString(), NOW)).toBe(45_000);
    expect(retryAfterMs(new Date(NOW - 45_000).toUTCString(), NOW)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs('-5', NOW)).toBeUndefined();
  });
});

describe('normaliseTimestamp', () => {
  it('writes every zoned RFC 3339 time as UTC with milliseconds, so they compare as strings', () => {
    expect(normaliseTimestamp('2026-01-02T03:04:05Z')).toBe('2026-01-02T03:04:05.000Z');
    expect(normaliseTimestamp('2026-01-02T03:04:05.123456789Z')).toBe('2026-01-02T03:04:05.123Z');
    expect(normaliseTimestamp('2026-01-02T05:04:05.1+02:00')).toBe('2026-01-02T03:04:05.100Z');
    const [a, b] = ['2026-01-02T03:04:05.9Z', '2026-01-02T03:04:05.10Z'].map(
      (t) => normaliseTimestamp(t) as string,
    );
    expect(a! > b!).toBe(true);
  });

  it('refuses times without a zone and non-times', () => {
    expect(normaliseTimestamp('2026-01-02T03:04:05')).toBeUndefined();
    expect(normaliseTimestamp('2026-01-02')).toBeUndefined();
    expect(normaliseTimestamp('tomorrow')).toBeUndefined();
    expect(normaliseTimestamp('2026-13-40T03:04:05Z')).toBeUndefined();
  });
});

describe('parseBody', () => {
  const schema = z.object({ items: z.array(z.object({ id: z.string() })) });
  const failureOf = (body: string) => {
    try {
      parseBody('google', 'list', answer(body), schema);
    } catch (error) {
      if (isPlatformCallError(error)) return error;
      throw error;
    }
    throw new Error('parsed');
  };

  it('returns the body as the schema reads it', () => {
    expect(parseBody('google', 'list', answer('{"items":[{"id":"a"}]}'), schema)).toEqual({
      items: [{ id: 'a' }],
    });
  });

  it('HTML, truncated JSON and another shape are retry-later failures naming what was wrong', () => {
    expect(failureOf('<html>busy</html>').failure).toMatchObject({
      kind: 'retry-later',
      reason: expect.stringMatching(/not JSON/),
    });
    expect(failureOf('{"items": [').failure).toMatchObject({ kind: 'retry-later' });
    const shape = failureOf('{"items":[{"id":7}]}');
    expect(shape.failure).toMatchObject({
      kind: 'retry-later',
      reason: expect.stringMatching(/items\.0\.id/),
    });
    expect(shape).toMatchObject({ platform: 'google', operation: 'list', status: 200 });
  });
});
