import fc from 'fast-check';
import {
  reachedThresholds,
  thresholdsCrossedByAllocationChange,
  thresholdsCrossedByExpense,
  type ThresholdPercent,
} from '#src/budgets/domain/budget-thresholds';
import { fromMicros, normaliseAmount, toMicros } from '#src/events/common';

const percents = (crossings: { thresholdPercent: ThresholdPercent }[]) =>
  crossings.map((c) => c.thresholdPercent);

describe('amounts', () => {
  it.each([
    ['1250.50', 1_250_500_000n, '1250.5'],
    ['0.000001', 1n, '0.000001'],
    ['2500', 2_500_000_000n, '2500'],
    [99.95, 99_950_000n, '99.95'],
    [0.1, 100_000n, '0.1'],
    [0, 0n, '0'],
  ])('%j is %d millionths and normalises to %s', (input, micros, text) => {
    expect(toMicros(input)).toBe(micros);
    expect(fromMicros(micros)).toBe(text);
    expect(normaliseAmount(input)).toBe(text);
  });

  it.each(['-1', '1e3', '1.0000001', 'abc', '', NaN, -2, Infinity])('rejects %j', (input) => {
    expect(() => toMicros(input)).toThrow(RangeError);
  });
});

describe('thresholds crossed by an expense', () => {
  it('fires 80 % when spending reaches it, exactly at the boundary', () => {
    const result = thresholdsCrossedByExpense({
      allocation: '2500',
      previousSpent: '1000',
      expenseAmount: '1000',
    });
    expect(result).toEqual({
      spentAfter: '2000',
      crossed: [{ thresholdPercent: 80, thresholdAmount: '2000', allocation: '2500', spent: '2000' }],
    });
  });

  it('does not fire just below the boundary', () => {
    expect(
      thresholdsCrossedByExpense({ allocation: '2500', previousSpent: '1000', expenseAmount: '999.999999' })
        .crossed,
    ).toEqual([]);
  });

  it('fires both thresholds when one expense jumps past 100 %', () => {
    const result = thresholdsCrossedByExpense({
      allocation: 1000,
      previousSpent: 0,
      expenseAmount: '1200.50',
    });
    expect(percents(result.crossed)).toEqual([80, 100]);
    expect(result.spentAfter).toBe('1200.5');
  });

  it('does not fire again for thresholds already reached', () => {
    expect(
      percents(
        thresholdsCrossedByExpense({ allocation: 1000, previousSpent: 850, expenseAmount: 100 }).crossed,
      ),
    ).toEqual([]);
    expect(
      percents(
        thresholdsCrossedByExpense({ allocation: 1000, previousSpent: 850, expenseAmount: 150 }).crossed,
      ),
    ).toEqual([100]);
  });

  it('never fires without an allocation, and fires at once for a zero allocation', () => {
    expect(
      thresholdsCrossedByExpense({ allocation: undefined, previousSpent: 0, expenseAmount: 50 }),
    ).toEqual({
      crossed: [],
      spentAfter: '50',
    });
    expect(
      percents(thresholdsCrossedByExpense({ allocation: '0', previousSpent: 0, expenseAmount: 1 }).crossed),
    ).toEqual([80, 100]);
  });

  it('refuses non-positive expenses', () => {
    expect(() => thresholdsCrossedByExpense({ allocation: 100, previousSpent: 0, expenseAmount: 0 })).toThrow(
      RangeError,
    );
  });

  it('rounds the threshold amount up to the millionth', () => {
    const [crossing] = thresholdsCrossedByExpense({
      allocation: '0.000001',
      previousSpent: 0,
      expenseAmount: '0.000001',
    }).crossed;
    expect(crossing).toMatchObject({ thresholdPercent: 80, thresholdAmount: '0.000001' });
  });
});

describe('thresholds crossed by an allocation change', () => {
  it('fires the thresholds that lowering the allocation newly crosses', () => {
    // 1900 of 2500 is 76 %; of 2000 it is 95 %.
    expect(
      percents(
        thresholdsCrossedByAllocationChange({ previousAllocation: 2500, newAllocation: 2000, spent: 1900 }),
      ),
    ).toEqual([80]);
  });

  it('does not re-fire thresholds that stay reached', () => {
    // 2100 of 2500 is 84 %; of 2400 it is 87.5 %: 80 % was reached before and still is.
    expect(
      thresholdsCrossedByAllocationChange({ previousAllocation: 2500, newAllocation: 2400, spent: 2100 }),
    ).toEqual([]);
  });

  it('un-reaches thresholds when the allocation is raised, so later spending fires them again', () => {
    expect(
      thresholdsCrossedByAllocationChange({ previousAllocation: 1000, newAllocation: 5000, spent: 900 }),
    ).toEqual([]);
    expect(
      percents(
        thresholdsCrossedByExpense({ allocation: 5000, previousSpent: 900, expenseAmount: 3100 }).crossed,
      ),
    ).toEqual([80]);
  });

  it('fires for spending recorded before the first allocation', () => {
    expect(
      percents(
        thresholdsCrossedByAllocationChange({
          previousAllocation: undefined,
          newAllocation: 500,
          spent: 600,
        }),
      ),
    ).toEqual([80, 100]);
  });

  it('reports the new allocation', () => {
    expect(
      thresholdsCrossedByAllocationChange({
        previousAllocation: 2500,
        newAllocation: '1000.5',
        spent: '1000.5',
      }),
    ).toEqual([
      { thresholdPercent: 80, thresholdAmount: '800.4', allocation: '1000.5', spent: '1000.5' },
      { thresholdPercent: 100, thresholdAmount: '1000.5', allocation: '1000.5', spent: '1000.5' },
    ]);
  });
});

/** A category's life: expenses and allocation changes, in cents to keep the numbers readable. */
type Op = { kind: 'expense'; cents: number } | { kind: 'allocate'; cents: number };
const cents = (n: number) => (n / 100).toFixed(2);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 1, max: 200_000 }).map((c): Op => ({ kind: 'expense', cents: c })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 1_000_000 }).map((c): Op => ({ kind: 'allocate', cents: c })),
  },
);

function simulate(ops: readonly Op[]) {
  let allocation: number | undefined;
  let version = 0;
  let spent = 0;
  const fired: { version: number; percent: ThresholdPercent; spent: number; allocation: number }[] = [];
  for (const op of ops) {
    if (op.kind === 'allocate') {
      const previousAllocation = allocation;
      allocation = op.cents;
      version += 1;
      for (const c of thresholdsCrossedByAllocationChange({
        previousAllocation: previousAllocation === undefined ? undefined : cents(previousAllocation),
        newAllocation: cents(allocation),
        spent: cents(spent),
      })) {
        fired.push({ version, percent: c.thresholdPercent, spent, allocation });
      }
    } else {
      const result = thresholdsCrossedByExpense({
        allocation: allocation === undefined ? undefined : cents(allocation),
        previousSpent: cents(spent),
        expenseAmount: cents(op.cents),
      });
      spent += op.cents;
      expect(result.spentAfter).toBe(normaliseAmount(cents(spent)));
      for (const c of result.crossed)
        fired.push({ version, percent: c.thresholdPercent, spent, allocation: allocation! });
    }
  }
  return { fired, spent, allocation, version };
}

describe('properties', () => {
  it('never fires a threshold twice for the same allocation version', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const { fired } = simulate(ops);
        const keys = fired.map((f) => `${f.version}:${f.percent}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 300 },
    );
  });

  it('fires exactly the thresholds reached at the end that were not reached at the start of the version', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 300_000 }), { maxLength: 30 }),
        (alloc, expenses) => {
          const ops: Op[] = [
            { kind: 'allocate', cents: alloc },
            ...expenses.map((c): Op => ({ kind: 'expense', cents: c })),
          ];
          const { fired, spent } = simulate(ops);
          const expected = reachedThresholds(cents(spent), cents(alloc));
          expect(fired.map((f) => f.percent).sort((a, b) => a - b)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not depend on how the spending is split into expenses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: 1, maxLength: 20 }),
        (alloc, parts) => {
          const split = simulate([
            { kind: 'allocate', cents: alloc },
            ...parts.map((c): Op => ({ kind: 'expense', cents: c })),
          ]);
          const total = parts.reduce((a, b) => a + b, 0);
          const whole = simulate([
            { kind: 'allocate', cents: alloc },
            { kind: 'expense', cents: total },
          ]);
          expect(new Set(split.fired.map((f) => f.percent))).toEqual(
            new Set(whole.fired.map((f) => f.percent)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('only fires when spending really is at or above the threshold of the allocation in force', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        for (const f of simulate(ops).fired) {
          if (f.allocation > 0) expect(f.spent * 100).toBeGreaterThanOrEqual(f.percent * f.allocation);
          else expect(f.spent).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
