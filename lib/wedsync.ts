/**
 * The whole system for every region, from the `wedsync` context and the catalog: the stateful
 * data stack in the primary region, then one stateless service stack per region that receives
 * the tables and secrets as typed props. Stack names are derived from `appName` and the region.
 */
import { type App, Tags } from 'aws-cdk-lib';
import { allRegions, loadConfig, type WedSyncConfig } from './config';
import { backupCopyRegion } from './settings';
import { backupVaultName } from './constructs/table-backups';
import { BackupCopyStack } from './stacks/backup-copy-stack';
import { DataStack } from './stacks/data-stack';
import { ServiceStack } from './stacks/service-stack';

export interface WedSync {
  readonly config: WedSyncConfig;
  readonly data: DataStack;
  /** One per region, the primary region first. */
  readonly services: readonly ServiceStack[];
  /** The vault in a second region that every table recovery point is copied to (issue 11). */
  readonly backupCopy: BackupCopyStack;
}

export const dataStackName = (config: WedSyncConfig): string => `${config.appName}-Data`;
export const serviceStackName = (config: WedSyncConfig, region: string): string =>
  `${config.appName}-Service-${region}`;
export const backupCopyStackName = (config: WedSyncConfig): string =>
  `${config.appName}-BackupCopy-${backupCopyRegion(config)}`;

export function buildWedSync(app: App): WedSync {
  const config = loadConfig(app);
  Tags.of(app).add('application', config.appName);

  const vaultName = backupVaultName(config.appName);
  const backupCopy = new BackupCopyStack(app, backupCopyStackName(config), {
    env: { account: config.account, region: backupCopyRegion(config) },
    description: 'WedSync backup copies: the second-region vault of the table recovery points',
    terminationProtection: true,
    vaultName,
    retentionDays: config.backup.retentionDays,
    vaultLock: config.backup.vaultLock,
  });

  const data = new DataStack(app, dataStackName(config), {
    env: { account: config.account, region: config.primaryRegion },
    description: 'WedSync stateful resources: DynamoDB global tables and replicated secrets',
    terminationProtection: true,
    replicaRegions: config.replicaRegions,
    contributorInsights: config.contributorInsights,
    backup: {
      vaultName,
      retentionDays: config.backup.retentionDays,
      vaultLock: config.backup.vaultLock,
      copyRegion: backupCopyRegion(config),
    },
  });
  data.addStackDependency(backupCopy, 'the backup plan copies into its vault');

  const services = allRegions(config).map((region) => {
    const service = new ServiceStack(app, serviceStackName(config, region), {
      env: { account: config.account, region },
      description: `WedSync service in ${region}: API, queues, functions, alarms, dashboard`,
      crossRegionReferences: region !== config.primaryRegion,
      config,
      tables: data.tables,
      secrets: data.secrets,
      keys: data.keys,
      stackNameIn: (other) => serviceStackName(config, other),
    });
    service.addStackDependency(data, 'binds to the global tables and secrets');
    return service;
  });

  return { config, data, services, backupCopy };
}
