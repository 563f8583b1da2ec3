/**
 * The active model configuration of a task, kept in the model store beside the artifacts: which
 * version serves as the control, and the canary (version and traffic share) while one runs. The
 * workers read it through a bounded cache; a missing or unreadable configuration means "serve the
 * layer's registry" (the shipped, known-good models). Its schemas are built on the first parse, not
 * at load (ADR 0022, twelfth round).
 */
import { createHash } from 'node:crypto';
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';
import type { ModelRegistry, Task } from '../ml';

/** The two variant names a rolled-out task uses (the CloudWatch alarms are built for both). */
export const CONTROL_VARIANT = 'control';
export const CANARY_VARIANT = 'canary';

const semver = /* @__PURE__ */ lazy(() => z.string().check(z.regex(/^\d+\.\d+\.\d+$/)));
const sha256 = /* @__PURE__ */ lazy(() => z.string().check(z.regex(/^[0-9a-f]{64}$/)));

export const modelRefSchema = /* @__PURE__ */ lazy(() =>
  z
    .object({
      version: semver(),
      /** `layer`: shipped in the Models layer; `store`: a retrained artifact in the model store. */
      source: z.enum(['layer', 'store']),
      /** SHA-256 of the artifact's model.json as written (store artifacts): checked before serving. */
      sha256: z.optional(sha256()),
    })
    .check(
      z.refine((r) => r.source === 'layer' || r.sha256 !== undefined, 'a store artifact needs its sha256'),
    ),
);

export const activeConfigSchema = /* @__PURE__ */ lazy(() =>
  z.object({
    task: z.literal('sentiment'),
    /** Bumped by every change; the audit entries and events name it. */
    revision: z.number().check(z.int(), z.gte(0)),
    updatedAt: z.string(),
    control: modelRefSchema(),
    canary: z.optional(
      z.object({
        model: modelRefSchema(),
        share: z.number().check(z.gt(0), z.lt(1)),
        startedAt: z.string(),
        /** Why it started (the candidate's verdict). */
        reason: z.string().check(z.maxLength(300)),
      }),
    ),
  }),
);

export type ModelRef = z.infer<ReturnType<typeof modelRefSchema>>;
export type ActiveModelConfig = z.infer<ReturnType<typeof activeConfigSchema>>;

export function parseActiveConfig(json: unknown): ActiveModelConfig {
  return activeConfigSchema().parse(json);
}

/** The A/B registry the configuration describes (control, and the canary at its share). */
export function registryOf(config: ActiveModelConfig): ModelRegistry {
  const task: Task = config.task;
  if (!config.canary)
    return { task, variants: [{ name: CONTROL_VARIANT, version: config.control.version, weight: 1 }] };
  return {
    task,
    variants: [
      { name: CONTROL_VARIANT, version: config.control.version, weight: 1 - config.canary.share },
      { name: CANARY_VARIANT, version: config.canary.model.version, weight: config.canary.share },
    ],
  };
}

/** Every model the configuration serves, by variant. */
export function servedModels(config: ActiveModelConfig): { variant: string; ref: ModelRef }[] {
  return [
    { variant: CONTROL_VARIANT, ref: config.control },
    ...(config.canary ? [{ variant: CANARY_VARIANT, ref: config.canary.model }] : []),
  ];
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The next patch version above every version known (layer and store): never reuses a version. */
export function nextVersion(known: readonly string[]): string {
  const parsed = known.map((v) => v.split('.').map(Number) as [number, number, number]);
  parsed.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  const top = parsed.at(-1) ?? [1, 0, 0];
  return `${top[0]}.${top[1]}.${top[2] + 1}`;
}
