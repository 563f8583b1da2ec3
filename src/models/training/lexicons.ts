/**
 * Word valences from the AFINN-165 list shipped in the `sentiment` package (MIT) and the VADER
 * lexicon shipped in `vader-sentiment` (Apache-2.0), read from node_modules at TRAINING time only.
 * They become the prior of the sentiment model's weights; nothing here is loaded at run time.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Valence in [-1, 1] per lower-case entry (single words and two-word phrases). */
export type Lexicon = ReadonlyMap<string, number>;

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

export function afinn(): Lexicon {
  const raw = JSON.parse(
    readFileSync(join(packageDir('sentiment'), 'languages', 'en', 'labels.json'), 'utf8'),
  ) as Record<string, number>;
  return new Map(Object.entries(raw).map(([w, v]) => [w.toLowerCase(), v / 5]));
}

export function vader(): Lexicon {
  const lines = readFileSync(join(packageDir('vader-sentiment'), 'vader_lexicon.txt'), 'utf8').split('\n');
  const out = new Map<string, number>();
  for (const line of lines) {
    const [word, mean] = line.split('\t');
    if (word && mean !== undefined) out.set(word.toLowerCase(), Number(mean) / 4);
  }
  return out;
}

/** Mean of the valences of the lexicons that list an entry; sorted by entry for determinism. */
export function combinedLexicon(lexicons: readonly Lexicon[]): Lexicon {
  const sums = new Map<string, [number, number]>();
  for (const lex of lexicons) {
    for (const [w, v] of lex) {
      const s = sums.get(w) ?? [0, 0];
      sums.set(w, [s[0] + v, s[1] + 1]);
    }
  }
  return new Map(
    [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([w, [s, c]]) => [w, s / c]),
  );
}
