/**
 * Re-score stored reviews with the current sentiment model (issue 11): each review whose stored
 * sentiment came from another model version than its supplier's current variant gets the current
 * model's label and confidence. Authenticity signals are kept: they depend on the neighbouring
 * reviews of the moment it arrived, not on the sentiment model alone. Reviews whose inference is
 * still pending are left to the inference-retry queue.
 *
 * Ingestion is never clobbered: each update is conditional on the review's `version` (bumped by
 * every edit) and on the model version read, so an edit or a retry that lands between our read and
 * our write wins; we then re-read that review once and score its new text, or count a conflict.
 * Items already scored by the current version are unchanged, so a page applied twice (a crash
 * before its checkpoint) changes nothing the second time.
 */
import * as path from 'node:path';
import { createModelEngine, defaultModelDir, type ModelEngine } from '../src/models';
import { LAYERS } from '../src/catalog/layers';
import { reviewText } from '../src/reviews';
import { itemUpdateMigration, type ItemUpdate } from '../src/migrations/adapters/item-update-migration';
import type { DocItem } from '../src/migrations/ports';

interface Score {
  readonly label: string;
  readonly confidence: number;
  readonly modelVersion: string;
  readonly variant: string;
}

let engine: ModelEngine | undefined;
/**
 * The models the functions load: WEDSYNC_MODEL_DIR where set (the local mode sets it), else the
 * models layer's folder in this repository (the same artifacts the deployed layer is built from).
 */
const modelDir = () =>
  process.env.WEDSYNC_MODEL_DIR
    ? defaultModelDir()
    : path.join(__dirname, '..', LAYERS.find((l) => l.id === 'Models')!.localModelDir);
const models = () => (engine ??= createModelEngine(modelDir()));

/** The current model's score of a review (the supplier's A/B variant, as ingestion does). */
export function currentScore(item: DocItem): Score {
  const { variant, model } = models().forSupplier('sentiment', String(item.supplierId));
  const [prediction] = model.predict([
    reviewText({ title: String(item.title ?? ''), body: String(item.body ?? '') }),
  ]);
  if (!prediction) throw new Error('the sentiment model returned no prediction');
  return {
    label: prediction.label,
    confidence: Math.round(prediction.confidence * 10_000) / 10_000,
    modelVersion: prediction.modelVersion,
    variant,
  };
}

const storedScore = (item: DocItem) =>
  (item.insights as { status?: string; sentiment?: Partial<Score> } | undefined) ?? undefined;

/** The current model's score, where the stored one came from another version or variant. */
function rescoreUpdate(item: DocItem): ItemUpdate | undefined {
  const insights = storedScore(item);
  if (item.entity !== 'review' || insights?.status !== 'done' || !insights.sentiment) return undefined;
  const score = currentScore(item);
  const stored = insights.sentiment;
  if (stored.modelVersion === score.modelVersion && stored.variant === score.variant) return undefined;
  const version = typeof item.version === 'number' ? item.version : undefined;
  return {
    UpdateExpression: 'SET insights.sentiment = :score',
    ConditionExpression:
      (version === undefined ? 'attribute_not_exists(#version)' : '#version = :version') +
      ' AND insights.#status = :done AND insights.sentiment.modelVersion = :read',
    ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
    ExpressionAttributeValues: {
      ':score': score,
      ':done': 'done',
      ':read': stored.modelVersion,
      ...(version === undefined ? {} : { ':version': version }),
    },
  };
}

export default itemUpdateMigration({
  id: '0001-rescore-reviews',
  description: 'Re-score stored reviews with the current sentiment model version',
  table: 'Reviews',
  pageSize: 100,
  filter: { expression: 'entity = :review', values: { ':review': 'review' } },
  updateFor: rescoreUpdate,
});
