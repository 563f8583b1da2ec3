import * as z from '../../../src/shared/zod';
import {
  parseJsonBody,
  retryAfterMs,
  secretsEqual,
  toIso,
} from '../../../src/platforms/adapters/platform-wire';

describe('parseJsonBody', () => {
  const schema = z.object({ items: z.array(z.string()) });

  it('returns the value when the body has the shape', () => {
    expect(parseJsonBody('{"items":["a"]}', schema)).toEqual({ ok: true, value: { items: ['a'] } });
  });

  it.each([
    ['<html><body>busy</body></html>', /not JSON \(HTML\)/],
    ['{"items": [', /not JSON/],
    ['', /not JSON \(empty\)/],
    ['{"items":[1]}', /at 'items.0'/],
  ])('fails on %j without throwing', (body, reason) => {
    const parsed = parseJsonBody(body, schema);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });
});

describe('secretsEqual', () => {
  it('is true only for the same secret, whatever the lengths', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abd', 'abc')).toBe(false);
    expect(secretsEqual('', 'abc')).toBe(false);
    expect(secretsEqual('abcd', 'abc')).toBe(false);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('12', now)).toBe(12_000);
    expect(retryAfterMs('Mon, 01 Jun 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('Mon, 01 Jun 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('toIso', () => {
  it("normalises Graph's +0000 and RFC 3339 timestamps", () => {
    expect(toIso('2026-05-01T10:00:00+0000')).toBe('2026-05-01T10:00:00.000Z');
    expect(toIso('2026-05-01T12:00:00+02:00')).toBe('2026-05-01T10:00:00.000Z');
    expect(toIso('not a date')).toBeUndefined();
  });
});
