import { lazy, lazyRecord } from '../../../src/shared/lazy';

describe('lazyRecord', () => {
  it('builds nothing until a value is read, then each value once', () => {
    const built: string[] = [];
    const record = lazyRecord({
      a: () => {
        built.push('a');
        return { name: 'a' };
      },
      b: () => {
        built.push('b');
        return 2;
      },
    });

    expect(Object.keys(record)).toEqual(['a', 'b']);
    expect(Object.prototype.hasOwnProperty.call(record, 'a')).toBe(true);
    expect(built).toEqual([]);

    const first = record.a;
    expect(first).toEqual({ name: 'a' });
    expect(record.a).toBe(first);
    expect(built).toEqual(['a']);

    expect(record.b).toBe(2);
    expect(built).toEqual(['a', 'b']);
  });

  it('keeps a built value: it cannot be replaced', () => {
    const record = lazyRecord({ a: () => 1 });
    expect(record.a).toBe(1);
    expect(() => {
      (record as { a: number }).a = 2;
    }).toThrow(TypeError);
    expect(record.a).toBe(1);
  });
});

describe('lazy', () => {
  it('builds on the first call only, then returns the same value', () => {
    let builds = 0;
    const value = lazy(() => {
      builds += 1;
      return { built: builds };
    });
    expect(builds).toBe(0);
    const first = value();
    expect(first).toEqual({ built: 1 });
    expect(value()).toBe(first);
    expect(builds).toBe(1);
  });

  it('keeps an undefined value too', () => {
    let builds = 0;
    const value = lazy(() => {
      builds += 1;
      return undefined;
    });
    expect(value()).toBeUndefined();
    expect(value()).toBeUndefined();
    expect(builds).toBe(1);
  });
});
