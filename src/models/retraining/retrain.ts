/**
 * The retraining job (ADR 0026), the same code in the scheduled Lambda and `npm run retrain`.
 * 1. Read the active configuration; while a canary runs, do nothing (one experiment at a time).
 * 2. Load the current control model (layer or store, checksum checked).
 * 3. Read at most `maxReviewsRead` stored reviews of the lookback window; weak-label them by their
 *    stars and hold a deterministic share back for recent agreement.
 * 4. Fit the candidate from the current model on the original data plus the weak labels, under the
 *    next free version.
 * 5. Evaluate both models on the frozen gold set and the held-back reviews; ask the policy.
 * 6. Store the candidate and its card (always: a rejected candidate is kept for inspection).
 * 7. If it beats the current model by the margin, start it as the canary at its traffic share.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  listVersions,
  modelFromArtifact,
  parseArtifact,
  parseRegistries,
  readArtifact as readLayerArtifact,
  type Model,
  type ModelArtifact,
} from '../ml';
import { modelCard, referenceAgreement } from '../inference/model-cards';
import type { LabelledText } from '../training/datasets';
import type { ModelStore } from '../ports';
import {
  nextVersion,
  parseActiveConfig,
  sha256Hex,
  type ActiveModelConfig,
  type ModelRef,
} from './active-config';
import { evaluateModel } from './evaluate';
import { fitCandidate, RETRAIN_FTRL } from './fit-candidate';
import {
  candidateVerdict,
  ROLLOUT_POLICY,
  type CandidateVerdict,
  type RolloutPolicy,
} from './rollout-policy';
import type { RetrainingData } from './training-data';
import { splitWeakLabels, type StoredReviewSample } from './weak-labels';

export const RETRAINING = {
  /** The most stored reviews one run reads (the job's bound on time and memory). */
  maxReviewsRead: 20_000,
  /** Only reviews stored within this many days. */
  lookbackDays: 90,
  /** Share of the weak-labelled reviews held back to measure recent agreement. */
  holdoutShare: 0.2,
} as const;

export type RetrainingSettings = { readonly [K in keyof typeof RETRAINING]: number };

/** Stored reviews with their stars, newest storage first as far as the store can tell. */
export interface ReviewSampleSource {
  ratedReviews(since: Date, max: number, onProgress: (read: number) => void): Promise<StoredReviewSample[]>;
}

export interface RetrainDeps {
  readonly store: ModelStore;
  readonly reviews: ReviewSampleSource;
  /** The Models layer's models folder (the known-good models and the cards of layer versions). */
  readonly layerDir: string;
  readonly data: RetrainingData;
  readonly now: () => Date;
  readonly progress: (message: string, detail?: Record<string, unknown>) => void;
}

export type RetrainOutcome =
  | { readonly outcome: 'canary-running'; readonly canaryVersion: string }
  | {
      readonly outcome: 'canary-started' | 'candidate-rejected';
      readonly version: string;
      readonly sha256: string;
      readonly verdict: CandidateVerdict;
      readonly revision?: number;
    };

export const TASK = 'sentiment' as const;

export async function retrainSentiment(
  deps: RetrainDeps,
  settings: RetrainingSettings = RETRAINING,
  policy: RolloutPolicy = ROLLOUT_POLICY,
): Promise<RetrainOutcome> {
  const now = deps.now();
  const raw = await deps.store.readActive(TASK);
  const config: ActiveModelConfig | null = raw === null ? null : parseActiveConfig(raw);
  if (config?.canary) return { outcome: 'canary-running', canaryVersion: config.canary.model.version };

  const control: ModelRef = config?.control ?? {
    version: layerControlVersion(deps.layerDir),
    source: 'layer',
  };
  const currentArtifact = await readArtifact(deps, control);
  const current = modelFromArtifact(currentArtifact);
  deps.progress('current model loaded', { modelVersion: current.modelVersion, source: control.source });

  const since = new Date(now.getTime() - settings.lookbackDays * 86_400_000);
  const samples = await deps.reviews.ratedReviews(since, settings.maxReviewsRead, (read) =>
    deps.progress('reading stored reviews', { read, cap: settings.maxReviewsRead }),
  );
  const split = splitWeakLabels(samples, settings.holdoutShare);
  deps.progress('weak labels', {
    read: samples.length,
    train: split.train.length,
    recent: split.recent.length,
    leftOut: split.leftOut,
  });

  const rows: LabelledText[] = [
    ...deps.data.original,
    ...split.train.map((r) => ({ text: r.text, label: r.label, source: 'weak-label' })),
  ];
  const storeVersions = await deps.store.listVersions(TASK);
  const version = nextVersion([...listVersions(TASK, deps.layerDir), ...storeVersions]);
  const started = Date.now();
  const artifact = fitCandidate(currentArtifact, rows, version);
  deps.progress('candidate fitted', { version, rows: rows.length, ms: Date.now() - started });

  const candidate = modelFromArtifact(artifact);
  const evaluation = {
    candidate: evaluateModel(candidate, deps.data.gold, split.recent),
    current: evaluateModel(current, deps.data.gold, split.recent),
  };
  const verdict = candidateVerdict(evaluation.candidate, evaluation.current, policy);
  deps.progress('candidate evaluated', { ...evaluation, verdict });

  const card = candidateCard({
    artifact,
    current,
    baseCard: await cardOf(deps, control),
    now,
    settings,
    counts: {
      originalRows: deps.data.original.length,
      reviewsRead: samples.length,
      train: split.train.length,
      recent: split.recent.length,
      leftOut: split.leftOut,
    },
    evaluation,
    verdict,
  });
  const model = JSON.stringify(artifact);
  const sha256 = await deps.store.putArtifact(TASK, version, { model, card: JSON.stringify(card, null, 2) });
  if (!verdict.startCanary) return { outcome: 'candidate-rejected', version, sha256, verdict };

  const revision = (config?.revision ?? 0) + 1;
  const next: ActiveModelConfig = {
    task: TASK,
    revision,
    updatedAt: now.toISOString(),
    control,
    canary: {
      model: { version, source: 'store', sha256 },
      share: policy.canaryShare,
      startedAt: now.toISOString(),
      reason: verdict.reason.slice(0, 300),
    },
  };
  await deps.store.writeActive(TASK, next);
  deps.progress('canary started', { version, share: policy.canaryShare, revision });
  return { outcome: 'canary-started', version, sha256, verdict, revision };
}

/** The control version of the layer's registry (the shipped default). */
export function layerControlVersion(layerDir: string): string {
  const registries = parseRegistries(JSON.parse(readFileSync(join(layerDir, 'registry.json'), 'utf8')));
  const variant = registries.find((r) => r.task === TASK)?.variants.find((v) => v.name === 'control');
  if (!variant) throw new Error(`the layer's registry has no ${TASK} control variant`);
  return variant.version;
}

async function readArtifact(deps: RetrainDeps, ref: ModelRef): Promise<ModelArtifact> {
  if (ref.source === 'layer') {
    return readLayerArtifact(TASK, deps.layerDir, ref.version);
  }
  const text = await deps.store.getArtifact(TASK, ref.version);
  if (sha256Hex(text) !== ref.sha256) throw new Error(`${TASK}@${ref.version} fails its checksum`);
  return parseArtifact(JSON.parse(text));
}

async function cardOf(deps: RetrainDeps, ref: ModelRef): Promise<Record<string, unknown> | null> {
  return ref.source === 'layer'
    ? modelCard(TASK, ref.version, deps.layerDir)
    : deps.store.getCard(TASK, ref.version);
}

function candidateCard(input: {
  artifact: ModelArtifact;
  current: Model;
  baseCard: Record<string, unknown> | null;
  now: Date;
  settings: RetrainingSettings;
  counts: Record<string, number>;
  evaluation: { candidate: unknown; current: unknown };
  verdict: CandidateVerdict;
}): Record<string, unknown> {
  const { artifact, baseCard } = input;
  const baseLicence = (baseCard?.licence ?? null) as { trainingData?: unknown[] } | null;
  return {
    task: artifact.task,
    version: artifact.version,
    modelVersion: `${artifact.task}@${artifact.version}`,
    date: input.now.toISOString(),
    deployable: true,
    method:
      `Retrained from ${input.current.modelVersion}: its weights are the prior, FTRL (${RETRAIN_FTRL.epochs} epochs, ` +
      `seed ${RETRAIN_FTRL.seed}) on the original training sentences plus weak labels from stored reviews ` +
      '(1-2 stars negative, 4-5 positive, 3 left out). Same features, aggregation, temperature and reference distribution.',
    trainedFrom: input.current.modelVersion,
    data: {
      ...input.counts,
      lookbackDays: input.settings.lookbackDays,
      maxReviewsRead: input.settings.maxReviewsRead,
      holdoutShare: input.settings.holdoutShare,
    },
    licence: {
      ...(baseLicence ?? { model: 'proprietary', nonCommercial: false }),
      trainingData: [
        ...(baseLicence?.trainingData ?? []),
        {
          name: 'stored reviews (weak labels from their star ratings)',
          licence: 'customer data, used under the terms of service',
          nonCommercial: false,
        },
      ],
    },
    evaluation: {
      goldSet: 'the frozen held-out reviews (test/fixtures/models/reviews-heldout.tsv, never trained on)',
      recent: 'held-back weak-labelled stored reviews (agreement with their stars)',
      ...input.evaluation,
      verdict: input.verdict,
    },
    // The live agreement it must keep: the reference of the model it came from.
    referenceAgreement: referenceAgreement(baseCard),
  };
}
