/**
 * Multinomial naive Bayes on lower-cased unigrams and bigrams with Laplace smoothing: the
 * reference model of the data README, re-implemented so the comparison runs in the same harness.
 * Evaluation only; never shipped.
 */
import type { LabelledText } from './datasets';

function features(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
  const out = [...words];
  for (let i = 1; i < words.length; i++) out.push(`${words[i - 1]} ${words[i]}`);
  return out;
}

export function trainNaiveBayes(
  rows: readonly LabelledText[],
  labels: readonly string[],
): (text: string) => string {
  const counts = labels.map(() => new Map<string, number>());
  const totals = labels.map(() => 0);
  const docs = labels.map(() => 0);
  const vocab = new Set<string>();
  for (const r of rows) {
    const c = labels.indexOf(r.label);
    docs[c]++;
    for (const f of features(r.text)) {
      counts[c].set(f, (counts[c].get(f) ?? 0) + 1);
      totals[c]++;
      vocab.add(f);
    }
  }
  const v = vocab.size;
  return (text) => {
    const fs = features(text).filter((f) => vocab.has(f));
    let best = 0;
    let bestScore = -Infinity;
    labels.forEach((_, c) => {
      let s = Math.log(docs[c] / rows.length);
      for (const f of fs) s += Math.log(((counts[c].get(f) ?? 0) + 1) / (totals[c] + v));
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    });
    return labels[best];
  };
}
