/**
 * The deployment configuration (`wedsync` in the CDK context), its schema and its validation, with
 * no CDK import: `lib/config.ts` reads it from a construct's context for the stacks, and the local
 * mode reads the same values from `cdk.json` (+ `cdk.context.json`) with `readProjectConfig()`, so
 * both run with one set of limits (throttling, timeouts) and cannot drift.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import {
  KEY_CACHE_SECONDS,
  MAX_AUTHORIZER_CACHE_SECONDS,
  REVOCATION_BOUND_SECONDS,
} from '../src/access/domain/revocation';

export const CONTEXT_KEY = 'wedsync';

/**
 * CloudWatch Logs retention periods (aws-cdk-lib's `RetentionDays` values, 9999 = never expire);
 * test/infra/config.test.ts checks this list against the enum.
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
  9999,
] as const;

/** API Gateway REST API's default (and regional maximum without a quota raise) integration timeout. */
export const DEFAULT_INTEGRATION_TIMEOUT_SECONDS = 29;

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1');
const positiveInt = z.number().int().positive();
const retentionDays = z
  .number()
  .int()
  .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    message: 'a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, ... days)',
  });

const configSchema = z.strictObject({
  /** Prefix of every stack name (stack names are derived, never written by hand). */
  appName: z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/),
  account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  primaryRegion: region,
  replicaRegions: z.array(region).min(1),
  /** HTTPS endpoint that pages on-call (PagerDuty CloudWatch integration URL). */
  onCallEndpoint: z.url({ protocol: /^https$/ }),
  logRetentionDays: retentionDays,
  tracing: z.boolean(),
  contributorInsights: z.boolean(),
  /**
   * Allow a model trained on non-commercial data (the deception corpus) into the deployed layer.
   * Off by default; the synth refuses such a layer unless this is true.
   */
  allowNonCommercialModels: z.boolean().default(false),
  /** POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE for every function. */
  serviceName: z.string().min(1),
  metricsNamespace: z.string().min(1),
  powertoolsLogLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']),
  api: z.strictObject({
    stageName: z.string().regex(/^[A-Za-z0-9_]+$/),
    throttlingRateLimit: positiveInt,
    throttlingBurstLimit: positiveInt,
    usagePlanQuotaPerDay: positiveInt,
    /** Requests per client IP in any 5-minute window before the WAF answers 429. */
    wafRateLimitPer5Minutes: z.number().int().min(10),
    /**
     * API Gateway's authorizer result cache. With the authorizer's own ${KEY_CACHE_SECONDS} s key
     * cache it bounds how long a revoked key keeps working: at most REVOCATION_BOUND_SECONDS.
     */
    authorizerCacheSeconds: z
      .number()
      .int()
      .min(0)
      .max(
        MAX_AUTHORIZER_CACHE_SECONDS,
        `at most ${MAX_AUTHORIZER_CACHE_SECONDS}: with the authorizer's ${KEY_CACHE_SECONDS} s key cache, a revoked key must stop working within ${REVOCATION_BOUND_SECONDS} s (ADR 0010)`,
      ),
    /** How long API Gateway waits for the Api function before answering 504 (1-29 s). */
    integrationTimeoutSeconds: z.number().int().min(1).max(29).default(DEFAULT_INTEGRATION_TIMEOUT_SECONDS),
  }),
  /** The SES sender of review-request e-mails (ADR 0010). */
  email: z
    .strictObject({
      /** The SES identity: a domain (verified with the DKIM records SES publishes) or one address. */
      identity: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$|^[^@\s]+@([a-z0-9-]+\.)+[a-z]{2,}$/i),
      /** The From address: the identity itself, or an address of the identity's domain. */
      fromAddress: z.email(),
    })
    .refine(
      (e) =>
        e.identity.includes('@')
          ? e.fromAddress.toLowerCase() === e.identity.toLowerCase()
          : e.fromAddress.toLowerCase().endsWith(`@${e.identity.toLowerCase()}`),
      { message: 'fromAddress must be the identity or an address of its domain', path: ['fromAddress'] },
    ),
  reviewRequests: z.strictObject({
    /** Review requests a supplier may create per UTC day (429 with Retry-After past it). */
    perSupplierPerDay: positiveInt,
    /** The web app's review page: the e-mailed link is `<linkBaseUrl>#token=wrt_...`. */
    linkBaseUrl: z.url({ protocol: /^https$/ }),
  }),
  platforms: z.strictObject({
    /** The public OAuth callback registered with every platform app (`https://<api>/v1/oauth/callback`). */
    oauthRedirectUri: z.url({ protocol: /^https$/ }),
    /** The platform apps' OAuth client ids (not secret; the client secrets live in Secrets Manager). */
    oauthClientIds: z.strictObject({
      google: z.string().min(1),
      facebook: z.string().min(1),
      trustpilot: z.string().min(1),
    }),
  }),
  alarms: z.strictObject({
    functionErrorsPer5Minutes: positiveInt,
    api5xxPer5Minutes: positiveInt,
  }),
  /** Platform integrations: audit retention and the health alarms' thresholds (issue 8). */
  platformHealth: z
    .strictObject({
      /** Days an audit entry of a platform call, connect or disconnect is kept (DynamoDB TTL). */
      auditRetentionDays: z.number().int().min(1).max(3650).default(400),
      /** Sync lag (oldest location's last sync, seconds) at which the sync-lag alarm pages. */
      syncLagAlarmSeconds: positiveInt.default(3 * 3600),
      /** Quota headroom (percent of the platform's window left) below which the quota alarm pages. */
      quotaHeadroomAlarmPercent: z.number().min(0).max(100).default(5),
    })
    .default({ auditRetentionDays: 400, syncLagAlarmSeconds: 3 * 3600, quotaHeadroomAlarmPercent: 5 }),
});

export type WedSyncConfig = z.infer<typeof configSchema>;

/** Validates a raw `wedsync` context value (an object, or JSON from `-c wedsync=...`); throws with every problem listed. */
export function parseConfig(raw: unknown): WedSyncConfig {
  if (raw === undefined) {
    throw new Error(`Missing CDK context "${CONTEXT_KEY}" (see cdk.json)`);
  }
  const parsed = configSchema.safeParse(typeof raw === 'string' ? JSON.parse(raw) : raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${CONTEXT_KEY}.${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid CDK context "${CONTEXT_KEY}":\n${problems.join('\n')}`);
  }
  const config = parsed.data;
  if (
    config.replicaRegions.includes(config.primaryRegion) ||
    new Set(config.replicaRegions).size !== config.replicaRegions.length
  ) {
    throw new Error(`${CONTEXT_KEY}.replicaRegions must be distinct and must not include primaryRegion`);
  }
  return config;
}

/** Repository root (cdk.json lives here). */
const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * The configuration `cdk synth` would use, without the CDK: the `context` of `cdk.json` overlaid by
 * `cdk.context.json` (as the CLI merges them), validated by `parseConfig`.
 */
export function readProjectConfig(root: string = PROJECT_ROOT): WedSyncConfig {
  const readContext = (file: string): Record<string, unknown> => {
    const json = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
    return (file === 'cdk.json' ? (json.context as Record<string, unknown> | undefined) : json) ?? {};
  };
  const context = { ...readContext('cdk.json'), ...readContext('cdk.context.json') };
  return parseConfig(context[CONTEXT_KEY]);
}

/** Every region the service runs in, the primary first. */
export const allRegions = (config: WedSyncConfig): readonly string[] => [
  config.primaryRegion,
  ...config.replicaRegions,
];
