/**
 * Safe deploys (issue 11): every service function deploys through CodeDeploy, a canary of 10% for
 * 5 minutes on its `live` alias, rolled back automatically when the deployment fails or its error
 * or throttle alarm fires; and every caller (queue and stream event sources, schedules, the REST
 * API's integration and authorizer, the WebSocket routes) invokes the alias, never `$LATEST`.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { SERVICE_FUNCTIONS } from '#src/catalog/functions';
import { serviceFunctionName } from '#src/catalog/physical-names';
import { LIVE_ALIAS } from '../../lib/constructs/service-function';
import type { ServiceStack } from '../../lib/stacks/service-stack';
import { logicalIdOf, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

type Resource = { Type: string; Properties: Record<string, unknown> };

describe.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])('canary deploys in %s', (region) => {
  let stack: ServiceStack;
  let template: Template;
  let resources: Record<string, Resource>;
  beforeAll(() => {
    stack = synth.services.find((s) => s.region === region)!;
    template = synth.serviceTemplates.get(region)!;
    resources = (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
  });

  it('has one CodeDeploy application and one deployment role for the stack', () => {
    template.resourceCountIs('AWS::CodeDeploy::Application', 1);
    template.hasResourceProperties('AWS::CodeDeploy::Application', { ComputePlatform: 'Lambda' });
    const groups = Object.values(resources).filter((r) => r.Type === 'AWS::CodeDeploy::DeploymentGroup');
    expect(groups).toHaveLength(SERVICE_FUNCTIONS.length);
    expect(new Set(groups.map((g) => JSON.stringify(g.Properties.ServiceRoleArn))).size).toBe(1);
  });

  it.each(SERVICE_FUNCTIONS.map((f) => [f.id]))(
    '%s: a live alias on its current version, 10% for 5 minutes, rolled back on its own alarms',
    (id) => {
      const fn = stack.functions[id as keyof ServiceStack['functions']];
      expect(fn.live).toBeDefined();
      resourceOf(template, stack, fn.live!).hasResourceProperties('AWS::Lambda::Alias', {
        Name: LIVE_ALIAS,
        FunctionName: { Ref: logicalIdOf(stack, fn.function) },
        FunctionVersion: { 'Fn::GetAtt': [logicalIdOf(stack, fn.function.currentVersion), 'Version'] },
      });
      // CloudFormation hands alias updates to CodeDeploy.
      const alias = resources[logicalIdOf(stack, fn.live!)] as Resource & { UpdatePolicy?: unknown };
      expect(alias.UpdatePolicy).toEqual({
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: logicalIdOf(stack, stack.deployments) },
          DeploymentGroupName: { Ref: logicalIdOf(stack, fn.deploymentGroup!) },
        },
      });
      resourceOf(template, stack, fn.deploymentGroup!).hasResourceProperties(
        'AWS::CodeDeploy::DeploymentGroup',
        {
          ApplicationName: { Ref: logicalIdOf(stack, stack.deployments) },
          DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
          DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
          AlarmConfiguration: {
            Enabled: true,
            Alarms: [
              { Name: { Ref: logicalIdOf(stack, fn.errorAlarm) } },
              { Name: { Ref: logicalIdOf(stack, fn.throttleAlarm) } },
            ],
          },
          AutoRollbackConfiguration: {
            Enabled: true,
            Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
          },
        },
      );
    },
  );

  it('points every event source mapping, permission, schedule and WebSocket integration at a live alias', () => {
    const aliases = new Set(Object.values(stack.functions).map((f) => logicalIdOf(stack, f.live!)));
    const functions = new Set(Object.values(stack.functions).map((f) => logicalIdOf(stack, f.function)));
    /** The logical ids a property refers to (Ref and Fn::GetAtt). */
    const referenced = (value: unknown): string[] => {
      const json = JSON.stringify(value);
      return [
        ...json.matchAll(/"Ref":"([A-Za-z0-9]+)"/g),
        ...json.matchAll(/"Fn::GetAtt":\["([A-Za-z0-9]+)"/g),
      ].map((m) => m[1]!);
    };
    const targetOf: Record<string, (p: Record<string, unknown>) => unknown> = {
      'AWS::Lambda::EventSourceMapping': (p) => p.FunctionName,
      'AWS::Lambda::Permission': (p) => p.FunctionName,
      'AWS::Events::Rule': (p) => p.Targets,
      'AWS::ApiGatewayV2::Integration': (p) => p.IntegrationUri,
    };
    const callers = Object.entries(resources)
      .filter(([, r]) => r.Type in targetOf)
      .map(([id, r]) => ({ id, ids: referenced(targetOf[r.Type]!(r.Properties)) }))
      // The custom resource provider (deploy-time DescribeTable) is not a service function.
      .filter(({ ids }) => ids.some((x) => aliases.has(x) || functions.has(x)));
    expect(callers.length).toBeGreaterThan(10);
    for (const { id, ids } of callers) {
      expect({ id, unqualified: ids.filter((x) => functions.has(x)) }).toEqual({ id, unqualified: [] });
    }
  });

  it("has the REST API invoke the Api and Authorizer functions' live alias (API stack)", () => {
    const api = synth.apiTemplates.get(region)!;
    for (const id of ['Api', 'Authorizer'] as const) {
      api.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: `arn:aws:lambda:${region}:${synth.config.account}:function:${serviceFunctionName(synth.config, id)}:${LIVE_ALIAS}`,
      });
    }
    const uris = JSON.stringify(api.findResources('AWS::ApiGateway::Method'));
    expect(uris).toContain(`function:${serviceFunctionName(synth.config, 'Api')}:${LIVE_ALIAS}/invocations`);
    expect(uris).not.toMatch(new RegExp(`function:${serviceFunctionName(synth.config, 'Api')}/invocations`));
  });
});
