/**
 * Safe deploys (issue 11, ADR 0028): a CDK Pipelines stack that deploys one stage from its
 * repository. The stage's stacks live in a `WedSyncStage` built by the same builder as the plain
 * app, under the same stack names, so the pipeline updates the stacks `cdk deploy` made.
 *
 * Order, inside the one stage deployment (the stacks reference each other, which CDK allows only
 * within one Stage): an optional manual approval, then every stateful stack (whatever the builder
 * makes besides the service and API stacks), then the primary region's service stack and its API
 * stack, then the other regions' (each service stack before its API stack); after each API stack, a
 * smoke test calls that region's `GET /v1/health`.
 */
import {
  type CfnElement,
  CfnOutput,
  Stack,
  Stage,
  type StackProps,
  type StageProps,
  Validations,
} from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { Construct, IConstruct } from 'constructs';
import { STAGE_CONTEXT_KEY, type WedSyncConfig } from './settings';
import type { ApiStack } from './stacks/api-stack';
import type { ServiceStack } from './stacks/service-stack';

/** The stage's settings for its pipeline (`pipeline` in the stage's configuration). */
export type PipelineSettings = NonNullable<WedSyncConfig['pipeline']>;

/** The route every region's smoke test calls (deep health: DynamoDB, SQS and secrets reachable). */
export const HEALTH_PATH = '/v1/health';
/** The API stack output the smoke test reads. */
export const HEALTH_URL_OUTPUT = 'HealthUrl';

/** Where the synth step reads a paging stage's PagerDuty integration URL (never in the repository). */
export const pagerDutySecretName = (config: WedSyncConfig): string =>
  `${config.appName}-${config.stage}/pipeline/pagerduty-integration-url`;

export const pipelineStackName = (config: WedSyncConfig): string => `${config.appName}-Pipeline`;

/** What the pipeline needs of the builder's result (lib/wedsync.ts `WedSync`; no import: a cycle). */
export interface StageStacks {
  /** One per region, the primary region first. */
  readonly services: readonly ServiceStack[];
  /** One per region, in the order of `services`: the region's REST API, after its service stack. */
  readonly apis: readonly ApiStack[];
}

/** Builds every stack of a stage into `scope` (lib/wedsync.ts `buildWedSyncStacks`). */
export type StackBuilder<W extends StageStacks> = (scope: Stage) => W;

export interface WedSyncStageProps<W extends StageStacks> extends StageProps {
  readonly config: WedSyncConfig;
  readonly build: StackBuilder<W>;
}

/** Every stack of one configuration stage, as a CDK Stage the pipeline deploys. */
export class WedSyncStage<W extends StageStacks> extends Stage {
  readonly wedsync: W;
  /** Every stack that is neither a service nor an API stack: the first to deploy. */
  readonly statefulStacks: readonly Stack[];
  /** Each API stack's health URL output, by region. */
  readonly healthUrls: ReadonlyMap<string, CfnOutput>;

  constructor(scope: Construct, id: string, props: WedSyncStageProps<W>) {
    super(scope, id, props);
    // The builder reads the same configuration stage the pipeline was made for.
    this.node.setContext(STAGE_CONTEXT_KEY, props.config.stage);
    this.wedsync = props.build(this);
    const regional: readonly Stack[] = [...this.wedsync.services, ...this.wedsync.apis];
    this.statefulStacks = this.node.children.filter(
      (child): child is Stack => Stack.isStack(child) && !regional.includes(child),
    );
    const [primary, ...others] = this.wedsync.services;
    const primaryApi = this.wedsync.apis.find((api) => api.region === primary!.region)!;
    for (const service of this.wedsync.services) {
      for (const stateful of this.statefulStacks) {
        service.addStackDependency(stateful, 'pipeline order: the stateful stacks first');
      }
    }
    // Each API stack already depends on its service stack (lib/wedsync.ts).
    for (const service of others) {
      service.addStackDependency(primaryApi, 'pipeline order: the primary region before the others');
    }
    this.healthUrls = new Map(
      this.wedsync.apis.map((api) => [
        api.region,
        new CfnOutput(api, HEALTH_URL_OUTPUT, {
          value: api.api.api.urlForPath(HEALTH_PATH),
          description: `The deep health route of ${api.region}: the pipeline's smoke test calls it`,
        }),
      ]),
    );
  }
}

export interface PipelineStackProps<W extends StageStacks> extends StackProps {
  readonly config: WedSyncConfig;
  readonly settings: PipelineSettings;
  readonly build: StackBuilder<W>;
}

export class PipelineStack<W extends StageStacks = StageStacks> extends Stack {
  readonly pipeline: pipelines.CodePipeline;
  readonly stage: WedSyncStage<W>;
  readonly smokeTests: ReadonlyMap<string, pipelines.ShellStep>;
  readonly approval?: pipelines.ManualApprovalStep;

  constructor(scope: Construct, id: string, props: PipelineStackProps<W>) {
    super(scope, id, props);
    const { config, settings } = props;

    const source = pipelines.CodePipelineSource.connection(settings.repository, settings.branch, {
      connectionArn: settings.connectionArn,
    });
    const pagerDuty = config.paging.pagesOnCall
      ? ' -c pagerDutyIntegrationUrl="$PAGERDUTY_INTEGRATION_URL"'
      : '';
    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: `${config.appName}-${config.stage}`,
      // `.ci/run` is the pull-request workflow's check too: npm install (lockfile unchanged),
      // npm run lint, npm test. The synth runs cdk-nag (bin/app.ts) and fails on its errors.
      synth: new pipelines.CodeBuildStep('Synth', {
        input: source,
        commands: ['bash .ci/run', `npx cdk synth -c ${STAGE_CONTEXT_KEY}=${config.stage}${pagerDuty}`],
        buildEnvironment: {
          buildImage: codebuild.LinuxBuildImage.STANDARD_7_0,
          computeType: codebuild.ComputeType.LARGE,
          environmentVariables: config.paging.pagesOnCall
            ? {
                PAGERDUTY_INTEGRATION_URL: {
                  type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER,
                  value: pagerDutySecretName(config),
                },
              }
            : {},
        },
      }),
      crossAccountKeys: false,
    });

    this.stage = new WedSyncStage(this, config.stage, {
      config,
      build: props.build,
      env: { account: config.account, region: config.primaryRegion },
    });
    this.smokeTests = new Map(
      [...this.stage.healthUrls].map(([region, output]) => [
        region,
        new pipelines.ShellStep(`SmokeTest-${region}`, {
          envFromCfnOutputs: { HEALTH_URL: output },
          // 200 from every dependency, retried while a new deployment settles (curl -f fails on 503).
          commands: [
            'curl --fail --silent --show-error --max-time 10 --retry 6 --retry-delay 10 --retry-all-errors "$HEALTH_URL"',
          ],
        }),
      ]),
    );
    this.approval = settings.manualApproval
      ? new pipelines.ManualApprovalStep(`Approve-${config.stage}`, {
          comment: `Deploy ${config.appName} ${config.stage}: review the synth and the change sets first.`,
        })
      : undefined;
    this.pipeline.addStage(this.stage, {
      pre: this.approval ? [this.approval] : [],
      stackSteps: this.stage.wedsync.apis.map((api) => ({
        stack: api,
        post: [this.smokeTests.get(api.region)!],
      })),
    });
    this.pipeline.buildPipeline();
    acknowledgePipelineFindings(this);
  }
}

/**
 * What cdk-nag finds in the constructs CDK Pipelines generates (the artifact bucket, the CodeBuild
 * projects of the synth, asset publishing, self-mutation and smoke tests, and their roles).
 */
function acknowledgePipelineFindings(stack: PipelineStack<StageStacks>): void {
  const ack = (scope: IConstruct, id: string, reason: string): void =>
    Validations.of(scope).acknowledge({ id, reason });
  ack(
    stack,
    'AwsSolutions-CB4',
    "The pipeline's CodeBuild projects hold no data of ours: they build from the repository and write to the " +
      'artifact bucket, which is encrypted (S3-managed keys); a customer key adds cost, not protection.',
  );
  const bucketReason =
    "The pipeline's artifact buckets (and its cross-region replication buckets) hold build outputs only, kept by " +
    'CDK Pipelines; CloudTrail records who changed the pipeline.';
  ack(stack, 'AwsSolutions-S1', bucketReason);
  const generated =
    'Generated by CDK Pipelines for its own resources (ADR 0028): object-level actions on the artifact and ' +
    "replication buckets, the CodeBuild projects' own report groups and log groups, sts:AssumeRole on the CDK " +
    'bootstrap roles of this account, and self-mutation reading CloudFormation stacks (no resource-level form).';
  const findings = [
    ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map(
      (a) => `Action::${a}`,
    ),
    'Resource::*',
    `Resource::arn:*:iam::${stack.account}:role/*`,
    `Resource::arn:aws:codebuild:${stack.region}:${stack.account}:report-group/*`,
    `Resource::arn:aws:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/*`,
    `Resource::<${logicalId(stack, stack.pipeline.pipeline.artifactBucket.node.defaultChild as CfnElement)}.Arn>/*`,
    ...stack.node
      .findAll()
      .filter((c): c is codebuild.CfnProject => c instanceof codebuild.CfnProject)
      .flatMap((project) => {
        const id = logicalId(stack, project);
        return [
          `Resource::arn:aws:codebuild:${stack.region}:${stack.account}:report-group/<${id}>-*`,
          `Resource::arn:aws:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/<${id}>:*`,
        ];
      }),
  ];
  // The replication buckets live in support stacks CDK adds at the app's root, one per other region.
  const supportStacks = stack.node.root.node.children.filter(
    (c): c is Stack => Stack.isStack(c) && c.node.id.startsWith('cross-region-stack-'),
  );
  for (const support of supportStacks) {
    ack(support, 'AwsSolutions-S1', bucketReason);
    for (const bucket of support.node.findAll().filter((c): c is s3.Bucket => c instanceof s3.Bucket)) {
      // Resolved from the pipeline's stack: a cross-environment reference is the bucket's literal name.
      const name: unknown = stack.resolve(bucket.bucketName);
      if (typeof name === 'string') findings.push(`Resource::arn:aws:s3:::${name}/*`);
    }
  }
  for (const finding of findings) ack(stack, `AwsSolutions-IAM5[${finding}]`, generated);
}

const logicalId = (stack: Stack, element: CfnElement): string => stack.resolve(element.logicalId) as string;
