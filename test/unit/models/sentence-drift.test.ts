import { join } from 'node:path';
import { countersFor, MODEL_ALARMS, psiAlarmState, summarise } from '#src/models';
import { DriftMonitor, histogram, loadModel, psi } from '#src/models/ml';
import { readHeldoutReviews, type HeldoutReview } from '#src/models/training/heldout-reviews';
import { MODELS_DIR, REPO_ROOT } from './helpers';

const model = loadModel('sentiment', MODELS_DIR);
const reviews = readHeldoutReviews(join(REPO_ROOT, 'test', 'fixtures', 'models'));

/** 120 texts cycling through `texts` (the alarms judge windows of at least 100 predictions). */
const window = (texts: readonly string[]) => Array.from({ length: 120 }, (_, i) => texts[i % texts.length]);

/** Positive share `p` of reviews, the rest negative, cycling through each side. */
function mix(rows: readonly HeldoutReview[], p: number): string[] {
  const pos = rows.filter((r) => r.label === 'positive');
  const neg = rows.filter((r) => r.label === 'negative');
  return Array.from(
    { length: 120 },
    (_, i) => (i % 10 < p * 10 ? pos[i % pos.length] : neg[i % neg.length]).text,
  );
}

/** The drift score the ops endpoint reports (shared counters) and the one the metric publishes. */
function driftOf(texts: readonly string[]) {
  const observations = model
    .predict(texts)
    .map((p) => ({ label: p.label, confidence: p.confidence, units: p.units }));
  const summary = summarise(countersFor(observations, model.reference.confidenceEdges), model.reference);
  const monitor = new DriftMonitor(model.reference, { windowSize: 1000, minCount: 100 });
  monitor.observeAll(observations);
  const report = monitor.report();
  expect(Math.max(report.labelPsi, report.confidencePsi)).toBeCloseTo(summary.driftScore, 2);
  expect(summary.driftUnit).toBe('sentence');
  return { summary, state: psiAlarmState(summary.driftScore, summary.predictions) };
}

const OTHER_LANGUAGE = [
  'Le photographe était formidable et les photos sont magnifiques. Nous le recommandons vivement.',
  'La salle était trop petite et le personnel désagréable. Nous sommes très déçus.',
  'Le traiteur a servi un repas délicieux, tous nos invités ont adoré.',
  'Der Fotograf war großartig und die Bilder sind wunderschön.',
  'Das Essen war kalt und das Personal unfreundlich.',
  'El lugar era precioso y el personal muy amable.',
  'La comida estaba fría y el servicio fue lento.',
  'Wir waren sehr zufrieden mit der Band, alle haben getanzt.',
];
const SPAM = [
  'Buy cheap followers now at www.best-deals.biz!!! Limited offer, click here.',
  'Earn $5000 a week from home, call 07700 900123 today.',
  'Visit my site for free gift cards: bit.ly/xyz123',
  'CHEAP RAY BAN SUNGLASSES 90% OFF http://shop.example',
  'Get rich quick crypto signals, join telegram @moneyguru',
  'SEO services for your business, contact seo@spam.example',
];

describe('sentiment drift per sentence', () => {
  it('stays below the alarm threshold on ordinary reviews of other domains and lengths', () => {
    const product = reviews.filter((r) => r.set === 'product');
    const long = reviews.filter((r) => r.set === 'polar');
    for (const texts of [
      window(product.map((r) => r.text)), // short product reviews, 81% positive
      mix(long, 0.8), // long wedding, hotel and restaurant reviews, 80% positive
      mix(reviews, 0.8), // every domain together (wedding, hotel, restaurant, clothing, home, electronics)
    ]) {
      const { summary, state } = driftOf(texts);
      expect(summary.driftScore).toBeLessThan(MODEL_ALARMS.psiAbove);
      expect(state).toBe('OK');
    }
  });

  it('would have alarmed on long reviews had it compared whole documents', () => {
    const predictions = model.predict(
      mix(
        reviews.filter((r) => r.set === 'polar'),
        0.8,
      ),
    );
    const documentPsi = psi(
      model.reference.confidence,
      histogram(
        predictions.map((p) => p.confidence),
        model.reference.confidenceEdges,
      ),
    );
    expect(documentPsi).toBeGreaterThan(MODEL_ALARMS.psiAbove);
  });

  it('crosses the threshold on another language, on spam and on a changed rating mix', () => {
    expect(driftOf(window(OTHER_LANGUAGE)).state).toBe('ALARM');
    expect(driftOf(window(SPAM)).state).toBe('ALARM');
    expect(
      driftOf(
        mix(
          reviews.filter((r) => r.set !== 'product'),
          0.2,
        ),
      ).state,
    ).toBe('ALARM');
  });
});
