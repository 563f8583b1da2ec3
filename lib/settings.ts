/**
 * The deployment configuration (`wedsync` in the CDK context), its schema and its validation, with
 * no CDK import: `lib/config.ts` reads it from a construct's context for the stacks, and the local
 * mode reads the same values from `cdk.json` (+ `cdk.context.json`) with `readProjectConfig()`, so
 * both run with one set of limits (throttling, timeouts) and cannot drift.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as z from '#src/shared/zod';
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

const region = z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1'));
const positiveInt = z.number().check(z.int(), z.positive());
const retentionDays = z.number().check(
  z.int(),
  z.refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    message: 'a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, ... days)',
  }),
);

/**
 * PagerDuty's CloudWatch integration (Events API v2 behind it): the URL holds the integration key,
 * `https://events.pagerduty.com/integration/<32-character key>/enqueue` (EU service region:
 * `events.eu.pagerduty.com`). A placeholder such as `REPLACE` is refused.
 */
export const PAGERDUTY_URL =
  /^https:\/\/events(\.eu)?\.pagerduty\.com\/integration\/[A-Za-z0-9]{32}\/enqueue$/;

/** The URL of a PagerDuty CloudWatch integration from its integration key. */
export const pagerDutyUrlForKey = (key: string): string =>
  `https://events.pagerduty.com/integration/${key}/enqueue`;

const pagingSchema = z
  .strictObject({
    /**
     * true: critical alarms must wake someone, so the stage refuses to synthesize without a PagerDuty
     * integration. false (a dev stage): critical alarms go to the warning e-mails as well.
     */
    pagesOnCall: z.boolean(),
    /** The PagerDuty CloudWatch integration URL (or give `pagerDutyIntegrationKey`). */
    pagerDutyIntegrationUrl: z.optional(
      z
        .string()
        .check(z.regex(PAGERDUTY_URL, 'https://events.pagerduty.com/integration/<32-character key>/enqueue')),
    ),
    /** The integration key alone (the URL is derived). */
    pagerDutyIntegrationKey: z.optional(
      z.string().check(z.regex(/^[A-Za-z0-9]{32}$/, 'a 32-character PagerDuty integration key')),
    ),
    /** Who receives warning alarms (and, in a stage that does not page, critical ones too). */
    warningEmails: z._default(z.array(z.email()), []),
  })
  .check(
    z.refine((p) => !(p.pagerDutyIntegrationUrl && p.pagerDutyIntegrationKey), {
      message: 'give pagerDutyIntegrationUrl or pagerDutyIntegrationKey, not both',
    }),
  );

/** Alarm thresholds of issue 10, each with the value the runbooks describe as its default. */
const alarmThresholds = {
  /** The API latency SLO: p99 over 5 minutes above it, three periods in a row, warns. */
  apiLatencyP99Ms: z._default(positiveInt, 200),
  /** Share of 4xx answers (percent of requests, 5 minutes) counted as a surge, with at least `surgeMinRequests`. */
  api4xxPercent: z._default(z.number().check(z.gte(1), z.lte(100)), 25),
  /** 429 answers (stage throttling, quotas, WAF rate limit) in 5 minutes counted as a surge. */
  api429Per5Minutes: z._default(positiveInt, 50),
  /** Requests in 5 minutes below which ratios (4xx share, webhook failures) do not alarm. */
  surgeMinRequests: z._default(positiveInt, 100),
  /** Requests the WAF blocked in 5 minutes (all rules) that warn. */
  wafBlockedPer5Minutes: z._default(positiveInt, 100),
  /** Share of webhook attempts that failed (percent, 15 minutes) that warns. */
  webhookFailurePercent: z._default(z.number().check(z.gte(1), z.lte(100)), 20),
  /** The account's Lambda concurrency limit in each region (Service Quotas; default 1,000). */
  lambdaConcurrencyLimit: z._default(positiveInt, 1000),
  /** Percent of that limit in use at which the concurrency alarm fires. */
  lambdaConcurrencyPercent: z._default(z.number().check(z.gte(1), z.lte(100)), 80),
  /** Global-table replication latency (ms, average over 5 minutes) that pages. */
  replicationLatencyMs: z._default(positiveInt, 60_000),
} as const;

/**
 * A producer allowed to send events to the Ingest queue (issue 11, docs/producers.md): a whole AWS
 * account (its administrators then delegate with IAM) or one IAM role. The queue policy of every
 * region names exactly these principals, for `sqs:SendMessage` only.
 */
const producerSchema = z.strictObject({
  /** Who it is, for people (`budget-service`); not used in any policy. */
  name: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,63}$/, 'a lower-case name such as budget-service')),
  /** A 12-digit account id, or a role ARN (`arn:aws:iam::<account>:role/<name>`; the role must exist). */
  principal: z
    .string()
    .check(
      z.regex(
        /^\d{12}$|^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
        'a 12-digit AWS account id or an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
      ),
    ),
});

/** What the producers list is; the queue policy and `npm run cli -- producers` derive from it. */
export type Producer = z.infer<typeof producerSchema>;

const configSchema = z.strictObject({
  /** Prefix of every stack name (stack names are derived, never written by hand). */
  appName: z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9-]*$/)),
  account: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id')),
  primaryRegion: region,
  replicaRegions: z.array(region).check(z.minLength(1)),
  /** The deploy stage this configuration is for (`dev`, `prod`, ...): set from the stage's name. */
  stage: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
  /** Where alarms go (issue 10): critical ones page through PagerDuty, warnings go to e-mail. */
  paging: pagingSchema,
  logRetentionDays: retentionDays,
  tracing: z.boolean(),
  contributorInsights: z.boolean(),
  /**
   * Allow a model trained on non-commercial data (the deception corpus) into the deployed layer.
   * Off by default; the synth refuses such a layer unless this is true.
   */
  allowNonCommercialModels: z._default(z.boolean(), false),
  /** POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE for every function. */
  serviceName: z.string().check(z.minLength(1)),
  metricsNamespace: z.string().check(z.minLength(1)),
  powertoolsLogLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']),
  api: z.strictObject({
    stageName: z.string().check(z.regex(/^[A-Za-z0-9_]+$/)),
    throttlingRateLimit: positiveInt,
    throttlingBurstLimit: positiveInt,
    // Usage plans (per-key throttle and quota) are in the catalog: src/catalog/usage-plans.ts.
    /** Requests per client IP in any 5-minute window before the WAF answers 429. */
    wafRateLimitPer5Minutes: z.number().check(z.int(), z.gte(10)),
    /**
     * API Gateway's authorizer result cache. With the authorizer's own ${KEY_CACHE_SECONDS} s key
     * cache it bounds how long a revoked key keeps working: at most REVOCATION_BOUND_SECONDS.
     */
    authorizerCacheSeconds: z
      .number()
      .check(
        z.int(),
        z.gte(0),
        z.lte(
          MAX_AUTHORIZER_CACHE_SECONDS,
          `at most ${MAX_AUTHORIZER_CACHE_SECONDS}: with the authorizer's ${KEY_CACHE_SECONDS} s key cache, a revoked key must stop working within ${REVOCATION_BOUND_SECONDS} s (ADR 0010)`,
        ),
      ),
    /** How long API Gateway waits for the Api function before answering 504 (1-29 s). */
    integrationTimeoutSeconds: z._default(
      z.number().check(z.int(), z.gte(1), z.lte(29)),
      DEFAULT_INTEGRATION_TIMEOUT_SECONDS,
    ),
  }),
  /** The SES sender of review-request e-mails (ADR 0010). */
  email: z
    .strictObject({
      /** The SES identity: a domain (verified with the DKIM records SES publishes) or one address. */
      identity: z.string().check(z.regex(/^([a-z0-9-]+\.)+[a-z]{2,}$|^[^@\s]+@([a-z0-9-]+\.)+[a-z]{2,}$/i)),
      /** The From address: the identity itself, or an address of the identity's domain. */
      fromAddress: z.email(),
    })
    .check(
      z.refine(
        (e) =>
          e.identity.includes('@')
            ? e.fromAddress.toLowerCase() === e.identity.toLowerCase()
            : e.fromAddress.toLowerCase().endsWith(`@${e.identity.toLowerCase()}`),
        { message: 'fromAddress must be the identity or an address of its domain', path: ['fromAddress'] },
      ),
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
      google: z.string().check(z.minLength(1)),
      facebook: z.string().check(z.minLength(1)),
      trustpilot: z.string().check(z.minLength(1)),
    }),
  }),
  alarms: z.strictObject({
    functionErrorsPer5Minutes: positiveInt,
    api5xxPer5Minutes: positiveInt,
    ...alarmThresholds,
  }),
  /** Platform integrations: audit retention and the health alarms' thresholds (issue 8). */
  platformHealth: z._default(
    z.strictObject({
      /** Days an audit entry of a platform call, connect or disconnect is kept (DynamoDB TTL). */
      auditRetentionDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(3650)), 400),
      /** Sync lag (oldest location's last sync, seconds) at which the sync-lag alarm pages. */
      syncLagAlarmSeconds: z._default(positiveInt, 3 * 3600),
      /** Quota headroom (percent of the platform's window left) below which the quota alarm pages. */
      quotaHeadroomAlarmPercent: z._default(z.number().check(z.gte(0), z.lte(100)), 5),
    }),
    { auditRetentionDays: 400, syncLagAlarmSeconds: 3 * 3600, quotaHeadroomAlarmPercent: 5 },
  ),
  /**
   * Client routing between regions (issue 11): latency records for the API's custom domain in this
   * hosted zone, each tied to its region's Route 53 health check on /v1/health. Without it the
   * health checks still exist (they feed the failover alarm) and no record is made.
   */
  dns: z.optional(
    z
      .strictObject({
        /** The public hosted zone (its id and name: no lookup at synth, so the synth stays offline). */
        hostedZoneId: z.string().check(z.regex(/^Z[A-Z0-9]{1,31}$/, 'a Route 53 hosted zone id (Z...)')),
        zoneName: z
          .string()
          .check(z.regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'a domain name such as wedsync.example')),
        /** The REST API's name clients call, in the zone (e.g. api.wedsync.example). */
        apiDomainName: z.string().check(z.regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/)),
        /** The WebSocket API's name, in the zone (e.g. realtime.wedsync.example); none: no record. */
        realtimeDomainName: z.optional(z.string().check(z.regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/))),
      })
      .check(
        z.refine((d) => d.apiDomainName.endsWith(`.${d.zoneName}`), {
          message: 'apiDomainName must be in zoneName',
        }),
        z.refine(
          (d) => d.realtimeDomainName === undefined || d.realtimeDomainName.endsWith(`.${d.zoneName}`),
          {
            message: 'realtimeDomainName must be in zoneName',
          },
        ),
      ),
  ),
  /** AWS Backup of every catalog table (issue 11, runbooks/disaster-recovery.md). */
  backup: z._default(
    z.strictObject({
      /** Days an hourly recovery point is kept, in the primary region and in the copy. */
      retentionDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(36500)), 30),
      /** The region holding a copy of every recovery point (default: the first replica region). */
      copyRegion: z.optional(region),
      /**
       * AWS Backup Vault Lock (governance mode) on both vaults: recovery points cannot be deleted
       * before `retentionDays`, not even by an administrator of the account. On in prod only.
       */
      vaultLock: z._default(z.boolean(), false),
    }),
    { retentionDays: 30, vaultLock: false },
  ),
  /**
   * The producers of events (issue 11): who may send to each region's Ingest queue. None: the queue
   * accepts only this account's own principals (its functions, operators with IAM rights).
   */
  producers: z._default(z.array(producerSchema), []).check(
    z.refine((list) => new Set(list.map((p) => p.name)).size === list.length, {
      message: 'producer names must be distinct',
    }),
    z.refine((list) => new Set(list.map((p) => p.principal)).size === list.length, {
      message: 'each principal once',
    }),
  ),
  /**
   * Safe deploys (issue 11, ADR 0028): a CDK Pipelines stack in this stage's account and primary
   * region that deploys this stage from the repository's branch. None: no pipeline (`cdk deploy`).
   */
  pipeline: z.optional(
    z.strictObject({
      /** The CodeConnections (formerly CodeStar Connections) connection to the repository host. */
      connectionArn: z
        .string()
        .check(
          z.regex(
            /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z]{2}(-[a-z]+)+-\d:\d{12}:connection\/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/,
            'a connection ARN: arn:aws:codeconnections:<region>:<account>:connection/<uuid>',
          ),
        ),
      /** The repository, `owner/name` as the host spells it. */
      repository: z.string().check(z.regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name')),
      /** The branch whose every push is deployed. */
      branch: z.string().check(z.regex(/^[A-Za-z0-9._/-]+$/, 'a branch name')),
      /** A person approves in the pipeline before anything of the stage deploys (on in prod). */
      manualApproval: z._default(z.boolean(), true),
    }),
  ),
});

type ParsedConfig = z.infer<typeof configSchema>;

/** Where a stage's alarms go, resolved: the PagerDuty URL (from the URL or the key) or none. */
export interface PagingConfig {
  readonly pagesOnCall: boolean;
  readonly pagerDutyIntegrationUrl?: string;
  readonly warningEmails: readonly string[];
}

export type WedSyncConfig = Omit<ParsedConfig, 'paging'> & { readonly paging: PagingConfig };

/** Context keys beside `wedsync`: `cdk synth -c stage=prod -c pagerDutyIntegrationUrl=https://...`. */
export const STAGE_CONTEXT_KEY = 'stage';
export const PAGERDUTY_CONTEXT_KEY = 'pagerDutyIntegrationUrl';

/** What the command line may add to the `wedsync` context. */
export interface ContextOverrides {
  /** The stage to build (default: the context's `defaultStage`). */
  readonly stage?: string;
  /** A PagerDuty integration URL for the stage, kept out of cdk.json (e.g. from a CI secret). */
  readonly pagerDutyIntegrationUrl?: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `override` laid over `base`: objects merge key by key, anything else (arrays too) replaces. */
function deepMerge(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

/**
 * The settings of one stage: the shared settings with `stages.<stage>` laid over them. `stages`
 * and `defaultStage` are the only keys that are not settings themselves.
 */
function selectStage(raw: Record<string, unknown>, overrides: ContextOverrides): Record<string, unknown> {
  const { stages, defaultStage, ...shared } = raw;
  if (!isPlainObject(stages) || Object.keys(stages).length === 0) {
    throw new Error(`${CONTEXT_KEY}.stages must define at least one deploy stage (see cdk.json)`);
  }
  const stage = overrides.stage ?? defaultStage;
  if (typeof stage !== 'string') {
    throw new Error(
      `No stage selected: set ${CONTEXT_KEY}.defaultStage or pass -c ${STAGE_CONTEXT_KEY}=<stage>`,
    );
  }
  const settings = stages[stage];
  if (!isPlainObject(settings)) {
    throw new Error(
      `Unknown stage "${stage}": ${CONTEXT_KEY}.stages defines ${Object.keys(stages).join(', ')}`,
    );
  }
  const merged = deepMerge(shared, { ...settings, stage });
  if (overrides.pagerDutyIntegrationUrl !== undefined) {
    const paging = isPlainObject(merged.paging) ? merged.paging : {};
    merged.paging = { ...paging, pagerDutyIntegrationUrl: overrides.pagerDutyIntegrationUrl };
  }
  return merged;
}

/** A stage that pages on-call cannot be built without its PagerDuty integration. */
function resolvePaging(config: ParsedConfig): PagingConfig {
  const { pagesOnCall, pagerDutyIntegrationUrl, pagerDutyIntegrationKey, warningEmails } = config.paging;
  const url =
    pagerDutyIntegrationUrl ??
    (pagerDutyIntegrationKey ? pagerDutyUrlForKey(pagerDutyIntegrationKey) : undefined);
  if (pagesOnCall && url === undefined) {
    throw new Error(
      `Stage "${config.stage}" pages on-call (paging.pagesOnCall) but has no PagerDuty integration: set ` +
        `${CONTEXT_KEY}.stages.${config.stage}.paging.pagerDutyIntegrationUrl ` +
        "(https://events.pagerduty.com/integration/<integration key>/enqueue, from the PagerDuty service's " +
        `"Amazon CloudWatch" integration) or pagerDutyIntegrationKey in cdk.json, or pass ` +
        `-c ${PAGERDUTY_CONTEXT_KEY}=<url>. Critical alarms would otherwise reach nobody.`,
    );
  }
  if (!pagesOnCall && url === undefined && warningEmails.length === 0) {
    throw new Error(
      `Stage "${config.stage}" has neither a PagerDuty integration nor warningEmails: its alarms would reach nobody`,
    );
  }
  return { pagesOnCall, warningEmails, ...(url === undefined ? {} : { pagerDutyIntegrationUrl: url }) };
}

/** One stage's settings validated against the schema (paging not yet resolved); throws with every problem. */
function parseStage(raw: unknown, overrides: ContextOverrides): ParsedConfig {
  if (raw === undefined) {
    throw new Error(`Missing CDK context "${CONTEXT_KEY}" (see cdk.json)`);
  }
  const object: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (!isPlainObject(object)) throw new Error(`CDK context "${CONTEXT_KEY}" must be an object`);
  const parsed = configSchema.safeParse(selectStage(object, overrides));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${CONTEXT_KEY}.${i.path.join('.')}: ${i.message}`);
    const stage = String(overrides.stage ?? object.defaultStage);
    throw new Error(`Invalid CDK context "${CONTEXT_KEY}" for stage "${stage}":\n${problems.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Validates a raw `wedsync` context value (an object, or JSON from `-c wedsync=...`) for one stage
 * (`overrides.stage`, else `defaultStage`); throws with every problem listed.
 */
export function parseConfig(raw: unknown, overrides: ContextOverrides = {}): WedSyncConfig {
  const parsed = { data: parseStage(raw, overrides) };
  const config: WedSyncConfig = { ...parsed.data, paging: resolvePaging(parsed.data) };
  if (config.backup.copyRegion === config.primaryRegion) {
    throw new Error(
      `${CONTEXT_KEY}.backup.copyRegion must differ from primaryRegion: the copy is for losing it`,
    );
  }
  if (
    config.replicaRegions.includes(config.primaryRegion) ||
    new Set(config.replicaRegions).size !== config.replicaRegions.length
  ) {
    throw new Error(`${CONTEXT_KEY}.replicaRegions must be distinct and must not include primaryRegion`);
  }
  return config;
}

/** The stage and PagerDuty URL given beside `wedsync` (`-c stage=prod`), read through `get`. */
export function contextOverrides(get: (key: string) => unknown): ContextOverrides {
  const text = (key: string): string | undefined => {
    const value = get(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const stage = text(STAGE_CONTEXT_KEY);
  const pagerDutyIntegrationUrl = text(PAGERDUTY_CONTEXT_KEY);
  return { ...(stage ? { stage } : {}), ...(pagerDutyIntegrationUrl ? { pagerDutyIntegrationUrl } : {}) };
}

/** Repository root (cdk.json lives here). */
const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The CDK context a file holds (`cdk.json`'s `context`, `cdk.context.json` whole). */
function readContext(root: string, file: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
  return (file === 'cdk.json' ? (json.context as Record<string, unknown> | undefined) : json) ?? {};
}

/** The CDK context `cdk synth` would use: `cdk.json`'s `context` overlaid by `cdk.context.json`. */
export function readProjectContext(root: string = PROJECT_ROOT): Record<string, unknown> {
  return { ...readContext(root, 'cdk.json'), ...readContext(root, 'cdk.context.json') };
}

/**
 * The configuration `cdk synth` would use, without the CDK: the `context` of `cdk.json` overlaid by
 * `cdk.context.json` (as the CLI merges them), validated by `parseConfig`.
 */
export function readProjectConfig(root: string = PROJECT_ROOT): WedSyncConfig {
  const context = readProjectContext(root);
  return parseConfig(
    context[CONTEXT_KEY],
    contextOverrides((key) => context[key]),
  );
}

/** What an operator's tool needs of a deployed stage: where it runs and how its resources are named. */
export type StageNaming = Pick<
  ParsedConfig,
  'appName' | 'stage' | 'account' | 'primaryRegion' | 'replicaRegions' | 'platformHealth' | 'producers'
>;

/**
 * A stage's names and regions from `cdk.json`, validated like the synth does but without the
 * deploy-only checks (a prod stage whose PagerDuty URL is given only at deploy time still names
 * its resources): the operator CLI finds a deployed stage's tables, queues and secrets with it.
 */
export function readStageNaming(stage: string, root: string = PROJECT_ROOT): StageNaming {
  const context = {
    ...readContext(root, 'cdk.json'),
    ...readContext(root, 'cdk.context.json'),
  };
  return parseStage(context[CONTEXT_KEY], { stage });
}

/** Where AWS Backup copies every recovery point: `backup.copyRegion`, else the first replica region. */
export const backupCopyRegion = (config: WedSyncConfig): string =>
  config.backup.copyRegion ?? config.replicaRegions[0]!;

/** Every region the service runs in, the primary first. */
export const allRegions = (config: WedSyncConfig): readonly string[] => [
  config.primaryRegion,
  ...config.replicaRegions,
];
