/**
 * Issue 9, rotation: every secret of the synthesized app has a rotation schedule run by the
 * SecretRotation function, on its catalogued period; the function may write only the secrets it
 * rotates, Secrets Manager may invoke it, and failed steps raise an alarm. The schedules are in the
 * primary service stack (beside the function), which cdk-nag's SMG4 does not look in: the only SMG4
 * acknowledgements left are on the secrets, each pointing here.
 */
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { SECRETS } from '#src/catalog/secrets';
import { SERVICE_METRICS } from '#src/catalog/metrics';
import { logicalIdOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

type Resource = { Properties: Record<string, unknown> };

const primary = () => synth.services.find((s) => s.region === synth.config.primaryRegion)!;
const primaryTemplate = () => synth.serviceTemplates.get(synth.config.primaryRegion)!;

it('gives every AWS::SecretsManager::Secret an AWS::SecretsManager::RotationSchedule', () => {
  const secrets = Object.keys(synth.dataTemplate.findResources('AWS::SecretsManager::Secret'));
  expect(secrets).toHaveLength(SECRETS.length);
  const schedules = [synth.dataTemplate, ...synth.serviceTemplates.values()].flatMap((t) =>
    Object.values(t.findResources('AWS::SecretsManager::RotationSchedule')),
  ) as Resource[];
  // Each schedule names its secret by a cross-stack import of the data stack's secret.
  const rotated = schedules.map((s) => JSON.stringify(s.Properties.SecretId));
  for (const logicalId of secrets) {
    expect(rotated.filter((ref) => ref.includes(logicalId))).toHaveLength(1);
  }
  expect(schedules).toHaveLength(secrets.length);
});

it.each(SECRETS.map((s) => [s.id, s] as const))(
  '%s: rotated by the SecretRotation function every catalogued period',
  (id, def) => {
    const fn = primary().functions.SecretRotation.function;
    const schedule = primary().rotationSchedules[SECRETS.indexOf(def)]!;
    expect(schedule.node.id).toBe(`${id}Rotation`);
    const resource = primaryTemplate().toJSON().Resources[logicalIdOf(primary(), schedule)] as Resource;
    expect(resource.Properties).toMatchObject({
      RotationLambdaARN: { 'Fn::GetAtt': [logicalIdOf(primary(), fn), 'Arn'] },
      RotationRules: { ScheduleExpression: `rate(${def.rotation.everyDays} days)` },
    });
  },
);

it('makes the schedules in the primary region only (where the secrets are written)', () => {
  for (const [region, template] of synth.serviceTemplates) {
    const count = Object.keys(template.findResources('AWS::SecretsManager::RotationSchedule')).length;
    expect({ region, count }).toEqual({
      region,
      count: region === synth.config.primaryRegion ? SECRETS.length : 0,
    });
  }
});

it('lets Secrets Manager invoke the function', () => {
  primaryTemplate().hasResourceProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction',
    Principal: 'secretsmanager.amazonaws.com',
    FunctionName: {
      'Fn::GetAtt': [logicalIdOf(primary(), primary().functions.SecretRotation.function), 'Arn'],
    },
  });
});

it('grants the write actions on the rotated secrets alone (no wildcard), and only to the SecretRotation role', () => {
  const roles = new Set<string>();
  const resources: string[] = [];
  for (const [logicalId, policy] of Object.entries(primaryTemplate().findResources('AWS::IAM::Policy'))) {
    const doc = (policy as Resource).Properties.PolicyDocument as { Statement: Record<string, unknown>[] };
    for (const statement of doc.Statement) {
      const actions = ([] as unknown[]).concat(statement.Action);
      if (!actions.includes('secretsmanager:PutSecretValue')) continue;
      expect([...actions].sort()).toEqual(
        [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ].sort(),
      );
      roles.add(logicalId);
      resources.push(...([] as unknown[]).concat(statement.Resource).map((r) => JSON.stringify(r)));
    }
  }
  expect([...roles]).toHaveLength(1);
  expect([...roles][0]).toContain('SecretRotation');
  // One reference per catalogued secret (each the data stack's secret), and nothing else.
  expect(new Set(resources).size).toBe(SECRETS.length);
  expect(resources).toHaveLength(SECRETS.length);
  for (const def of SECRETS) {
    expect(resources.filter((r) => r.includes(`${def.id}Secret`))).toHaveLength(1);
  }
  expect(resources.some((r) => r.includes('*'))).toBe(false);
});

it('alarms on a failed rotation step, naming its runbook', () => {
  primaryTemplate().hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: `${primary().stackName}-secret-rotation-failed`,
    MetricName: SERVICE_METRICS.secretRotationFailures,
    Threshold: 1,
    AlarmDescription: Match.stringLikeRegexp('Runbook: runbooks/secret-rotation-failed\\.md'),
  });
});

it('acknowledges SMG4 only on the data stack secrets, each of which has its schedule in the primary service stack', () => {
  const found: string[] = [];
  const visit = (construct: IConstruct) => {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      if (Object.keys(entry.data as Record<string, string>).some((id) => id.includes('SMG4'))) {
        found.push(construct.node.path);
      }
    }
    construct.node.children.forEach(visit);
  };
  visit(synth.app);
  expect(found.sort()).toEqual(SECRETS.map((def) => `${synth.data.stackName}/${def.id}Secret`).sort());
  expect(
    primary()
      .rotationSchedules.map((s) => s.node.id)
      .sort(),
  ).toEqual(SECRETS.map((d) => `${d.id}Rotation`).sort());
});
