/**
 * The expense features as their definition states them, built from strings (`expenseWords`, then
 * `w:`, `b:` and `c:` names hashed by `featureBucket`, summed in that order), against
 * `expenseFeatures`, which reads plain notes' words straight into character codes: equal on every
 * note of the corpora and on generated ones, bit for bit.
 */
import fc from 'fast-check';
import { expenseFeatures, expenseWords, type ExpenseFeatureConfig } from '#src/models/ml/expense-features';
import { featureBucket } from '#src/models/ml/hash';
import { l2Normalise, SparseBuilder, type SparseVector } from '#src/models/ml/sparse';
import { charNgrams } from '#src/models/ml/tokenize';
import { goldenTexts } from '../../../scripts/golden-predictions';
import { textColumn } from './helpers';

const CONFIG: ExpenseFeatureConfig = { bits: 16, charMin: 3, charMax: 5, charWeight: 0.5, bigrams: true };

/** The features by their definition, one string per name. */
function reference(text: string, cfg: ExpenseFeatureConfig): SparseVector {
  const words = expenseWords(text);
  const b = new SparseBuilder();
  for (const w of words) b.add(featureBucket(`w:${w}`, cfg.bits), 1);
  if (cfg.bigrams)
    for (let i = 1; i < words.length; i++) b.add(featureBucket(`b:${words[i - 1]}_${words[i]}`, cfg.bits), 1);
  if (cfg.charWeight > 0) {
    for (const g of charNgrams(words, cfg.charMin, cfg.charMax))
      b.add(featureBucket(`c:${g}`, cfg.bits), cfg.charWeight);
  }
  return l2Normalise(b.build());
}

/** Notes and texts that take each branch: currency, apostrophes, letter runs, emoticons, non-ASCII. */
const EDGES = [
  '',
  '   ',
  '£',
  "£2,500 to the barn's owner",
  'BOOOOK the DJ $$$ 50% off',
  "don't won't it's 'quoted' o'' a'b'c 9'th x'9",
  "aaa aaaa aAa AAAA baa'aa",
  'deposit :) and <3 for the band ;-( = done',
  'band <3 and cake',
  'venue =D',
  'emo_pos emo_neg emoji',
  'Canapés und Crème brûlée ¥300 €20',
  'ＦＵＬＬＷＩＤＴＨ ｌｅｔｔｅｒｓ',
  'ﬁnal ﬂowers',
  'tab\tand\nnew line',
  'a b c d e f g',
  `${'x'.repeat(300)} ${'word '.repeat(80)}`,
];

describe('expense features', () => {
  it('equal their string definition on every note of the corpora and the golden texts', () => {
    const texts = [
      ...EDGES,
      ...textColumn('data/expenses/generated.tsv'),
      ...textColumn('data/expenses/handwritten-train.tsv'),
      ...textColumn('data/expenses/handwritten-heldout.tsv'),
      ...goldenTexts(),
    ];
    const differ = texts.filter(
      (t) => JSON.stringify(expenseFeatures(t, CONFIG)) !== JSON.stringify(reference(t, CONFIG)),
    );
    expect(differ).toEqual([]);
  });

  it('equal their string definition on generated notes, under other configurations', () => {
    // Plain notes (read as codes), and notes with what sends them to `expenseWords`: emoticon and
    // quote characters, "_", other non-ASCII.
    const plain = "aAbBeEmMoOpP '()-.,!?0912£$€¥\n";
    const notes = fc.oneof(
      fc.string({ unit: fc.constantFrom(...plain), maxLength: 60 }),
      fc.string({ unit: fc.constantFrom(...`${plain}_’\`:;=<3Dé`), maxLength: 60 }),
    );
    const configs = fc.record({
      bits: fc.integer({ min: 4, max: 20 }),
      charMin: fc.integer({ min: 1, max: 4 }),
      charMax: fc.integer({ min: 4, max: 6 }),
      charWeight: fc.constantFrom(0, 0.5, 1),
      bigrams: fc.boolean(),
    });
    fc.assert(
      fc.property(notes, configs, (text, cfg) => {
        expect(expenseFeatures(text, cfg)).toEqual(reference(text, cfg));
      }),
      { numRuns: 3000 },
    );
  });
});
