/**
 * The retraining and rollout settings a run uses: the defaults defined once in retrain.ts and
 * rollout-policy.ts, with optional overrides as JSON in MODEL_ROLLOUT_POLICY and
 * MODEL_RETRAINING (the local mode and the integration tests shorten the traffic a canary needs;
 * deployed stacks use the defaults). Unknown keys or non-numbers fail fast.
 */
import * as z from '../../shared/zod';
import { RETRAINING, type RetrainingSettings } from './retrain';
import { ROLLOUT_POLICY, type RolloutPolicy } from './rollout-policy';

function overrides<T extends Record<string, number>>(name: string, defaults: T): T {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return defaults;
  const shape = Object.fromEntries(
    Object.keys(defaults).map((k) => [k, z.optional(z.number().check(z.gte(0)))]),
  );
  const parsed = z.strictObject(shape).parse(JSON.parse(raw)) as Partial<T>;
  return { ...defaults, ...Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) };
}

export const rolloutPolicy = (): RolloutPolicy => overrides('MODEL_ROLLOUT_POLICY', { ...ROLLOUT_POLICY });
export const retrainingSettings = (): RetrainingSettings => overrides('MODEL_RETRAINING', { ...RETRAINING });
