/**
 * The rollout job (ADR 0026), run on a schedule: decides what happens to a running canary.
 * 1. Read the active configuration; without a canary there is nothing to decide.
 * 2. Sum the shared statistics (ModelStats) of the canary and the control since the canary
 *    started, and summarise them against the canary's reference distribution.
 * 3. Ask the policy: wait, promote, or roll back (on the alarm rules).
 * 4. Promote or roll back: the audit entry first, then the event, then the configuration. Ids are
 *    derived from the act, so a run that fails half-way and is retried writes the same entry and
 *    the same event (webhook receivers deduplicate by `webhook-id`).
 */
import { deterministicAdminAuditId, type AdminAuditTrail } from '../../audit';
import { summarise } from '../inference/window-stats';
import { referenceAgreement } from '../inference/model-cards';
import { parseArtifact } from '../ml';
import type { ModelEventSink, ModelStatsStore, ModelStore } from '../ports';
import {
  CANARY_VARIANT,
  CONTROL_VARIANT,
  parseActiveConfig,
  sha256Hex,
  type ActiveModelConfig,
} from './active-config';
import {
  canaryDecision,
  ROLLOUT_POLICY,
  type CanaryDecision,
  type RolloutPolicy,
  type VariantWindow,
} from './rollout-policy';
import { TASK } from './retrain';

/** Events to the WedSync app's own endpoints: a model change belongs to no supplier. */
export const MODEL_EVENTS_SUPPLIER_ID = 'wedsync-app';
export const ROLLOUT_ACTOR = 'ModelRollout';

export interface ReviewCanaryDeps {
  readonly store: ModelStore;
  readonly stats: ModelStatsStore;
  readonly audit: AdminAuditTrail;
  readonly events: ModelEventSink;
  readonly now: () => Date;
}

export type ReviewCanaryOutcome =
  | { readonly outcome: 'no-canary' }
  | { readonly outcome: 'waiting'; readonly decision: CanaryDecision; readonly canary: VariantWindow }
  | {
      readonly outcome: 'promoted' | 'rolled-back';
      readonly decision: CanaryDecision;
      readonly version: string;
      readonly revision: number;
    };

export async function reviewCanary(
  deps: ReviewCanaryDeps,
  policy: RolloutPolicy = ROLLOUT_POLICY,
): Promise<ReviewCanaryOutcome> {
  const raw = await deps.store.readActive(TASK);
  if (raw === null) return { outcome: 'no-canary' };
  const config = parseActiveConfig(raw);
  const canary = config.canary;
  if (!canary) return { outcome: 'no-canary' };

  const text = await deps.store.getArtifact(TASK, canary.model.version);
  if (sha256Hex(text) !== canary.model.sha256) {
    // The workers serve the layer's models meanwhile; a corrupted canary can only be rolled back.
    return act(
      deps,
      config,
      { action: 'rollback', reason: 'the canary artifact fails its checksum' },
      emptyWindows(),
    );
  }
  const reference = parseArtifact(JSON.parse(text)).reference;
  const since = new Date(canary.startedAt);
  const [canaryCounters, controlCounters] = await Promise.all([
    deps.stats.window(TASK, CANARY_VARIANT, since),
    deps.stats.window(TASK, CONTROL_VARIANT, since),
  ]);
  const windows = {
    canary: windowOf(summarise(canaryCounters, reference)),
    control: windowOf(summarise(controlCounters, reference)),
  };
  const decision = canaryDecision(
    {
      ...windows,
      referenceAgreement: referenceAgreement(await deps.store.getCard(TASK, canary.model.version)),
    },
    policy,
  );
  if (decision.action === 'wait') return { outcome: 'waiting', decision, canary: windows.canary };
  return act(deps, config, decision, windows);
}

async function act(
  deps: ReviewCanaryDeps,
  config: ActiveModelConfig,
  decision: CanaryDecision,
  windows: { canary: VariantWindow; control: VariantWindow },
): Promise<ReviewCanaryOutcome> {
  const canary = config.canary!;
  const promote = decision.action === 'promote';
  const kind = promote ? 'model.promoted' : 'model.rolled_back';
  const at = deps.now();
  const revision = config.revision + 1;
  const version = canary.model.version;
  const parts = [kind, TASK, version, String(revision)];
  // The act's instant is the canary's start, so a retried run derives the very same id.
  const startedMs = Date.parse(canary.startedAt);
  await deps.audit.record({
    auditId: deterministicAdminAuditId(startedMs, parts),
    kind,
    at: at.toISOString(),
    actor: { type: 'system', name: ROLLOUT_ACTOR },
    target: `model:${TASK}@${version}`,
    outcome: 'ok',
    detail: `revision ${revision}: ${decision.reason}`.slice(0, 200),
  });
  await deps.events.publish([
    {
      id: `evt_${sha256Hex(parts.join('|')).slice(0, 26)}`,
      type: kind,
      time: at.toISOString(),
      supplierId: MODEL_EVENTS_SUPPLIER_ID,
      subject: `${TASK}@${version}`,
      data: {
        task: TASK,
        modelVersion: `${TASK}@${version}`,
        previousModelVersion: `${TASK}@${config.control.version}`,
        servingModelVersion: `${TASK}@${promote ? version : config.control.version}`,
        revision,
        reason: decision.reason.slice(0, 300),
        canaryShare: canary.share,
        canaryStartedAt: canary.startedAt,
        canary: windows.canary,
        control: windows.control,
      },
    },
  ]);
  const next: ActiveModelConfig = {
    task: TASK,
    revision,
    updatedAt: at.toISOString(),
    control: promote ? canary.model : config.control,
  };
  await deps.store.writeActive(TASK, next);
  return { outcome: promote ? 'promoted' : 'rolled-back', decision, version, revision };
}

function windowOf(summary: ReturnType<typeof summarise>): VariantWindow {
  return {
    predictions: summary.predictions,
    driftScore: summary.driftScore,
    rated: summary.ratingAgreement.rated,
    agreement: summary.ratingAgreement.rate,
  };
}

const emptyWindows = () => {
  const empty: VariantWindow = { predictions: 0, driftScore: 0, rated: 0, agreement: null };
  return { canary: empty, control: empty };
};
