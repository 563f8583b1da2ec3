/**
 * The four connectors, built once with one (audited) HTTP client and the platforms' origins (the
 * real hosts in AWS, the fakes on loopback in the local mode), and how each platform's response
 * headers report its quota. Sync, replies and notifications look adapters up here.
 */
import type { ConnectedPlatform, QuotaReport } from '../domain/platform';
import type { PlatformAdapter, PlatformHttp } from '../ports';
import type { PlatformAdapters } from '../sync-ports';
import { createFacebookAdapter } from './facebook';
import { parseFacebookUsage } from './facebook-wire';
import { createGoogleAdapter } from './google';
import { createTrustpilotAdapter } from './trustpilot';
import { createYelpAdapter } from './yelp';
import { readYelpQuota } from './yelp-wire';

/**
 * The Graph API version the Facebook connector is pinned to. v22.0 and later refuse to read
 * recommendations (error 12, PLATFORMS.md); the connector reports that as `unsupported`.
 */
export const FACEBOOK_GRAPH_VERSION = 'v21.0';

export interface PlatformRegistryOptions {
  readonly http: PlatformHttp;
  /** Scheme and host per platform; absent means the platform's production host. */
  readonly origins: Partial<Record<ConnectedPlatform, string>>;
  readonly facebookGraphVersion?: string;
}

export function platformRegistry(options: PlatformRegistryOptions): PlatformAdapters & {
  readonly all: Readonly<Record<ConnectedPlatform, PlatformAdapter>>;
} {
  const { http, origins } = options;
  const base = (platform: ConnectedPlatform) =>
    origins[platform] !== undefined ? { baseUrl: origins[platform] } : {};
  const all: Record<ConnectedPlatform, PlatformAdapter> = {
    google: createGoogleAdapter({ http, ...base('google') }),
    trustpilot: createTrustpilotAdapter({ http, ...base('trustpilot') }),
    facebook: createFacebookAdapter({
      http,
      graphVersion: options.facebookGraphVersion ?? FACEBOOK_GRAPH_VERSION,
      ...base('facebook'),
    }),
    yelp: createYelpAdapter({ http, ...base('yelp') }),
  };
  return { all, adapterFor: (platform) => all[platform] };
}

/** What a response's headers say about the platform's quota (Google and Trustpilot say nothing). */
export function quotaFromHeaders(
  platform: ConnectedPlatform,
  headers: Readonly<Record<string, string>>,
): QuotaReport | undefined {
  switch (platform) {
    case 'yelp':
      return readYelpQuota(headers);
    case 'facebook':
      return parseFacebookUsage(headers, Date.now());
    default:
      return undefined;
  }
}
