/**
 * Features for expense notes: hashed words, word bigrams and character n-grams of each word
 * (robust to vendor-name variants and typos). Amounts, currencies and other tokens containing
 * digits are dropped: they carry no category information and would only add noise.
 */
import { featureBucket } from './hash';
import { l2Normalise, SparseBuilder, type SparseVector } from './sparse';
import { charNgrams, isPunctuation, wordTokens } from './tokenize';

export interface ExpenseFeatureConfig {
  readonly bits: number;
  readonly charMin: number;
  readonly charMax: number;
  /** Weight of each character n-gram relative to a whole word. */
  readonly charWeight: number;
  readonly bigrams: boolean;
}

/** Words of an expense note without amounts, currencies or punctuation. */
export function expenseWords(text: string): string[] {
  return wordTokens(text.replace(/[£$€¥]/g, ' ')).filter((t) => !isPunctuation(t) && !/[0-9]/.test(t));
}

export function expenseFeatures(text: string, cfg: ExpenseFeatureConfig): SparseVector {
  const words = expenseWords(text);
  const b = new SparseBuilder();
  for (const w of words) b.add(featureBucket(`w:${w}`, cfg.bits), 1);
  if (cfg.bigrams) {
    for (let i = 1; i < words.length; i++) b.add(featureBucket(`b:${words[i - 1]}_${words[i]}`, cfg.bits), 1);
  }
  if (cfg.charWeight > 0) {
    for (const g of charNgrams(words, cfg.charMin, cfg.charMax))
      b.add(featureBucket(`c:${g}`, cfg.bits), cfg.charWeight);
  }
  return l2Normalise(b.build());
}
