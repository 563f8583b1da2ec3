/**
 * The GitHub Actions pipeline (.github/workflows/ci-cd.yml, issue 11) parses, tests pull requests
 * with `.ci/run`, deploys only from main, dev before prod and prod one wave at a time in the app's
 * own stack order, behind the `prod` environment (the manual approval), with OIDC roles only.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONTEXT_KEY, allRegions, parseConfig, type WedSyncConfig } from '../../../lib/settings';

// js-yaml 4 (a devDependency) has no type declarations here: only `load` is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { load } = require('js-yaml') as { load(text: string): unknown };

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, string>;
}
interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly steps: Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const text = readFileSync(path.join(ROOT, '.github/workflows/ci-cd.yml'), 'utf8');
const workflow = load(text) as Workflow;
const jobs = workflow.jobs;
const needsOf = (job: Job): string[] => [job.needs ?? []].flat();
const runs = (job: Job): string => job.steps.map((s) => s.run ?? '').join('\n');

function prodConfig(): WedSyncConfig {
  const cdkJson = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return parseConfig(cdkJson.context[CONTEXT_KEY], {
    stage: 'prod',
    pagerDutyIntegrationUrl: `https://events.pagerduty.com/integration/${'a'.repeat(32)}/enqueue`,
  });
}

it('runs on pull requests and on pushes to main, read-only by default', () => {
  expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
  expect(workflow.on.push).toEqual({ branches: ['main'] });
  expect(workflow.permissions).toEqual({ contents: 'read' });
});

it('tests every change with .ci/run, unconditionally', () => {
  expect(jobs.test).toBeDefined();
  expect(jobs.test!.if).toBeUndefined();
  expect(jobs.test!.steps.some((s) => s.run?.trim() === 'bash .ci/run')).toBe(true);
});

it('deploys only from main, only after the tests, dev first', () => {
  const deployJobs = Object.entries(jobs).filter(([, job]) => runs(job).includes('cdk deploy'));
  expect(deployJobs.map(([id]) => id)).toEqual([
    'deploy-dev',
    'deploy-prod-data',
    'deploy-prod-us-east-1',
    'deploy-prod-eu-west-1',
    'deploy-prod-ap-southeast-1',
  ]);
  expect(jobs['deploy-dev']!.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
  expect(needsOf(jobs['deploy-dev']!)).toEqual(['test']);
  expect(runs(jobs['deploy-dev']!)).toContain('cdk deploy --all -c stage=dev');
});

it('deploys prod one wave at a time in the app order, each behind the prod approval', () => {
  const config = prodConfig();
  const waves = [
    // Every region's keys before the data stack, whose replicas are encrypted with them (issue 9).
    [
      `${config.appName}-BackupCopy-eu-west-1`,
      ...allRegions(config).map((r) => `${config.appName}-Keys-${r}`),
      `${config.appName}-Data`,
    ],
    // Each region's service stack, then its API stack (the REST API calls the service's functions).
    ...allRegions(config).map((r) => [`${config.appName}-Service-${r}`, `${config.appName}-Api-${r}`]),
  ];
  const prodJobs = ['deploy-prod-data', ...allRegions(config).map((r) => `deploy-prod-${r}`)];
  prodJobs.forEach((id, index) => {
    const job = jobs[id]!;
    expect(job.environment).toBe('prod');
    expect(needsOf(job)).toEqual([index === 0 ? 'deploy-dev' : prodJobs[index - 1]]);
    const deploy = runs(job);
    expect(deploy).toContain('-c stage=prod');
    const afterFlag = deploy.slice(deploy.indexOf('--exclusively') + '--exclusively'.length);
    const stacks = afterFlag.split('\n')[0]!.trim().split(/\s+/);
    expect(stacks).toEqual(waves[index]);
    // Each region is smoke-tested on its health route (the API stack's URL) before the next wave.
    if (index > 0)
      expect(deploy).toContain(`.ci/smoke-health ${waves[index]![1]} ${allRegions(config)[index - 1]}`);
  });
});

it('reaches AWS only through OIDC role assumption, never with stored keys', () => {
  expect(text).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id|aws-secret-access-key/);
  for (const [id, job] of Object.entries(jobs)) {
    const assumes = job.steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    if (assumes.length === 0) {
      expect({ id, idToken: job.permissions?.['id-token'] }).toEqual({ id, idToken: undefined });
      continue;
    }
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    for (const step of assumes)
      expect(step.with?.['role-to-assume']).toMatch(/^\$\{\{ vars\.[A-Z_]+_ROLE_ARN \}\}$/);
  }
});
