/**
 * Sentiment: candidate comparison by leave-one-domain-out (LODO) on the UCI sentences, the
 * lexicon baselines in the same run, calibration, reference distribution, and the final fit.
 */
import type { ModelArtifact } from '../ml/artifact';
import { modelFromArtifact } from '../ml/model';
import type { Prediction } from '../ml/prediction';
import { BASELINES, lexiconPrediction } from './baselines';
import {
  SENTIMENT_CANDIDATES,
  SENTIMENT_MIN_WEIGHT,
  SEED,
  VERSIONS,
  type SentimentCandidate,
} from './config';
import { lengthBucket, UCI_DOMAINS, type LabelledText } from './datasets';
import { fitArtifact, referenceFrom, type Recipe } from './fit';
import { fitTemperature } from './calibrate';
import type { Lexicon } from './lexicons';
import { classificationMetrics, expectedCalibrationError, sliceMetrics, type SliceReport } from './metrics';
import { trainNaiveBayes } from './nb';
import { lexiconPrior } from './prior';
import { createRng, shuffled } from './rng';
import { heldoutReport, type HeldoutReport, type HeldoutReview } from './heldout-reviews';

export const SENTIMENT_LABELS = ['negative', 'positive'] as const;
const LABELS: string[] = [...SENTIMENT_LABELS];

export interface Summary {
  readonly n: number;
  readonly accuracy: number;
  readonly macroF1: number;
}

export interface SlicedSummary {
  readonly all: Summary;
  readonly byDomain: SliceReport;
  readonly byLength: SliceReport;
}

function summary(gold: readonly string[], pred: readonly (string | null)[]): Summary {
  const m = classificationMetrics(gold, pred, LABELS);
  return { n: m.n, accuracy: m.accuracy, macroF1: m.macroF1 };
}

export function sliced(rows: readonly LabelledText[], pred: readonly (string | null)[]): SlicedSummary {
  const gold = rows.map((r) => r.label);
  return {
    all: summary(gold, pred),
    byDomain: sliceMetrics(
      gold,
      pred,
      rows.map((r) => `domain:${r.source}`),
      LABELS,
    ),
    byLength: sliceMetrics(
      gold,
      pred,
      rows.map((r) => lengthBucket(r.text)),
      LABELS,
    ),
  };
}

export function recipeFor(
  c: SentimentCandidate,
  lexicon: Lexicon,
  aggregation: ModelArtifact['aggregation'] = 'sentence-mean',
): Recipe {
  return {
    task: 'sentiment',
    version: VERSIONS.sentiment,
    labels: LABELS,
    features: c.features,
    aggregation,
    ftrl: c.ftrl,
    prior: c.prior ? lexiconPrior(lexicon, c.features, c.prior) : undefined,
    minWeight: SENTIMENT_MIN_WEIGHT,
  };
}

/**
 * Synthetic multi-sentence reviews built from one domain's sentences: 300 documents of 3-8
 * sentences, the document label being the label of the majority (the minority share varies).
 * A proxy for paragraph-length reviews; the real out-of-domain sets are not available here.
 */
export function syntheticReviews(sentences: readonly LabelledText[], seed: number): LabelledText[] {
  const rng = createRng(seed);
  const pos = shuffled(
    sentences.filter((s) => s.label === 'positive'),
    rng,
  );
  const neg = shuffled(
    sentences.filter((s) => s.label === 'negative'),
    rng,
  );
  const out: LabelledText[] = [];
  let pi = 0;
  let ni = 0;
  for (let d = 0; d < 300; d++) {
    const label = d % 2 === 0 ? 'negative' : 'positive';
    const k = 3 + Math.floor(rng() * 6);
    const minority = Math.floor(rng() * (Math.floor((k - 1) / 2) + 1));
    const parts: string[] = [];
    for (let i = 0; i < k; i++) {
      const usePositive = (label === 'positive') === i >= minority;
      parts.push(usePositive ? pos[pi++ % pos.length].text : neg[ni++ % neg.length].text);
    }
    const text = shuffled(parts, rng)
      .map((s) => (/[.!?]$/.test(s) ? s : `${s}.`))
      .join(' ');
    out.push({ text, label, source: sentences[0].source });
  }
  return out;
}

interface LodoRun {
  readonly predictions: Prediction[];
  readonly logits: number[][];
  readonly synthetic: { rows: LabelledText[]; predictions: Prediction[] };
}

/** Trains on two domains and predicts the third, for each domain; predictions come back in row order. */
function lodo(recipe: Recipe, rows: readonly LabelledText[], withSynthetic: boolean): LodoRun {
  const predictions = new Array<Prediction>(rows.length);
  const logits = new Array<number[]>(rows.length);
  const synthRows: LabelledText[] = [];
  const synthPred: Prediction[] = [];
  for (const domain of UCI_DOMAINS) {
    const model = modelFromArtifact(
      fitArtifact(
        recipe,
        rows.filter((r) => r.source !== domain),
      ),
    );
    rows.forEach((r, i) => {
      if (r.source !== domain) return;
      logits[i] = model.logits(r.text);
      predictions[i] = model.predict([r.text])[0];
    });
    if (withSynthetic) {
      const docs = syntheticReviews(
        rows.filter((r) => r.source === domain),
        SEED,
      );
      synthRows.push(...docs);
      synthPred.push(...model.predict(docs.map((d) => d.text)));
    }
  }
  return { predictions, logits, synthetic: { rows: synthRows, predictions: synthPred } };
}

/** Stratified-by-order k-fold (rows shuffled with a fixed seed) in-domain cross-validation. */
function kFold(recipe: Recipe, rows: readonly LabelledText[], k: number): Prediction[] {
  const order = shuffled(
    rows.map((_, i) => i),
    createRng(SEED),
  );
  const fold = new Array<number>(rows.length);
  order.forEach((row, pos) => (fold[row] = pos % k));
  const out = new Array<Prediction>(rows.length);
  for (let f = 0; f < k; f++) {
    const model = modelFromArtifact(
      fitArtifact(
        recipe,
        rows.filter((_, i) => fold[i] !== f),
      ),
    );
    rows.forEach((r, i) => {
      if (fold[i] === f) out[i] = model.predict([r.text])[0];
    });
  }
  return out;
}

/** Full sentiment run: baselines, candidates, selection, calibration, final fit. */
export function runSentiment(
  rows: readonly LabelledText[],
  lexicon: Lexicon,
  heldout: readonly HeldoutReview[] = [],
  referenceReviews: readonly string[] = [],
) {
  const gold = rows.map((r) => r.label);

  const baselines: Record<string, unknown> = {};
  const baselineSynthetic: Record<string, Summary> = {};
  const allSynthetic = UCI_DOMAINS.flatMap((d) =>
    syntheticReviews(
      rows.filter((r) => r.source === d),
      SEED,
    ),
  );
  for (const [name, make] of Object.entries(BASELINES)) {
    const score = make();
    baselines[name] = sliced(
      rows,
      rows.map((r) => lexiconPrediction(score(r.text), r.label)),
    );
    baselineSynthetic[name] = summary(
      allSynthetic.map((r) => r.label),
      allSynthetic.map((r) => lexiconPrediction(score(r.text), r.label)),
    );
  }

  const nbPred = new Array<string>(rows.length);
  for (const domain of UCI_DOMAINS) {
    const nb = trainNaiveBayes(
      rows.filter((r) => r.source !== domain),
      LABELS,
    );
    rows.forEach((r, i) => {
      if (r.source === domain) nbPred[i] = nb(r.text);
    });
  }

  const candidates = SENTIMENT_CANDIDATES.map((c) => {
    const run = lodo(recipeFor(c, lexicon), rows, false);
    const s = sliced(
      rows,
      run.predictions.map((p) => p.label),
    );
    const domains = Object.values(s.byDomain.slices);
    return {
      candidate: c,
      report: {
        name: c.name,
        description: c.description,
        lodoByDomain: s.byDomain.slices,
        meanAccuracy:
          Math.round((domains.reduce((a, d) => a + d.accuracy, 0) / domains.length) * 10000) / 10000,
        meanMacroF1:
          Math.round((domains.reduce((a, d) => a + d.macroF1, 0) / domains.length) * 10000) / 10000,
      },
    };
  });
  const best = candidates.reduce((a, b) => (b.report.meanMacroF1 > a.report.meanMacroF1 ? b : a));
  const chosen = best.candidate;
  const recipe = recipeFor(chosen, lexicon);

  const run = lodo(recipe, rows, true);
  const temperature = fitTemperature(
    run.logits,
    gold.map((g) => LABELS.indexOf(g)),
  );
  const calibrated = run.logits.map((z) => 1 / (1 + Math.exp(-z[0] / temperature)));
  const calibratedPredictions: Prediction[] = calibrated.map((p) => ({
    label: p >= 0.5 ? 'positive' : 'negative',
    confidence: p >= 0.5 ? p : 1 - p,
    modelVersion: `sentiment@${VERSIONS.sentiment}`,
  }));
  const correct = (ps: readonly Prediction[]) => ps.map((p, i) => p.label === gold[i]);
  const documentRun = lodo(recipeFor(chosen, lexicon, 'document'), rows, true);
  const sqrtRun = lodo(recipeFor(chosen, lexicon, 'sentence-sqrt'), rows, true);
  const inDomain = kFold(recipe, rows, 10);
  const reference = referenceFrom(
    calibratedPredictions,
    LABELS,
    'out-of-domain (leave-one-domain-out) predictions on the 3,000 UCI sentences, calibrated',
  );

  const evaluation = {
    data: 'UCI Sentiment Labelled Sentences: 3,000 sentences, amazon/imdb/yelp 1,000 each, balanced',
    protocol: [
      'Lexicon baselines: run as shipped on all 3,000 sentences (no training); score > 0 positive, < 0 negative, exactly 0 counted as the wrong label.',
      'Our models: leave-one-domain-out (LODO) = train on two UCI domains, test on the third; this is the out-of-domain proxy and the selection criterion (mean macro-F1 over the three domains).',
      'In-domain: 10-fold cross-validation over all 3,000 sentences (optimistic: same domains in train and test).',
      'Synthetic multi-sentence reviews: 300 documents of 3-8 held-out-domain sentences per LODO fold, labelled by the majority sentence label (a proxy for paragraph reviews; not real reviews).',
      'The candidate was selected on LODO, so the LODO figure of the chosen model is slightly optimistic; the real out-of-domain test sets (hotel, clothing) are not in the repository and were never used.',
    ],
    baselines,
    baselinesOnSyntheticReviews: baselineSynthetic,
    naiveBayesReference: sliced(rows, nbPred),
    candidates: candidates.map((c) => c.report),
    chosen: chosen.name,
    chosenModel: {
      leaveOneDomainOut: sliced(
        rows,
        run.predictions.map((p) => p.label),
      ),
      inDomainCv10: sliced(
        rows,
        inDomain.map((p) => p.label),
      ),
      syntheticReviews: {
        'sentence-mean (shipped)': summary(
          run.synthetic.rows.map((r) => r.label),
          run.synthetic.predictions.map((p) => p.label),
        ),
        'sentence-sqrt (ablation)': summary(
          sqrtRun.synthetic.rows.map((r) => r.label),
          sqrtRun.synthetic.predictions.map((p) => p.label),
        ),
        'document (ablation)': summary(
          documentRun.synthetic.rows.map((r) => r.label),
          documentRun.synthetic.predictions.map((p) => p.label),
        ),
        eceSentenceMean: expectedCalibrationError(
          run.synthetic.predictions.map((p) => p.confidence),
          run.synthetic.predictions.map((p, i) => p.label === run.synthetic.rows[i].label),
        ),
        eceSentenceSqrt: expectedCalibrationError(
          sqrtRun.synthetic.predictions.map((p) => p.confidence),
          sqrtRun.synthetic.predictions.map((p, i) => p.label === sqrtRun.synthetic.rows[i].label),
        ),
        eceDocument: expectedCalibrationError(
          documentRun.synthetic.predictions.map((p) => p.confidence),
          documentRun.synthetic.predictions.map((p, i) => p.label === documentRun.synthetic.rows[i].label),
        ),
      },
      calibration: {
        temperature,
        eceLodoBefore: expectedCalibrationError(
          run.predictions.map((p) => p.confidence),
          correct(run.predictions),
        ),
        eceLodoAfter: expectedCalibrationError(
          calibratedPredictions.map((p) => p.confidence),
          correct(calibratedPredictions),
        ),
      },
    },
    notMeasuredHere:
      'Data README, held-out sets not in the repo: NB trained on UCI 91.0/91.0 (hotel) and 77.3/65.5 (clothing); AFINN 73.8/71.4 and 87.3/54.5; VADER 75.2/73.2 and 89.3/63.1; wink 74.4/72.1 and 89.6/68.3 (accuracy/macro-F1 %).',
  };

  const artifact = withSentenceReference(fitArtifact(recipe, rows, temperature, reference), referenceReviews);
  const heldoutReviews = evaluateHeldout(
    heldout,
    artifact,
    fitArtifact(recipeFor(chosen, lexicon, 'sentence-sqrt'), rows, temperature),
  );
  return { evaluation: { ...evaluation, heldoutReviews }, chosen, artifact };
}

/**
 * Drift reference per sentence (the unit drift is measured on): the confidence histogram of the
 * calibrated out-of-domain sentence predictions above, and the label shares of the sentences of
 * ordinary wedding reviews with a realistic rating mix (data/sentiment/reference/), as scored by
 * the final model: UCI is balanced, real traffic is mostly positive.
 */
function withSentenceReference(artifact: ModelArtifact, reviews: readonly string[]): ModelArtifact {
  if (reviews.length === 0) return artifact;
  const units = modelFromArtifact(artifact)
    .predict(reviews)
    .flatMap((p) => p.units ?? []);
  const r4 = (x: number): number => Math.round(x * 10000) / 10000;
  const labels = Object.fromEntries(
    [...LABELS].sort().map((l) => [l, r4(units.filter((u) => u.label === l).length / units.length)]),
  );
  return {
    ...artifact,
    reference: {
      ...artifact.reference,
      labels,
      source: `per sentence: confidence of ${artifact.reference.count} out-of-domain (LODO) UCI sentence predictions, calibrated; label shares of the ${units.length} sentences of ${reviews.length} ordinary wedding reviews (data/sentiment/reference/)`,
    },
  };
}

/**
 * The shipped artifact (trained on all of UCI), its sentence-sqrt ablation and the lexicon
 * baselines on the hand-written held-out reviews: text none of them was trained or tuned on.
 */
function evaluateHeldout(
  heldout: readonly HeldoutReview[],
  shipped: ModelArtifact,
  sqrtAblation: ModelArtifact,
): { protocol: string; n: number; models: Record<string, HeldoutReport> } | null {
  if (heldout.length === 0) return null;
  const texts = heldout.map((r) => r.text);
  const models: Record<string, HeldoutReport> = {};
  models['ours (shipped)'] = heldoutReport(
    heldout,
    modelFromArtifact(shipped)
      .predict(texts)
      .map((p) => p.label),
  );
  models['ours, sentence-sqrt (ablation)'] = heldoutReport(
    heldout,
    modelFromArtifact(sqrtAblation)
      .predict(texts)
      .map((p) => p.label),
  );
  for (const [name, make] of Object.entries(BASELINES)) {
    const score = make();
    models[name] = heldoutReport(
      heldout,
      heldout.map((r) => lexiconPrediction(score(r.text), r.label)),
    );
  }
  return {
    protocol:
      'Hand-written reviews in test/fixtures/models/reviews-heldout.tsv (CC0): never trained on and never used to choose a candidate or a setting. Lexicon score 0 counts as wrong. Short = at most 25 words.',
    n: heldout.length,
    models,
  };
}

export type SentimentEvaluation = ReturnType<typeof runSentiment>['evaluation'];
