import { duplicateRate } from '../../../bench/ml';

describe('duplicateRate (the inference cache study)', () => {
  it('is the share of texts that repeat an earlier one exactly', () => {
    expect(duplicateRate(['a', 'b', 'a', 'a'])).toBe(0.5);
    expect(duplicateRate(['Great band!', 'great band!', 'Great band! '])).toBe(0);
    expect(duplicateRate([])).toBe(0);
  });
});
