/**
 * Deployment configuration for the CDK app, read once from the `wedsync` key of the CDK context
 * (`cdk.json`, overridable with `cdk synth -c wedsync='{...}'`) and validated up front, so a typo
 * fails the synth with a clear message instead of producing a half-configured stack. The schema
 * lives in `./settings` (no CDK import) so the local mode validates and reads the same values.
 */
import type { Construct } from 'constructs';
import type { SettingId } from '#src/catalog/settings';
import { CONTEXT_KEY, contextOverrides, parseConfig, type WedSyncConfig } from './settings';

export { allRegions, CONTEXT_KEY, type WedSyncConfig } from './settings';

/**
 * Reads and validates the `wedsync` context of the app for the selected stage (`-c stage=prod`, else
 * `defaultStage`); throws with every problem listed, or when a paging stage lacks PagerDuty.
 */
export function loadConfig(scope: Construct): WedSyncConfig {
  return parseConfig(
    scope.node.tryGetContext(CONTEXT_KEY),
    contextOverrides((key) => scope.node.tryGetContext(key)),
  );
}

/** The plain settings' values (src/catalog/settings.ts) from the configuration, for every stack's functions. */
export function settingValues(config: WedSyncConfig): Record<SettingId, string> {
  return {
    ReviewRequestsPerDay: String(config.reviewRequests.perSupplierPerDay),
    ReviewLinkBaseUrl: config.reviewRequests.linkBaseUrl,
    OAuthClientIds: JSON.stringify(config.platforms.oauthClientIds),
    OAuthRedirectUri: config.platforms.oauthRedirectUri,
    AuditRetentionDays: String(config.platformHealth.auditRetentionDays),
  };
}
