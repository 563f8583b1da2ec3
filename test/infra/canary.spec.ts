/**
 * Canary deploys (issue 11, ADR 0028): every function of every region is invoked through its `live`
 * alias, which CodeDeploy shifts to each new version 10% for 5 minutes and rolls back when the
 * function's error or throttle alarm fires. Every caller (queue and stream mappings, the REST and
 * WebSocket integrations, the authorizer, the schedule, the rotation) names the alias, never $LATEST.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '#src/catalog/functions';
import { LIVE_ALIAS } from '../../lib/constructs/service-function';
import type { ServiceStack } from '../../lib/stacks/service-stack';
import { logicalIdOf, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

type Resource = { Type: string; Properties: Record<string, unknown> };

const resourcesOf = (template: Template, type: string): Resource[] =>
  Object.values(template.findResources(type)) as Resource[];

/** Logical ids of each function's alias and of its bare function, in this stack. */
function refs(stack: ServiceStack): { aliases: Set<string>; functions: Set<string> } {
  const fns = FUNCTIONS.map((def) => stack.functions[def.id]);
  return {
    aliases: new Set(fns.map((f) => logicalIdOf(stack, f.alias))),
    functions: new Set(fns.map((f) => logicalIdOf(stack, f.function))),
  };
}

/** Every logical id a CloudFormation value refers to (Ref, Fn::GetAtt). */
function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  const own: string[] = [];
  if (typeof object.Ref === 'string') own.push(object.Ref);
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') own.push(getAtt[0]);
  return [...own, ...Object.values(object).flatMap(referencedIds)];
}

describe('canary deploys of every function', () => {
  const each = (): ServiceStack[] => synth.services as ServiceStack[];

  it('gives every function a live alias on a published version', () => {
    for (const stack of each()) {
      const template = synth.serviceTemplates.get(stack.region)!;
      for (const def of FUNCTIONS) {
        const fn = stack.functions[def.id];
        resourceOf(template, stack, fn.alias).hasResourceProperties('AWS::Lambda::Alias', {
          Name: LIVE_ALIAS,
          FunctionName: { Ref: logicalIdOf(stack, fn.function) },
          FunctionVersion: { 'Fn::GetAtt': [logicalIdOf(stack, fn.function.currentVersion), 'Version'] },
        });
      }
    }
  });

  it('deploys every alias through CodeDeploy: 10% for 5 minutes, rolled back on its error and throttle alarms', () => {
    for (const stack of each()) {
      const template = synth.serviceTemplates.get(stack.region)!;
      template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', FUNCTIONS.length);
      template.resourceCountIs('AWS::CodeDeploy::Application', 1);
      for (const def of FUNCTIONS) {
        const fn = stack.functions[def.id];
        resourceOf(template, stack, fn.deployment).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
          DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
          DeploymentStyle: { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' },
          AlarmConfiguration: {
            Enabled: true,
            Alarms: [
              { Name: { Ref: logicalIdOf(stack, fn.errorAlarm) } },
              { Name: { Ref: logicalIdOf(stack, fn.throttleAlarm) } },
            ],
          },
          AutoRollbackConfiguration: {
            Enabled: true,
            Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
          },
        });
        // The alias is updated by CodeDeploy (not in place by CloudFormation) with this group.
        const alias = template.toJSON().Resources[logicalIdOf(stack, fn.alias)] as {
          UpdatePolicy?: { CodeDeployLambdaAliasUpdate?: Record<string, unknown> };
        };
        expect(alias.UpdatePolicy?.CodeDeployLambdaAliasUpdate?.DeploymentGroupName).toEqual({
          Ref: logicalIdOf(stack, fn.deployment),
        });
      }
    }
  });

  it('points every event source mapping at an alias, never at $LATEST', () => {
    for (const stack of each()) {
      const { aliases } = refs(stack);
      const mappings = resourcesOf(
        synth.serviceTemplates.get(stack.region)!,
        'AWS::Lambda::EventSourceMapping',
      );
      expect(mappings.length).toBeGreaterThan(0);
      for (const mapping of mappings) {
        const target = referencedIds(mapping.Properties.FunctionName);
        expect(target).toHaveLength(1);
        expect(aliases.has(target[0]!)).toBe(true);
      }
    }
  });

  it('integrates the REST methods, the authorizer and the WebSocket routes with aliases only', () => {
    for (const stack of each()) {
      const template = synth.serviceTemplates.get(stack.region)!;
      const { aliases, functions } = refs(stack);
      const uris = [
        ...resourcesOf(template, 'AWS::ApiGateway::Method').map(
          (m) => (m.Properties.Integration as { Uri?: unknown } | undefined)?.Uri,
        ),
        ...resourcesOf(template, 'AWS::ApiGateway::Authorizer').map((a) => a.Properties.AuthorizerUri),
        ...resourcesOf(template, 'AWS::ApiGatewayV2::Integration').map((i) => i.Properties.IntegrationUri),
      ].filter((uri) => uri !== undefined);
      expect(uris.length).toBeGreaterThan(2);
      for (const uri of uris) {
        const ids = referencedIds(uri);
        expect(ids.some((id) => aliases.has(id))).toBe(true);
        expect(ids.filter((id) => functions.has(id))).toEqual([]);
      }
    }
  });

  it('invokes the schedule and the secret rotation through aliases, and lets nothing invoke a bare function', () => {
    for (const stack of each()) {
      const template = synth.serviceTemplates.get(stack.region)!;
      const { aliases, functions } = refs(stack);
      const targets = resourcesOf(template, 'AWS::Events::Rule').flatMap(
        (rule) => (rule.Properties.Targets as { Arn: unknown }[] | undefined) ?? [],
      );
      const functionTargets = targets.filter((t) =>
        referencedIds(t.Arn).some((id) => functions.has(id) || aliases.has(id)),
      );
      expect(functionTargets.length).toBeGreaterThan(0);
      for (const target of functionTargets) {
        expect(referencedIds(target.Arn).filter((id) => functions.has(id))).toEqual([]);
      }
      // Every invoke permission a service (API Gateway, SQS is a mapping, EventBridge, Secrets
      // Manager) gets names an alias.
      for (const permission of resourcesOf(template, 'AWS::Lambda::Permission')) {
        const ids = referencedIds(permission.Properties.FunctionName);
        expect(ids.filter((id) => functions.has(id))).toEqual([]);
      }
      const rotations = resourcesOf(template, 'AWS::SecretsManager::RotationSchedule');
      for (const rotation of rotations) {
        const ids = referencedIds(rotation.Properties.RotationLambdaARN);
        expect(ids.some((id) => aliases.has(id))).toBe(true);
      }
      expect(rotations.length > 0).toBe(stack.region === synth.config.primaryRegion);
    }
  });
});
