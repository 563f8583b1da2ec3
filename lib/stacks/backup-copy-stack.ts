/**
 * The second-region vault that AWS Backup copies every table recovery point into (issue 11). Its
 * own small stack in the copy region, so it survives the loss of the primary region and the data
 * stack finds it by its derived name, with no cross-region reference.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as backup from 'aws-cdk-lib/aws-backup';
import type { Construct } from 'constructs';
import { tableBackupVault } from '../constructs/table-backups';

export interface BackupCopyStackProps extends StackProps {
  readonly vaultName: string;
  readonly retentionDays: number;
  readonly vaultLock: boolean;
}

export class BackupCopyStack extends Stack {
  readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: BackupCopyStackProps) {
    super(scope, id, props);
    this.vault = tableBackupVault(this, 'CopyVault', {
      name: props.vaultName,
      retentionDays: props.retentionDays,
      vaultLock: props.vaultLock,
    });
  }
}
