/**
 * Synthesizes the real app (same builder and context as `bin/app.ts`: cdk.json + cdk.context.json)
 * once per test file. Bundling (the local esbuild, as in `cdk synth`) runs only when a test asks
 * for it: the templates are the same without it, and bundling twelve functions costs ~10 s a file.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS, type CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { applyNag } from '../../../lib/nag';
import { buildWedSync, type WedSync } from '../../../lib/wedsync';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * What the CLI adds to the context of every `cdk synth` (`npm run synth`, `cdk deploy`): version
 * reporting puts an `AWS::CDK::Metadata` resource in each stack, which counts against
 * CloudFormation's 500-resource limit (a service stack at exactly 500 passed the tests without it
 * and failed `npm run synth` with 501).
 */
export const CLI_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:version-reporting': true,
  'aws:cdk:enable-path-metadata': true,
};

/** The CDK context the CLI would pass: `cdk.json` "context" overlaid by `cdk.context.json`. */
export function projectContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context?: object };
  const cached = JSON.parse(readFileSync(path.join(ROOT, 'cdk.context.json'), 'utf8')) as object;
  return { ...cdkJson.context, ...cached, ...CLI_CONTEXT };
}

export interface SynthesizedApp extends WedSync {
  readonly app: App;
  readonly assembly: CloudAssembly;
  readonly dataTemplate: Template;
  /** Service stack templates by region, the primary region first. */
  readonly serviceTemplates: ReadonlyMap<string, Template>;
  /** API stack templates by region, the primary region first. */
  readonly apiTemplates: ReadonlyMap<string, Template>;
  readonly stacks: readonly Stack[];
}

export interface SynthOptions {
  /** Register cdk-nag exactly as `bin/app.ts` does (synth then fails on unacknowledged errors). */
  readonly nag?: boolean;
  /** Merged over the `wedsync` context from cdk.json. */
  readonly config?: Record<string, unknown>;
  /** Other context keys, as `-c key=value` gives them (`stage`, `pagerDutyIntegrationUrl`). */
  readonly context?: Record<string, unknown>;
  /**
   * Bundle the functions' code as `cdk synth` does. Off by default: no stack is bundled (the
   * CLI's `aws:cdk:bundling-stacks` context, as `cdk synth --exclusively` uses), and each
   * function's asset hash is then derived from its construct path instead of its bundle.
   */
  readonly bundle?: boolean;
}

/**
 * Synthesizes once per options within a test file's module registry: the spec modules one test
 * file imports (test/infra/app.test.ts, nag.test.ts) share one synth instead of one each.
 * Callers must not mutate the app (its constructs are shared by every spec of the file).
 */
const synthesized = new Map<string, SynthesizedApp>();

export function synthesize(options: SynthOptions = {}): SynthesizedApp {
  const key = JSON.stringify(options);
  const cached = synthesized.get(key);
  if (cached) return cached;
  const app = synthesizeNow(options);
  synthesized.set(key, app);
  return app;
}

function synthesizeNow(options: SynthOptions): SynthesizedApp {
  const context = projectContext();
  if (options.config) context.wedsync = { ...(context.wedsync as object), ...options.config };
  Object.assign(context, options.context);
  if (!options.bundle) context[BUNDLING_STACKS] = [];
  const app = new App({ context });
  const wedsync = buildWedSync(app);
  if (options.nag) applyNag(app);
  const assembly = app.synth();
  return {
    ...wedsync,
    app,
    assembly,
    dataTemplate: Template.fromStack(wedsync.data),
    serviceTemplates: new Map(wedsync.services.map((s) => [s.region, Template.fromStack(s)])),
    apiTemplates: new Map(wedsync.apis.map((s) => [s.region, Template.fromStack(s)])),
    stacks: [wedsync.data, ...wedsync.services, ...wedsync.apis, wedsync.backupCopy, ...wedsync.keys],
  };
}

/**
 * A template holding only the resource of `construct` (its default child), so `hasResourceProperties`
 * checks that very resource and reports the mismatch precisely.
 */
export function resourceOf(template: Template, stack: Stack, construct: IConstruct): Template {
  const logicalId = logicalIdOf(stack, construct);
  const resource = (template.toJSON() as { Resources: Record<string, unknown> }).Resources[logicalId];
  if (resource === undefined) throw new Error(`${logicalId} is not in the template of ${stack.stackName}`);
  return Template.fromJSON({ Resources: { [logicalId]: resource } });
}

/** The logical ID of a CloudFormation element, or of an L2 construct's default child. */
export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return stack.resolve(element.logicalId) as string;
}

/** The logical id of a service function's `live` alias: what its callers invoke (canary deploys, issue 11). */
export function liveAliasOf(stack: Stack, fn: { readonly live?: IConstruct }): string {
  if (!fn.live) throw new Error('the function has no live alias');
  return logicalIdOf(stack, fn.live);
}

/** An event source mapping's `FunctionName` when it targets a function's `live` alias (as CDK writes it). */
export function mappedToLive(stack: Stack, fn: { readonly live?: IConstruct }): object {
  return {
    'Fn::Join': [
      '',
      [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: liveAliasOf(stack, fn) }] }] }, ':live'],
    ],
  };
}
