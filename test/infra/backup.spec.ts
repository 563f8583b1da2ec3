/**
 * AWS Backup of the tables (issue 11): an hourly plan kept 30 days with a copy to a vault in a
 * second region, selecting every catalog table (derived), Vault Lock only where configured (prod).
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLES } from '#src/catalog/tables';
import { logicalIdOf, projectContext, synthesize, type SynthesizedApp } from './support/synth';

let dev: SynthesizedApp;
let prod: SynthesizedApp;

beforeAll(() => {
  dev = synthesize();
  // The prod stage with a PagerDuty key (prod pages on-call, so it needs one to synthesize).
  prod = synthesizeStage('prod');
});

function synthesizeStage(stage: string): SynthesizedApp {
  const wedsync = projectContext().wedsync as { stages: Record<string, { paging: object }> };
  const settings = wedsync.stages[stage]!;
  return synthesize({
    config: {
      defaultStage: stage,
      stages: {
        ...wedsync.stages,
        [stage]: { ...settings, paging: { ...settings.paging, pagerDutyIntegrationKey: 'a'.repeat(32) } },
      },
    },
  });
}

const DAY_30 = 30;

describe('the backup plan (data stack, primary region)', () => {
  it('has one plan with one hourly rule kept 30 days into the primary vault', () => {
    const template = dev.dataTemplate;
    template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'Hourly',
            ScheduleExpression: 'cron(0 * * * ? *)',
            Lifecycle: { DeleteAfterDays: DAY_30 },
            TargetBackupVault: {
              'Fn::GetAtt': [logicalIdOf(dev.data, dev.data.backups!.vault), 'BackupVaultName'],
            },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'WedSync-Tables' });
    expect(dev.data.region).toBe('us-east-1');
  });

  it('copies every recovery point to the vault of the copy stack in the second region, kept as long', () => {
    const copyVaultName = Template.fromStack(dev.backupCopy).findResources('AWS::Backup::BackupVault');
    expect(Object.values(copyVaultName).map((r) => (r as { Properties: object }).Properties)).toEqual([
      expect.objectContaining({ BackupVaultName: 'WedSync-Tables' }),
    ]);
    expect(dev.backupCopy.region).toBe('eu-west-1');
    dev.dataTemplate.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            CopyActions: [
              {
                // Derived from the account, the copy region and the derived vault name.
                DestinationBackupVaultArn:
                  'arn:aws:backup:eu-west-1:111111111111:backup-vault:WedSync-Tables',
                Lifecycle: { DeleteAfterDays: DAY_30 },
              },
            ],
          }),
        ],
      },
    });
    // The data stack is deployed after the vault it copies into exists.
    expect(dev.data.dependencies).toContain(dev.backupCopy);
  });

  it('selects every catalog table, and nothing else', () => {
    const selections = dev.dataTemplate.findResources('AWS::Backup::BackupSelection');
    expect(Object.keys(selections)).toHaveLength(1);
    const selection = Object.values(selections)[0] as {
      Properties: { BackupSelection: { Resources: unknown[] } };
    };
    const expected = TABLES.map((def) => ({
      'Fn::GetAtt': [logicalIdOf(dev.data, dev.data.tables[def.id]), 'Arn'],
    }));
    expect(selection.Properties.BackupSelection.Resources).toEqual(expect.arrayContaining(expected));
    expect(selection.Properties.BackupSelection.Resources).toHaveLength(TABLES.length);
  });

  it('keeps PITR on every table beside the backups', () => {
    dev.dataTemplate.allResourcesProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: Match.arrayWith([
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ]),
    });
  });
});

describe('Vault Lock', () => {
  it('is off in dev: neither vault is locked', () => {
    for (const template of [dev.dataTemplate, Template.fromStack(dev.backupCopy)]) {
      template.allResourcesProperties('AWS::Backup::BackupVault', { LockConfiguration: Match.absent() });
    }
  });

  it('is on in prod, on both vaults, with the retention as the minimum', () => {
    expect(prod.config.stage).toBe('prod');
    for (const template of [prod.dataTemplate, Template.fromStack(prod.backupCopy)]) {
      template.resourceCountIs('AWS::Backup::BackupVault', 1);
      template.allResourcesProperties('AWS::Backup::BackupVault', {
        LockConfiguration: { MinRetentionDays: DAY_30 },
      });
    }
  });

  it('retains the vaults (and their recovery points) when a stack is deleted', () => {
    for (const template of [prod.dataTemplate, Template.fromStack(prod.backupCopy)]) {
      template.allResources('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
    }
  });
});
