/**
 * Per-platform quota policies (../shared/PLATFORMS.md): the token buckets every platform call
 * takes from, one per platform app (the quota the platform counts per project / app / API key)
 * and one per location (so one busy location cannot take a whole app quota), and how a
 * platform's own quota report tightens them.
 */
import type { ConnectedPlatform, QuotaReport } from './platform';
import type { BucketPolicy } from './token-bucket';

export interface QuotaPolicy {
  /** The platform app's quota, shared by every connection of that platform. */
  readonly app: BucketPolicy;
  /** Each location's share. */
  readonly location: BucketPolicy;
  /** Where the figures come from, for people tuning them. */
  readonly source: string;
}

export const QUOTA_POLICIES: Readonly<Record<ConnectedPlatform, QuotaPolicy>> = {
  google: {
    // 300 QPM per Cloud project; Google advises pacing evenly (about 5 per second), so the burst is small.
    app: { capacity: 5, refillPerSecond: 5 },
    location: { capacity: 5, refillPerSecond: 1 },
    source: 'GBP limits: 300 QPM per project (default), pace ~5/s; 429 RESOURCE_EXHAUSTED beyond',
  },
  trustpilot: {
    // "don't exceed 833 calls per 5 minutes or 10K per hour": both are ~2.78 per second.
    app: { capacity: 50, refillPerSecond: 833 / 300 },
    location: { capacity: 10, refillPerSecond: 1 },
    source: 'Trustpilot rate limiting: 833 calls / 5 min, 10,000 / hour',
  },
  facebook: {
    // Page level (BUC): 4,800 calls x engaged users per rolling 24 h per Page, shared by every app;
    // with one engaged user assumed that is 0.055/s per Page. The app level is tightened from the
    // usage headers (X-App-Usage, X-Business-Use-Case-Usage) as they approach 100 %.
    app: { capacity: 20, refillPerSecond: 5 },
    location: { capacity: 20, refillPerSecond: 4800 / 86_400 },
    source: 'Graph API rate limiting: 4,800 x engaged users / 24 h per Page; usage headers in %',
  },
  yelp: {
    // The daily cap depends on the plan (Starter trial: 300 per 24 h, resetting at midnight UTC);
    // the bucket paces that cap over the day and `RateLimit-Remaining` tightens it further.
    app: { capacity: 10, refillPerSecond: 300 / 86_400 },
    location: { capacity: 5, refillPerSecond: 1 },
    source: 'Yelp Places rate limiting: daily cap per plan (trial 300/24 h), RateLimit-* headers',
  },
};

/** The buckets one call for a location takes from (app first: the scarcer quota is checked first). */
export function bucketsFor(platform: ConnectedPlatform, locationId: string): readonly string[] {
  return [appBucket(platform), `${platform}/location/${locationId}`];
}

export const appBucket = (platform: ConnectedPlatform): string => `${platform}/app`;

/** The policy of a bucket named by `bucketsFor`; undefined for a name it never produces. */
export function bucketPolicy(bucket: string): BucketPolicy | undefined {
  const [platform, scope] = bucket.split('/');
  const policy = QUOTA_POLICIES[platform as ConnectedPlatform];
  if (!policy) return undefined;
  if (scope === 'app') return policy.app;
  if (scope === 'location') return policy.location;
  return undefined;
}

/** Usage (Facebook headers, as a share) from which the app bucket is drained, and for how long. */
const USAGE_STEPS: readonly { readonly atLeast: number; readonly drainMs: number }[] = [
  { atLeast: 0.95, drainMs: 5 * 60_000 },
  { atLeast: 0.8, drainMs: 30_000 },
];

/**
 * Until when the app bucket must stay empty after a successful call's quota report, if at all:
 * - nothing left in the window (Yelp `RateLimit-Remaining: 0`): until the window resets;
 * - a remaining count that, spread evenly to the reset, allows less than one call per token the
 *   bucket would give: until the next evenly spaced call (pacing the rest of the day);
 * - a usage share near 100 % (Facebook): a pause that grows with the share.
 */
export function tightenUntil(
  platform: ConnectedPlatform,
  quota: QuotaReport | undefined,
  nowMs: number,
): number | undefined {
  if (!quota) return undefined;
  const resetMs = quota.resetAt === undefined ? undefined : Date.parse(quota.resetAt);
  if (quota.remaining !== undefined && resetMs !== undefined && Number.isFinite(resetMs) && resetMs > nowMs) {
    if (quota.remaining <= 0) return resetMs;
    const spacingMs = (resetMs - nowMs) / quota.remaining;
    const bucketSpacingMs = 1000 / QUOTA_POLICIES[platform].app.refillPerSecond;
    if (spacingMs > bucketSpacingMs) return nowMs + Math.ceil(spacingMs);
  }
  if (quota.usedRatio !== undefined) {
    const step = USAGE_STEPS.find((s) => quota.usedRatio! >= s.atLeast);
    if (step) return nowMs + step.drainMs;
  }
  return undefined;
}
