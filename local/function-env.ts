/**
 * Each function's environment in the local mode: what the Lambda runtime provides (region,
 * credentials; here also the emulator endpoints), the deployment settings from the same config the
 * CDK reads (Powertools), the catalog grants computed by `environmentFor` (the very function the CDK
 * construct uses), and local stand-ins for what AWS gives a granted function: the secrets it is
 * granted as local key rings, and the folder of a layer it uses. Nothing else: a handler whose
 * catalog entry lacks a grant fails here as it would in Lambda.
 */
import { join } from 'node:path';
import { environmentFor, settingsEnvironment, type ResourceNames } from '../src/catalog/function-env';
import type { FunctionDefinition } from '../src/catalog/functions';
import { LAYERS } from '../src/catalog/layers';
import type { WedSyncConfig } from '../lib/settings';
import { REPO_ROOT } from './processes';

/**
 * Taken from the local mode's own environment when set: logging preferences of whoever runs it
 * (the tests keep Powertools quiet) and the test-only webhook timings (src/webhooks/config.ts).
 */
export const LOCAL_OVERRIDES = [
  'POWERTOOLS_DEV',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_DISABLED',
  'WEBHOOK_RETRY_SCALE',
  'WEBHOOK_TIMEOUT_MS',
  'WEBHOOK_ROTATION_OVERLAP_SECONDS',
  // The fake platform servers' origins (JSON platform -> http://127.0.0.1:port), for the platform adapters.
  'WEDSYNC_PLATFORM_ORIGINS',
  // Model retraining (ADR 0026): how long workers cache the active model configuration, and
  // shorter canaries for demos and tests (JSON overrides of the policy's defaults).
  'MODEL_CONFIG_CACHE_SECONDS',
  'MODEL_ROLLOUT_POLICY',
  'MODEL_RETRAINING',
] as const;

export interface LocalFunctionContext {
  /** AWS_REGION, credentials and emulator endpoints: what every function's runtime sees. */
  readonly runtime: Readonly<Record<string, string>>;
  readonly config: WedSyncConfig;
  readonly names: ResourceNames;
  /** Local secret values by the name `names.secret()` gives (current first, then previous). */
  readonly secretValues: Readonly<Record<string, readonly string[]>>;
  /** Where the Models layer's files are (default: the layer folder in the repository). */
  readonly modelDir?: string;
  /** The environment overrides are read from (default: process.env). */
  readonly overrides?: Readonly<Record<string, string | undefined>>;
}

export function localFunctionEnv(
  fn: FunctionDefinition,
  context: LocalFunctionContext,
): Record<string, string> {
  // A function the catalog marks AWS only (issue 10: PagingCheck, no SNS here) is never started locally.
  if (fn.runs?.awsOnly) throw new Error(`${fn.id} runs in AWS only: it ${fn.runs.awsOnly}`);
  const granted = environmentFor(fn, context.names);
  const env: Record<string, string> = {
    ...context.runtime,
    ...settingsEnvironment({
      serviceName: context.config.serviceName,
      metricsNamespace: context.config.metricsNamespace,
      logLevel: context.config.powertoolsLogLevel,
    }),
    // Local receivers listen on loopback over http; off by default everywhere else (webhook-config.ts).
    WEBHOOKS_ALLOW_LOOPBACK: 'true',
    ...granted,
  };
  if (fn.secrets.length > 0) {
    // Only the granted secrets: the key ring of a function without the grant has nothing to read.
    const names = fn.secrets.map((id) => context.names.secret(id));
    env.WEDSYNC_LOCAL_SECRETS = JSON.stringify(
      Object.fromEntries(names.map((name) => [name, context.secretValues[name] ?? []])),
    );
  }
  for (const layerId of fn.layers ?? []) {
    const layer = LAYERS.find((l) => l.id === layerId);
    // The models layer's files, where Lambda would see them under /opt/nodejs/models.
    if (layer?.id === 'Models')
      env.WEDSYNC_MODEL_DIR = context.modelDir ?? join(REPO_ROOT, layer.localModelDir);
  }
  const overrides = context.overrides ?? process.env;
  for (const name of LOCAL_OVERRIDES) {
    const value = overrides[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
