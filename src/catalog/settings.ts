/**
 * Plain settings a function reads (not resources, so no grant): defined once with the environment
 * variable that carries them. The CDK construct sets each listed setting from the deployment
 * configuration (cdk.json), the local mode from its own values: the handler reads the same name.
 */
export type SettingId =
  'ReviewRequestsPerDay' | 'ReviewLinkBaseUrl' | 'OAuthClientIds' | 'OAuthRedirectUri' | 'AuditRetentionDays';

export interface SettingDefinition {
  readonly id: SettingId;
  readonly envVar: string;
  // What each setting means is the comment that ends its entry: nothing reads it at run time,
  // so it is not a field every function reading a setting would bundle (ADR 0022, sixth round).
}

export const SETTINGS: readonly SettingDefinition[] = [
  {
    id: 'ReviewRequestsPerDay',
    envVar: 'REVIEW_REQUESTS_PER_DAY',
    // Review requests a supplier may create per UTC day (429 with Retry-After past it).
  },
  {
    id: 'ReviewLinkBaseUrl',
    envVar: 'REVIEW_LINK_BASE_URL',
    // Page of the WedSync web app that takes a review link token (`<base>#token=wrt_...`).
  },
  {
    id: 'OAuthClientIds',
    envVar: 'OAUTH_CLIENT_IDS',
    // JSON object of platform -> OAuth client id (google, facebook, trustpilot); client ids are not
    // secret.
  },
  {
    id: 'OAuthRedirectUri',
    envVar: 'OAUTH_REDIRECT_URI',
    // The public OAuth callback (`https://<api>/v1/oauth/callback`), registered with every platform
    // app.
  },
  {
    id: 'AuditRetentionDays',
    envVar: 'AUDIT_RETENTION_DAYS',
    // Days a platform audit entry is kept before DynamoDB TTL removes it (default 400).
  },
];

export function settingDefinition(id: SettingId): SettingDefinition {
  const setting = SETTINGS.find((s) => s.id === id);
  if (!setting) throw new Error(`unknown setting ${id}`);
  return setting;
}
