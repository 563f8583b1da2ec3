/**
 * Model cards (`card.json` beside each `model.json`) and deterministic writing of both files.
 * Where an artifact goes is decided here: a card with a non-commercial licence is written to
 * the evaluation-only folder unless non-commercial artifacts are explicitly allowed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelArtifact, ReferenceDistribution, Task } from '../ml/artifact';
import {
  assertDeployable,
  cardIsNonCommercial,
  type CardLicensing,
  type DataLicence,
} from '../ml/licence-gate';

export interface TrainingDataEntry extends DataLicence {
  readonly path: string;
  readonly rows: number;
  readonly citation: string;
}

export interface ModelCard extends CardLicensing {
  readonly task: Task;
  readonly version: string;
  readonly modelVersion: string;
  readonly date: string;
  readonly deployable: boolean;
  readonly artifact: { readonly file: 'model.json'; readonly bytes: number; readonly sha256: string };
  readonly method: string;
  readonly parameters: Record<string, unknown>;
  readonly licence: CardLicensing['licence'] & { readonly trainingData: readonly TrainingDataEntry[] };
  readonly intendedUse: string;
  readonly limitations: readonly string[];
  /** How the model is watched in production (drift unit, bias slices) and what is done about it. */
  readonly monitoring?: Record<string, unknown>;
  readonly referenceDistribution: ReferenceDistribution;
  readonly evaluation: unknown;
}

export type CardDraft = Omit<ModelCard, 'artifact' | 'modelVersion' | 'deployable' | 'referenceDistribution'>;

export interface Destinations {
  /** The Lambda layer folder (`layers/models`); artifacts go to `<layer>/nodejs/models/<task>/<version>`. */
  readonly layerDir: string;
  /** Evaluation-only folder (`models-eval`); artifacts go to `<evalDir>/<task>/<version>`. */
  readonly evalDir: string;
  readonly allowNonCommercial: boolean;
}

export function artifactDir(card: CardLicensing, task: Task, version: string, d: Destinations): string {
  const deployable = !cardIsNonCommercial(card) || d.allowNonCommercial;
  return deployable ? join(d.layerDir, 'nodejs', 'models', task, version) : join(d.evalDir, task, version);
}

export function serialiseArtifact(a: ModelArtifact): string {
  return `${JSON.stringify(a)}\n`;
}

/** Writes `model.json` and `card.json`; returns the folder. Refuses NC cards in the layer unless allowed. */
export function writeArtifact(
  artifact: ModelArtifact,
  draft: CardDraft,
  d: Destinations,
): { dir: string; card: ModelCard } {
  const dir = artifactDir(draft, artifact.task, artifact.version, d);
  const inLayer = dir.startsWith(join(d.layerDir, 'nodejs'));
  if (inLayer) assertDeployable(draft, dir, { allowNonCommercial: d.allowNonCommercial });
  const modelText = serialiseArtifact(artifact);
  const card: ModelCard = {
    task: draft.task,
    version: draft.version,
    modelVersion: `${artifact.task}@${artifact.version}`,
    date: draft.date,
    deployable: inLayer,
    artifact: {
      file: 'model.json',
      bytes: Buffer.byteLength(modelText),
      sha256: createHash('sha256').update(modelText).digest('hex'),
    },
    method: draft.method,
    parameters: draft.parameters,
    licence: draft.licence,
    intendedUse: draft.intendedUse,
    limitations: draft.limitations,
    ...(draft.monitoring ? { monitoring: draft.monitoring } : {}),
    referenceDistribution: artifact.reference,
    evaluation: draft.evaluation,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), modelText);
  writeFileSync(join(dir, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
  return { dir, card };
}

/** Replaces the `evaluation` section of an existing card (used by `npm run eval`). */
export function updateCardEvaluation(dir: string, evaluation: unknown): boolean {
  const path = join(dir, 'card.json');
  if (!existsSync(path)) return false;
  const card = JSON.parse(readFileSync(path, 'utf8')) as ModelCard;
  writeFileSync(path, `${JSON.stringify({ ...card, evaluation }, null, 2)}\n`);
  return true;
}
