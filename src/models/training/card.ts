/**
 * Model cards (`card.json` beside each `model.json`) and deterministic writing of the artifact's
 * files (`model.json` and, in format `wedsync-linear-v3`, `weights.bin`) and the card.
 * Where an artifact goes is decided here: a card with a non-commercial licence is written to
 * the evaluation-only folder unless non-commercial artifacts are explicitly allowed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ARTIFACT_FORMAT,
  FILES_ARTIFACT_FORMAT,
  outputCount,
  type ModelArtifact,
  type ReferenceDistribution,
  type Task,
} from '../ml/artifact';
import { encodedWeights, WEIGHTS_FILE, weightsFileBytes, type WeightsFileRef } from '../ml/codec';
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
  readonly artifact: {
    readonly file: 'model.json';
    readonly bytes: number;
    readonly sha256: string;
    /** The weights file of a `wedsync-linear-v3` artifact (its size and hash are in `model.json` too). */
    readonly weights?: {
      readonly file: typeof WEIGHTS_FILE;
      readonly bytes: number;
      readonly sha256: string;
    };
  };
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

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** The single-file form (`wedsync-linear-v2`, base64 weights): training's output and the model store. */
export function serialiseArtifact(a: ModelArtifact): string {
  const weights = encodedWeights(a.weights, 2 ** a.features.bits, outputCount(a));
  return `${JSON.stringify({ ...a, format: ARTIFACT_FORMAT, weights })}\n`;
}

/** The models layer's form (`wedsync-linear-v3`): `model.json` and the weights file it names. */
export interface ArtifactFiles {
  readonly model: string;
  readonly weights: Buffer;
}

export function artifactFiles(a: ModelArtifact): ArtifactFiles {
  const weights = weightsFileBytes(a.weights);
  const ref: WeightsFileRef = {
    count: a.weights.count,
    scale: a.weights.scale,
    groupBits: a.weights.groupBits,
    file: WEIGHTS_FILE,
    bytes: weights.length,
    sha256: sha256Hex(weights),
  };
  return { model: `${JSON.stringify({ ...a, format: FILES_ARTIFACT_FORMAT, weights: ref })}\n`, weights };
}

/** The card's `artifact` entry for the files of an artifact. */
export function cardArtifact(files: ArtifactFiles): ModelCard['artifact'] {
  return {
    file: 'model.json',
    bytes: Buffer.byteLength(files.model),
    sha256: sha256Hex(files.model),
    weights: { file: WEIGHTS_FILE, bytes: files.weights.length, sha256: sha256Hex(files.weights) },
  };
}

/** Writes an artifact's files into `dir`. */
export function writeArtifactFiles(dir: string, files: ArtifactFiles): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, WEIGHTS_FILE), files.weights);
  writeFileSync(join(dir, 'model.json'), files.model);
}

/**
 * Writes the artifact (`model.json`, `weights.bin`) and `card.json`; returns the folder. Refuses NC
 * cards in the layer unless allowed.
 */
export function writeArtifact(
  artifact: ModelArtifact,
  draft: CardDraft,
  d: Destinations,
): { dir: string; card: ModelCard } {
  const dir = artifactDir(draft, artifact.task, artifact.version, d);
  const inLayer = dir.startsWith(join(d.layerDir, 'nodejs'));
  if (inLayer) assertDeployable(draft, dir, { allowNonCommercial: d.allowNonCommercial });
  const files = artifactFiles(artifact);
  const card: ModelCard = {
    task: draft.task,
    version: draft.version,
    modelVersion: `${artifact.task}@${artifact.version}`,
    date: draft.date,
    deployable: inLayer,
    artifact: cardArtifact(files),
    method: draft.method,
    parameters: draft.parameters,
    licence: draft.licence,
    intendedUse: draft.intendedUse,
    limitations: draft.limitations,
    ...(draft.monitoring ? { monitoring: draft.monitoring } : {}),
    referenceDistribution: artifact.reference,
    evaluation: draft.evaluation,
  };
  writeArtifactFiles(dir, files);
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
