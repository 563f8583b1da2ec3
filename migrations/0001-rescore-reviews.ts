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
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as path from 'node:path';
import { createModelEngine, defaultModelDir, type ModelEngine } from '../src/models';
import { LAYERS } from '../src/catalog/layers';
import { reviewText } from '../src/reviews';
import type { DocItem, Migration, MigrationContext } from '../src/migrations/ports';

const ITEMS_IN_FLIGHT = 10;

interface Score {
  readonly label: string;
  readonly confidence: number;
  readonly modelVersion: string;
  readonly variant: string;
}

type Verdict = 'changed' | 'unchanged' | 'conflict';

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

async function rescore(item: DocItem, context: MigrationContext, secondTry = false): Promise<Verdict> {
  const insights = storedScore(item);
  if (item.entity !== 'review' || insights?.status !== 'done' || !insights.sentiment) return 'unchanged';
  const score = currentScore(item);
  const stored = insights.sentiment;
  if (stored.modelVersion === score.modelVersion && stored.variant === score.variant) return 'unchanged';
  if (context.dryRun) return 'changed';
  const version = typeof item.version === 'number' ? item.version : undefined;
  try {
    await context.client.send(
      new UpdateCommand({
        TableName: context.tableName,
        Key: { pk: item.pk, sk: item.sk },
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
      }),
    );
    return 'changed';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    if (secondTry) return 'conflict';
    // Someone wrote the review since we read it: score what is stored now, once.
    const { Item } = await context.client.send(
      new GetCommand({
        TableName: context.tableName,
        Key: { pk: item.pk, sk: item.sk },
        ConsistentRead: true,
      }),
    );
    return Item ? rescore(Item, context, true) : 'unchanged';
  }
}

const migration: Migration = {
  id: '0001-rescore-reviews',
  description: 'Re-score stored reviews with the current sentiment model version',
  table: 'Reviews',
  pageSize: 100,
  filter: { expression: 'entity = :review', values: { ':review': 'review' } },
  async migratePage(items, context) {
    const verdicts: Verdict[] = [];
    for (let i = 0; i < items.length; i += ITEMS_IN_FLIGHT) {
      verdicts.push(
        ...(await Promise.all(items.slice(i, i + ITEMS_IN_FLIGHT).map((item) => rescore(item, context)))),
      );
    }
    return {
      scanned: items.length,
      changed: verdicts.filter((v) => v === 'changed').length,
      unchanged: verdicts.filter((v) => v === 'unchanged').length,
      conflicts: verdicts.filter((v) => v === 'conflict').length,
    };
  },
};

export default migration;
