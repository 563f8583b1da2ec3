/** Model-card text per task: training data with licences and citations, method, limitations. */
import type { TrainingDataEntry } from './card';

export const UCI_DATA = (rows: number): TrainingDataEntry => ({
  name: 'UCI Sentiment Labelled Sentences (amazon, imdb, yelp)',
  path: 'data/sentiment/uci/',
  rows,
  licence:
    'CC BY 4.0 (as listed by the UCI repository; the sentences are excerpts of Amazon, IMDb and Yelp reviews whose own terms may also apply)',
  nonCommercial: false,
  citation:
    'Kotzias, D., Denil, M., de Freitas, N., Smyth, P. (2015). From Group to Individual Labels Using Deep Features. KDD 2015.',
});

export const AFINN_DATA: TrainingDataEntry = {
  name: 'AFINN-165 word list as shipped in the npm package `sentiment` 5.x (used as a weight prior)',
  path: 'node_modules/sentiment/languages/en/labels.json (read at training time only)',
  rows: 3382,
  licence:
    'MIT (npm package `sentiment`); upstream AFINN (github.com/fnielsen/afinn) is distributed under Apache-2.0 (the 2011 AFINN-111 release was ODbL 1.0)',
  nonCommercial: false,
  citation:
    'Nielsen, F. Å. (2011). A new ANEW: Evaluation of a word list for sentiment analysis in microblogs. ESWC 2011 Workshop on Making Sense of Microposts.',
};

export const VADER_DATA: TrainingDataEntry = {
  name: 'VADER lexicon as shipped in the npm package `vader-sentiment` 1.1.3 (used as a weight prior)',
  path: 'node_modules/vader-sentiment/vader_lexicon.txt (read at training time only)',
  rows: 7517,
  licence: 'Apache-2.0 (npm package `vader-sentiment`); upstream vaderSentiment lexicon is MIT',
  nonCommercial: false,
  citation:
    'Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text. ICWSM-14.',
};

export const OP_SPAM_DATA = (rows: number): TrainingDataEntry => ({
  name: 'Deceptive Opinion Spam Corpus v1.4 (op_spam), 70% training part',
  path: 'data/deception/op_spam/train.tsv',
  rows,
  licence: 'CC BY-NC-SA 3.0',
  nonCommercial: true,
  citation:
    'Ott, M., Choi, Y., Cardie, C., Hancock, J.T. (2011). Finding Deceptive Opinion Spam by Any Stretch of the Imagination. ACL-HLT 2011. Ott, M., Cardie, C., Hancock, J.T. (2013). Negative Deceptive Opinion Spam. NAACL-HLT 2013.',
});

export const EXPENSE_DATA = (generated: number, handwritten: number, mcc: number): TrainingDataEntry[] => [
  {
    name: 'Generated wedding expense notes (src/models/training/expense-generator.ts + data/expenses/vocabulary.json)',
    path: 'data/expenses/generated.tsv',
    rows: generated,
    licence: 'CC0-1.0 (written for this project)',
    nonCommercial: false,
    citation: 'WedSync, this repository.',
  },
  {
    name: 'Hand-written wedding expense notes (training part)',
    path: 'data/expenses/handwritten-train.tsv',
    rows: handwritten,
    licence: 'CC0-1.0 (written for this project)',
    nonCommercial: false,
    citation: 'WedSync, this repository.',
  },
  {
    name: 'Merchant Category Code descriptions mapped to wedding categories (data/mcc/wedding_map.tsv)',
    path: 'data/mcc/train.tsv',
    rows: mcc,
    licence: 'The Unlicense (public domain); descriptions from USDA/IRS MCC lists',
    nonCommercial: false,
    citation: 'github.com/greggles/mcc-codes',
  },
];
