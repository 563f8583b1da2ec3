/**
 * The platform audit trail and health in the synthesized app, for every region:
 * - append-only: no function may update or delete on the Audit table (no UpdateItem, DeleteItem,
 *   BatchWriteItem, no wildcard), whatever statement grants it; the append level is PutItem + reads;
 * - the Audit table expires entries by TTL, and the Api gets the retention setting;
 * - per platform a breaker-open, sync-lag, quota-exhausted and re-auth alarm, plus audit-parked,
 *   each naming its runbook page (which exists), all on the dashboard (routing: test/infra/alarms.spec.ts).
 */
import { existsSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import * as path from 'node:path';
import { SERVICE_FUNCTIONS } from '#src/catalog/functions';
import { CONNECTED_PLATFORMS, PLATFORM_METRICS } from '#src/platforms';
import { dynamoActionsFor } from '../../lib/constructs/service-function';
import { PLATFORM_RUNBOOKS } from '../../lib/constructs/platform-alarms';
import { ROOT, logicalIdOf, synthesize, type SynthesizedApp } from './support/synth';
import { tableName } from '#src/catalog/physical-names';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

const FORBIDDEN_ON_AUDIT = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

it('the append level grants reads and PutItem, nothing that changes or removes an item', () => {
  const actions = dynamoActionsFor('append');
  expect(actions).toContain('dynamodb:PutItem');
  for (const forbidden of FORBIDDEN_ON_AUDIT) expect(actions).not.toContain(forbidden);
});

it('the data stack keeps audit entries until their TTL', () => {
  synth.dataTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
    TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: Match.arrayWith([
      Match.objectLike({ IndexName: 'byConnection' }),
      Match.objectLike({ IndexName: 'byPlatform' }),
      Match.objectLike({ IndexName: 'opsByPlatform' }),
    ]),
  });
});

describe.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])('service stack in %s', (region) => {
  const serviceIn = () => {
    const stack = synth.services.find((s) => s.region === region)!;
    return { stack, template: synth.serviceTemplates.get(region)! };
  };

  it('no function may update or delete on the Audit table, by any statement', () => {
    const { stack, template } = serviceIn();
    // The table by its derived name in this stack's region (issue 11), not the data stack's output.
    const auditTableArn = `:dynamodb:${stack.region}:${synth.config.account}:table/${tableName(synth.config, 'Audit')}`;
    let auditStatements = 0;
    for (const def of SERVICE_FUNCTIONS) {
      const role = stack.functions[def.id].role;
      const policies = Object.values(
        template.findResources('AWS::IAM::Policy', {
          Properties: { Roles: [{ Ref: logicalIdOf(stack, role) }] },
        }),
      ) as { Properties: { PolicyDocument: { Statement: Statement[] } } }[];
      for (const statement of policies.flatMap((p) => p.Properties.PolicyDocument.Statement)) {
        const actions = [statement.Action].flat();
        const resource = JSON.stringify(statement.Resource);
        const onAudit = resource.includes(auditTableArn) || resource.includes('"*"') || resource === '"*"';
        if (!onAudit || statement.Effect !== 'Allow') continue;
        auditStatements += 1;
        for (const action of actions) {
          expect(FORBIDDEN_ON_AUDIT).not.toContain(action);
          expect(action).not.toMatch(/^dynamodb:\*$|^\*$/);
        }
      }
    }
    // The check saw the grants it guards (ApiPlatforms appends connect and disconnect entries).
    expect(auditStatements).toBeGreaterThan(0);
  });

  it('gives ApiPlatforms the Append grant on the Audit table and the retention setting', () => {
    const { stack, template } = serviceIn();
    // The table by its derived name in this stack's region (issue 11), not the data stack's output.
    const auditTableArn = `:dynamodb:${stack.region}:${synth.config.account}:table/${tableName(synth.config, 'Audit')}`;
    const policies = JSON.stringify(
      template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: logicalIdOf(stack, stack.functions.ApiPlatforms.role) }] },
      }),
    );
    expect(policies).toContain('"Sid":"AuditAppend"');
    expect(policies).toContain(auditTableArn);
    const fns = JSON.stringify(template.findResources('AWS::Lambda::Function'));
    expect(fns).toContain(`"AUDIT_RETENTION_DAYS":"${synth.config.platformHealth.auditRetentionDays}"`);
  });

  it.each(CONNECTED_PLATFORMS.map((p) => [p]))(
    '%s: breaker-open, sync-lag, quota-exhausted and re-auth alarms, each naming its runbook',
    (platform) => {
      const { template } = serviceIn();
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
        Properties: {
          AlarmDescription: string;
          MetricName?: string;
          Dimensions?: { Name: string; Value: string }[];
        };
      }[];
      const expected: [string, string][] = [
        [PLATFORM_METRICS.breakerOpen, PLATFORM_RUNBOOKS.breakerOpen],
        [PLATFORM_METRICS.syncLag, PLATFORM_RUNBOOKS.syncLag],
        [PLATFORM_METRICS.quotaHeadroom, PLATFORM_RUNBOOKS.quotaExhausted],
        [PLATFORM_METRICS.reauthRequired, PLATFORM_RUNBOOKS.reauthRequired],
      ];
      for (const [metric, runbook] of expected) {
        const alarm = alarms.find(
          (a) =>
            a.Properties.MetricName === metric &&
            a.Properties.Dimensions?.some((d) => d.Name === 'platform' && d.Value === platform),
        );
        expect(alarm).toBeDefined();
        expect(alarm!.Properties.AlarmDescription).toContain(`Runbook: runbooks/${runbook}.md`);
        expect(existsSync(path.join(ROOT, 'runbooks', `${runbook}.md`))).toBe(true);
      }
    },
  );

  it('alarms on parked audit entries, and shows the platforms on the dashboard', () => {
    const { template } = serviceIn();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: PLATFORM_METRICS.auditParked,
      AlarmDescription: Match.stringLikeRegexp(`Runbook: runbooks/${PLATFORM_RUNBOOKS.auditParked}\\.md`),
    });
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const metric of [
      PLATFORM_METRICS.calls,
      PLATFORM_METRICS.failures,
      PLATFORM_METRICS.quotaHeadroom,
      PLATFORM_METRICS.syncLag,
      PLATFORM_METRICS.breakerOpen,
    ]) {
      expect(body).toContain(metric);
    }
  });
});
