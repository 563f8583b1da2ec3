import { pageSizeParameter, wholeNumberParameter } from '../../../src/shared/page-size';

describe('pageSizeParameter', () => {
  const limit = pageSizeParameter(100);

  it.each([
    ['1', 1],
    ['25', 25],
    ['100', 100],
    ['007', 7],
  ])('reads %p as %p', (text, size) => {
    expect(limit.parse(text)).toBe(size);
  });

  it.each(['0', '101', '999', '1000', '-1', '2.5', '1e2', ' 5', '', 'ten'])('refuses %p', (text) => {
    expect(limit.safeParse(text).success).toBe(false);
  });

  it('names what is wrong with a value that is not a whole number', () => {
    expect(limit.safeParse('ten').error?.issues[0]?.message).toBe('a whole number');
  });

  it('takes its maximum from the route', () => {
    expect(pageSizeParameter(50).safeParse('51').success).toBe(false);
    expect(pageSizeParameter(50).parse('50')).toBe(50);
  });
});

describe('wholeNumberParameter', () => {
  it("answers with the route's own words, within its own maximum", () => {
    const hours = wholeNumberParameter(336, 'a whole number of hours');
    expect(hours.parse('336')).toBe(336);
    expect(hours.safeParse('337').success).toBe(false);
    expect(hours.safeParse('1.5').error?.issues[0]?.message).toBe('a whole number of hours');
  });
});
