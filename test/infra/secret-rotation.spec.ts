/**
 * Issue 9, rotation: every secret of the synthesized app has a rotation schedule run by the
 * SecretRotation function, on its catalogued period; the function may write only the secrets it
 * rotates, Secrets Manager may invoke it, and failed steps raise an alarm. The function and every
 * schedule are in the data stack, beside the secrets (cdk-nag's SMG4 passes with no
 * acknowledgement); its alarms are in the primary service stack, which names it by its derived name.
 */
import { Validations } from 'aws-cdk-lib';
import { Capture, Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { DATA_FUNCTIONS } from '#src/catalog/functions';
import { dataFunctionName } from '#src/catalog/physical-names';
import { SECRETS } from '#src/catalog/secrets';
import { SERVICE_METRICS } from '#src/catalog/metrics';
import { tableDefinition } from '#src/catalog/tables';
import { logicalIdOf, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

type Resource = { Properties: Record<string, unknown> };

const primary = () => synth.services.find((s) => s.region === synth.config.primaryRegion)!;
const primaryTemplate = () => synth.serviceTemplates.get(synth.config.primaryRegion)!;

it('gives every AWS::SecretsManager::Secret an AWS::SecretsManager::RotationSchedule beside it', () => {
  const secrets = Object.keys(synth.dataTemplate.findResources('AWS::SecretsManager::Secret'));
  expect(secrets).toHaveLength(SECRETS.length);
  const schedules = [synth.dataTemplate, ...synth.serviceTemplates.values()].flatMap((t) =>
    Object.values(t.findResources('AWS::SecretsManager::RotationSchedule')),
  ) as Resource[];
  // Each schedule names its secret in its own stack (a Ref, no import).
  const rotated = schedules.map((s) => JSON.stringify(s.Properties.SecretId));
  for (const logicalId of secrets) {
    expect(rotated.filter((ref) => ref === JSON.stringify({ Ref: logicalId }))).toHaveLength(1);
  }
  expect(schedules).toHaveLength(secrets.length);
});

it.each(SECRETS.map((s) => [s.id, s] as const))(
  '%s: rotated by the SecretRotation function every catalogued period',
  (id, def) => {
    const fn = synth.data.functions.SecretRotation.function;
    const schedule = synth.data.rotationSchedules[SECRETS.indexOf(def)]!;
    expect(schedule.node.id).toBe(`${id}Rotation`);
    const resource = synth.dataTemplate.toJSON().Resources[logicalIdOf(synth.data, schedule)] as Resource;
    expect(resource.Properties).toMatchObject({
      RotationLambdaARN: { 'Fn::GetAtt': [logicalIdOf(synth.data, fn), 'Arn'] },
      RotationRules: { ScheduleExpression: `rate(${def.rotation.everyDays} days)` },
    });
  },
);

it('makes the schedules and the function in the data stack only (the primary region, where secrets are written)', () => {
  for (const [region, template] of synth.serviceTemplates) {
    const count = Object.keys(template.findResources('AWS::SecretsManager::RotationSchedule')).length;
    expect({ region, count }).toEqual({ region, count: 0 });
    expect(JSON.stringify(template.toJSON())).not.toContain('functions/secret-rotation');
  }
  expect(synth.data.region).toBe(synth.config.primaryRegion);
  synth.dataTemplate.resourceCountIs('AWS::SecretsManager::RotationSchedule', SECRETS.length);
  synth.dataTemplate.resourceCountIs('AWS::Lambda::Function', DATA_FUNCTIONS.length);
});

it('builds the function like every other (arm64, nodejs22.x, own log group), under its derived name, with the secrets and the Audit table named', () => {
  const fn = synth.data.functions.SecretRotation;
  const variables = new Capture();
  resourceOf(synth.dataTemplate, synth.data, fn.function).hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: dataFunctionName(synth.config, 'SecretRotation'),
    Runtime: 'nodejs22.x',
    Architectures: ['arm64'],
    LoggingConfig: { LogGroup: { Ref: logicalIdOf(synth.data, fn.logGroup) } },
    Environment: { Variables: variables },
  });
  const names = Object.keys(variables.asObject());
  for (const def of SECRETS) expect(names).toContain(def.envVar);
  expect(names).toContain(tableDefinition('Audit').envVar);
  expect(names).toContain('POWERTOOLS_SERVICE_NAME');
});

it('lets Secrets Manager invoke the function', () => {
  synth.dataTemplate.hasResourceProperties('AWS::Lambda::Permission', {
    Action: 'lambda:InvokeFunction',
    Principal: 'secretsmanager.amazonaws.com',
    FunctionName: {
      'Fn::GetAtt': [logicalIdOf(synth.data, synth.data.functions.SecretRotation.function), 'Arn'],
    },
  });
});

it('grants the write actions on the rotated secrets alone (no wildcard), and only to the SecretRotation role', () => {
  const roles = new Set<string>();
  const resources: string[] = [];
  for (const template of [synth.dataTemplate, ...synth.serviceTemplates.values()]) {
    for (const [logicalId, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
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
  }
  expect([...roles]).toHaveLength(1);
  expect([...roles][0]).toContain('SecretRotation');
  // One reference per catalogued secret (each a Ref to the data stack's secret), and nothing else.
  expect(new Set(resources).size).toBe(SECRETS.length);
  expect(resources).toHaveLength(SECRETS.length);
  for (const def of SECRETS) {
    expect(resources.filter((r) => r.includes(`${def.id}Secret`))).toHaveLength(1);
  }
  expect(resources.some((r) => r.includes('*'))).toBe(false);
});

it('alarms on the function’s errors and throttles in the primary service stack only, by its derived name', () => {
  const [watched] = primary().dataFunctions;
  expect(watched?.definition.id).toBe('SecretRotation');
  for (const alarm of [watched!.errorAlarm, watched!.throttleAlarm]) {
    const json = JSON.stringify(resourceOf(primaryTemplate(), primary(), alarm).toJSON());
    expect(json).toContain(`"Value":"${dataFunctionName(synth.config, 'SecretRotation')}"`);
    expect(json).toMatch(/Runbook: runbooks\/(function-errors|lambda-throttles)\.md/);
  }
  for (const service of synth.services) {
    const names = JSON.stringify(
      synth.serviceTemplates.get(service.region)!.findResources('AWS::CloudWatch::Alarm'),
    );
    // `-SecretRotation-errors`: not the WebhookSecretRotation function's alarm.
    expect({ region: service.region, has: /-SecretRotation-errors/.test(names) }).toEqual({
      region: service.region,
      has: service.region === synth.config.primaryRegion,
    });
  }
});

it('alarms on a failed rotation step, naming its runbook', () => {
  primaryTemplate().hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: `${primary().stackName}-secret-rotation-failed`,
    MetricName: SERVICE_METRICS.secretRotationFailures,
    Threshold: 1,
    AlarmDescription: Match.stringLikeRegexp('Runbook: runbooks/secret-rotation-failed\\.md'),
  });
});

it('acknowledges SMG4 nowhere: every secret has its schedule in its own stack', () => {
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
  expect(found).toEqual([]);
  expect(synth.data.rotationSchedules.map((s) => s.node.id).sort()).toEqual(
    SECRETS.map((d) => `${d.id}Rotation`).sort(),
  );
});
