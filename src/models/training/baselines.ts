/**
 * The lexicon baselines, run as their packages ship them: `sentiment` (AFINN), `vader-sentiment`
 * and `wink-nlp` with `wink-eng-lite-web-model`. Rule: score > 0 positive, < 0 negative,
 * exactly 0 -> null (counted wrong).
 */
import Sentiment from 'sentiment';
import winkNLP from 'wink-nlp';
import winkModel from 'wink-eng-lite-web-model';

interface VaderModule {
  SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
}
// vader-sentiment ships no type declarations; this is the one function used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vaderModule = require('vader-sentiment') as VaderModule;

export type Scorer = (text: string) => number;

export function afinnScorer(): Scorer {
  const s = new Sentiment();
  return (text) => s.analyze(text).score;
}

export function vaderScorer(): Scorer {
  return (text) => vaderModule.SentimentIntensityAnalyzer.polarity_scores(text).compound;
}

export function winkScorer(): Scorer {
  const nlp = winkNLP(winkModel);
  return (text) => nlp.readDoc(text).out(nlp.its.sentiment) as number;
}

export const BASELINES: Readonly<Record<string, () => Scorer>> = {
  'afinn (sentiment)': afinnScorer,
  'vader-sentiment': vaderScorer,
  'wink-nlp': winkScorer,
};

export function lexiconLabel(score: number): string | null {
  return score > 0 ? 'positive' : score < 0 ? 'negative' : null;
}

/**
 * The baseline's label for scoring: a score of exactly 0 becomes the label opposite to the gold
 * one, so it counts as wrong in accuracy AND as a false positive of the other class in macro-F1
 * (this reproduces the data README's baseline figures exactly).
 */
export function lexiconPrediction(score: number, gold: string): string {
  return lexiconLabel(score) ?? (gold === 'positive' ? 'negative' : 'positive');
}
