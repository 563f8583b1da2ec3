/**
 * AWS Backup of every catalog table (issue 11): one plan with an hourly rule, each recovery point
 * kept `retentionDays` in this region's vault and copied to a vault in a second region (kept as
 * long), so a lost table or a lost region still leaves a backup at most an hour old (RPO 1 h, with
 * PITR on beside it for finer restores). The selection is derived from the tables given, which
 * the data stack derives from the catalog: a new catalog table is backed up with no code change.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface BackupSettings {
  /** Days each hourly recovery point is kept (here and in the copy). */
  readonly retentionDays: number;
  /** Vault Lock (governance mode) with a minimum retention of `retentionDays`. */
  readonly vaultLock: boolean;
  /** The vault in the copy region (`BackupCopyStack`), by its derived ARN: no cross-region lookup. */
  readonly copyVaultArn: string;
}

/** Vault names are derived, so the data stack can name the copy vault without reading its stack. */
export const backupVaultName = (appName: string): string => `${appName}-Tables`;

export const backupVaultArn = (account: string, region: string, name: string): string =>
  `arn:aws:backup:${region}:${account}:backup-vault:${name}`;

/** A vault for table recovery points, locked when asked. Shared by both regions' vaults. */
export function tableBackupVault(
  scope: Construct,
  id: string,
  props: { readonly name: string; readonly retentionDays: number; readonly vaultLock: boolean },
): backup.BackupVault {
  return new backup.BackupVault(scope, id, {
    backupVaultName: props.name,
    removalPolicy: RemovalPolicy.RETAIN,
    // Governance mode (no `changeableFor`): recovery points cannot be deleted before their
    // retention, yet the lock itself can still be removed by someone with backup:DeleteBackupVaultLockConfiguration.
    lockConfiguration: props.vaultLock ? { minRetention: Duration.days(props.retentionDays) } : undefined,
  });
}

export class TableBackups extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  readonly selection: backup.BackupSelection;

  constructor(
    scope: Construct,
    id: string,
    props: BackupSettings & { readonly vaultName: string; readonly tables: readonly dynamodb.TableV2[] },
  ) {
    super(scope, id);
    this.vault = tableBackupVault(this, 'Vault', {
      name: props.vaultName,
      retentionDays: props.retentionDays,
      vaultLock: props.vaultLock,
    });
    const keep = Duration.days(props.retentionDays);
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Hourly',
          // Every hour on the hour (UTC): the RPO of a restore from AWS Backup alone is one hour.
          scheduleExpression: events.Schedule.cron({ minute: '0' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(2),
          deleteAfter: keep,
          copyActions: [
            {
              destinationBackupVault: backup.BackupVault.fromBackupVaultArn(
                this,
                'CopyVault',
                props.copyVaultArn,
              ),
              deleteAfter: keep,
            },
          ],
        }),
      ],
    });
    this.selection = this.plan.addSelection('Tables', {
      resources: props.tables.map((table) => backup.BackupResource.fromArn(table.tableArn)),
      allowRestores: true,
    });
    Validations.of(this.selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's own service-role policy, maintained by AWS for the resource types it backs up; the role " +
        'is assumable only by backup.amazonaws.com and the selection limits it to the catalog tables.',
    });
    Validations.of(this.selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      reason:
        "AWS Backup's own restore policy (allowRestores), so an operator can restore a recovery point into a " +
        'new table from the console or the CLI (runbooks/disaster-recovery.md).',
    });
  }
}
