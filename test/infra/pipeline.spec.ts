/**
 * The deploy pipeline (issue 11, ADR 0028) of the committed prod stage, which has a `pipeline`
 * configuration: its source, its synth (the CI script, then `cdk synth` with cdk-nag), the order of
 * its deploy actions (manual approval, stateful stacks, the primary region's service stack, the
 * other regions'), a health smoke test after each region, and stack names equal to the plain app's.
 * One extra synth (stage prod, no bundling) shared by every test here.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { HEALTH_PATH, pagerDutySecretName } from '../../lib/pipeline';
import { parseConfig, pagerDutyUrlForKey } from '../../lib/settings';
import { apiStackName, dataStackName, serviceStackName } from '../../lib/wedsync';
import { projectContext, ROOT, synthesize, type SynthesizedApp } from './support/synth';

const PROD = {
  stage: 'prod',
  pagerDutyIntegrationUrl: pagerDutyUrlForKey('0123456789abcdef0123456789abcdef'),
};

type Action = {
  Name: string;
  RunOrder: number;
  ActionTypeId: { Provider: string };
  Configuration: Record<string, unknown>;
};

let synth: SynthesizedApp;
let template: Template;
let deployActions: Action[];
beforeAll(() => {
  synth = synthesize({ context: PROD });
  template = Template.fromStack(synth.pipeline!);
  const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0] as {
    Properties: { Stages: { Name: string; Actions: Action[] }[] };
  };
  deployActions = pipeline.Properties.Stages.find((s) => s.Name === synth.config.stage)!.Actions;
});

const action = (name: string): Action => {
  const found = deployActions.find((a) => a.Name === name);
  if (!found) throw new Error(`no action ${name}: ${deployActions.map((a) => a.Name).join(', ')}`);
  return found;
};

describe('deploy pipeline', () => {
  it('exists only for a stage configured with one (the default dev stage synthesizes no pipeline)', () => {
    expect(synth.pipeline).toBeDefined();
    expect(synthesize().pipeline).toBeUndefined();
  });

  it('takes its source from the configured CodeConnections repository and branch', () => {
    const settings = synth.config.pipeline!;
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: [
        {
          Name: 'Source',
          Actions: [
            {
              ActionTypeId: { Provider: 'CodeStarSourceConnection' },
              Configuration: {
                ConnectionArn: settings.connectionArn,
                FullRepositoryId: settings.repository,
                BranchName: settings.branch,
              },
            },
          ],
        },
        { Name: 'Build' },
        { Name: 'UpdatePipeline' },
        { Name: 'Assets' },
        { Name: synth.config.stage },
      ],
    });
  });

  it('synthesizes after the CI script (install, lint, tests) with cdk-nag, the PagerDuty URL from Secrets Manager', () => {
    const projects = Object.values(template.findResources('AWS::CodeBuild::Project')) as {
      Properties: { Source: { BuildSpec: string }; Environment: { EnvironmentVariables?: unknown[] } };
    }[];
    const synthProject = projects.find((p) => p.Properties.Source.BuildSpec.includes('cdk synth'))!;
    const spec = JSON.parse(synthProject.Properties.Source.BuildSpec) as {
      phases: { build: { commands: string[] } };
    };
    expect(spec.phases.build.commands).toEqual([
      'bash .ci/run',
      'npx cdk synth -c stage=prod -c pagerDutyIntegrationUrl="$PAGERDUTY_INTEGRATION_URL"',
    ]);
    expect(synthProject.Properties.Environment.EnvironmentVariables).toEqual([
      {
        Name: 'PAGERDUTY_INTEGRATION_URL',
        Type: 'SECRETS_MANAGER',
        Value: pagerDutySecretName(synth.config),
      },
    ]);
    const ci = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    for (const step of ['npm install', 'npm run lint', 'npm test'])
      expect(ci).toMatch(new RegExp(`^${step}`, 'm'));
    // bin/app.ts is what `cdk synth` runs: cdk-nag fails it on an unacknowledged finding.
    expect(readFileSync(path.join(ROOT, 'bin', 'app.ts'), 'utf8')).toContain('applyNag(app)');
  });

  it('asks a person first, then deploys the stateful stacks, the primary region (service, then API), then the other regions', () => {
    const approval = action(`Approve-${synth.config.stage}`);
    expect(approval.ActionTypeId.Provider).toBe('Manual');
    const others = deployActions.filter((a) => a !== approval);
    expect(Math.max(approval.RunOrder)).toBeLessThan(Math.min(...others.map((a) => a.RunOrder)));

    const [primary, ...replicas] = synth.services;
    const apiOf = (service: { region: string }) => synth.apis.find((a) => a.region === service.region)!;
    const stateful = synth.pipeline!.stage.statefulStacks;
    // Derived from what the builder makes: every stack that is neither a service nor an API stack.
    expect(stateful.map((s) => s.stackName).sort()).toEqual(
      [synth.data, synth.backupCopy, ...synth.keys].map((s) => s.stackName).sort(),
    );
    const lastStateful = Math.max(...stateful.map((s) => action(`${s.stackName}.Deploy`).RunOrder));
    expect(lastStateful).toBeLessThan(action(`${primary!.stackName}.Prepare`).RunOrder);
    const primaryApi = apiOf(primary!).stackName;
    expect(action(`${primaryApi}.Prepare`).RunOrder).toBeGreaterThan(
      action(`${primary!.stackName}.Deploy`).RunOrder,
    );
    const primarySmoke = action(`${primaryApi}.SmokeTest-${primary!.region}`).RunOrder;
    expect(primarySmoke).toBeGreaterThan(action(`${primaryApi}.Deploy`).RunOrder);
    expect(replicas).toHaveLength(synth.config.replicaRegions.length);
    for (const replica of replicas) {
      expect(action(`${replica.stackName}.Prepare`).RunOrder).toBeGreaterThan(primarySmoke);
      expect(action(`${replica.stackName}.Deploy`).Configuration.StackName).toBe(replica.stackName);
      const api = apiOf(replica).stackName;
      expect(action(`${api}.Prepare`).RunOrder).toBeGreaterThan(
        action(`${replica.stackName}.Deploy`).RunOrder,
      );
      expect(action(`${api}.Deploy`).Configuration.StackName).toBe(api);
    }
  });

  it("smoke-tests each region after its API stack: GET /v1/health from that stack's output, failing on any non-2xx", () => {
    for (const api of synth.apis) {
      const deploy = action(`${api.stackName}.Deploy`) as Action & { Namespace: string };
      const smoke = action(`${api.stackName}.SmokeTest-${api.region}`);
      expect(smoke.ActionTypeId.Provider).toBe('CodeBuild');
      expect(smoke.RunOrder).toBe(deploy.RunOrder + 1);
      expect(JSON.parse(smoke.Configuration.EnvironmentVariables as string)).toEqual([
        { name: 'HEALTH_URL', type: 'PLAINTEXT', value: `#{${deploy.Namespace}.HealthUrl}` },
      ]);
      const output = Template.fromStack(api).findOutputs('HealthUrl');
      expect(JSON.stringify(output)).toContain(HEALTH_PATH);
    }
    const smokeSpecs = (
      Object.values(template.findResources('AWS::CodeBuild::Project')) as {
        Properties: { Source: { BuildSpec: string } };
      }[]
    ).filter((p) => p.Properties.Source.BuildSpec.includes('HEALTH_URL'));
    expect(smokeSpecs).toHaveLength(synth.apis.length);
    for (const p of smokeSpecs) expect(p.Properties.Source.BuildSpec).toContain('curl --fail');
  });

  it('deploys the stacks under the names the plain app gives them', () => {
    expect(synth.data.stackName).toBe(dataStackName(synth.config));
    for (const service of synth.services) {
      expect(service.stackName).toBe(serviceStackName(synth.config, service.region));
    }
    for (const api of synth.apis) expect(api.stackName).toBe(apiStackName(synth.config, api.region));
  });

  it('refuses a pipeline configuration without a connection ARN, or with a malformed repository', () => {
    const context = projectContext();
    const withPipeline = (pipeline: Record<string, unknown>) => {
      const wedsync = structuredClone(context.wedsync) as { stages: Record<string, Record<string, unknown>> };
      wedsync.stages.prod!.pipeline = { ...(wedsync.stages.prod!.pipeline as object), ...pipeline };
      return parseConfig(wedsync, PROD);
    };
    expect(() => withPipeline({ connectionArn: 'REPLACE' })).toThrow(/pipeline\.connectionArn/);
    expect(() => withPipeline({ repository: 'no-owner' })).toThrow(/pipeline\.repository/);
    expect(withPipeline({}).pipeline?.manualApproval).toBe(true);
  });
});
