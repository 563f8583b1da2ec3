/**
 * cdk-nag (AwsSolutions, v3 policy-validation plugin) over every stack: no unacknowledged error
 * or warning, every acknowledgement with a specific reason, and proof that the check is live.
 *
 * v3 reports through CDK's policy validation: `app.synth()` throws on unacknowledged errors (in
 * jest the app runs "in memory"), writes every finding to `validation-report.json` in the cloud
 * assembly, and `NagPack.validateScope(scope)` returns the unacknowledged findings of a subtree.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ROUTES } from '#src/catalog/routes';
import { ROUTE_ACTIONS } from '#src/realtime';
import { synthesize, type SynthesizedApp } from './support/synth';
// The specs over the same synth (cdk-nag registered, bundled as `cdk synth` does) share it here.
import './notifications.spec';
import './platform-sync.spec';

interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
}

let synth: SynthesizedApp;
beforeAll(() => {
  // Registers the pack exactly as bin/app.ts does; synth throws here on any unacknowledged error.
  synth = synthesize({ nag: true, bundle: true });
});

const describeViolations = (
  violations: { ruleName: string; violatingResources: { constructPath?: string }[] }[],
) => violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));

it('synthesizes with the AwsSolutions pack registered, and the report lists no finding', () => {
  const report = JSON.parse(
    readFileSync(path.join(synth.assembly.directory, 'validation-report.json'), 'utf8'),
  ) as ValidationReport;
  const findings = report.pluginReports.flatMap((r) =>
    r.violations.map((v) => `${r.pluginName}: ${v.severity} ${v.ruleName}`),
  );
  expect(findings).toEqual([]);
});

it('checks every stack of the app', () => {
  expect(synth.stacks.map((s) => s.stackName)).toEqual([
    'WedSync-Data',
    'WedSync-Service-us-east-1',
    'WedSync-Service-eu-west-1',
    'WedSync-Service-ap-southeast-1',
    // The REST API and regional DNS of each region, split from its service stack (ADR 0031).
    'WedSync-Api-us-east-1',
    'WedSync-Api-eu-west-1',
    'WedSync-Api-ap-southeast-1',
    'WedSync-BackupCopy-eu-west-1',
    // Every key of each region, primaries in the primary region (issues 9 and 11).
    'WedSync-Keys-us-east-1',
    'WedSync-Keys-eu-west-1',
    'WedSync-Keys-ap-southeast-1',
  ]);
});

describe.each([
  'WedSync-Data',
  'WedSync-Service-us-east-1',
  'WedSync-Service-eu-west-1',
  'WedSync-Service-ap-southeast-1',
  'WedSync-Api-us-east-1',
  'WedSync-Api-eu-west-1',
  'WedSync-Api-ap-southeast-1',
  'WedSync-BackupCopy-eu-west-1',
  'WedSync-Keys-us-east-1',
  'WedSync-Keys-eu-west-1',
  'WedSync-Keys-ap-southeast-1',
])('%s', (stackName) => {
  it('has zero unacknowledged AwsSolutions errors or warnings', () => {
    const stack = synth.stacks.find((s) => s.stackName === stackName)!;
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(describeViolations(report.violations)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

it('gives every acknowledgement a specific reason', () => {
  const acknowledgements: { path: string; id: string; reason: string }[] = [];
  const visit = (construct: IConstruct) => {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        acknowledgements.push({ path: construct.node.path, id, reason });
      }
    }
    construct.node.children.forEach(visit);
  };
  visit(synth.app);

  expect(acknowledgements.length).toBeGreaterThan(0);
  for (const ack of acknowledgements) {
    expect({ ...ack, long: ack.reason.length >= 80 }).toMatchObject({ long: true });
    // The reason names something concrete about this resource, not a blanket "not needed".
    expect(ack.reason).not.toMatch(/^(n\/?a|not needed|suppressed?|ok|todo)\.?$/i);
  }
  // Only the rules we have decided about, never a whole pack.
  // Grants named per region (the WebSocket API's connections, a replica's stream) count once.
  const perRegion = (id: string) =>
    id
      .replace(/^(AwsSolutions-IAM5\[Resource::arn:aws:[a-z-]+:)[a-z0-9-]+(:\d{12}:)/, '$1<region>$2')
      .replace(
        /\{"Fn::GetStackOutput":\{[^}]*"OutputName":"PublishOutputRef(\w+?)Table[A-Z0-9]+"\}\}/,
        '<$1Table>',
      );
  const rules = new Set(acknowledgements.map((a) => perRegion(a.id.replace(/^annotation::/i, ''))));
  expect([...rules].sort()).toEqual(
    [
      'AwsSolutions-APIG2',
      'AwsSolutions-APIG4',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      // AWS Backup's service role for the table backups (lib/constructs/table-backups.ts).
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      // CodeDeploy's role for the canary deployments of a region's functions (lib/stacks/service-stack.ts).
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      'AwsSolutions-IAM5[Resource::*]',
      // The objects of the Imports bucket (keys chosen per import), per region (lib/constructs/service-function.ts).
      'AwsSolutions-IAM5[Resource::<ImportsBucket3F5A81CD.Arn>/*]',
      // The model store's artifact objects, versioned keys per candidate (ADR 0026).
      'AwsSolutions-IAM5[Resource::<ModelStoreBucket0EE35017.Arn>/*]',
      // PostToConnection on this region's WebSocket stage: connection ids are made per connection
      // (lib/constructs/realtime-api.ts).
      'AwsSolutions-IAM5[Resource::arn:aws:execute-api:<region>:111111111111:<RealtimeApiD4415F9E>/v1/POST/@connections/*]',
      // Keys named by their derived alias (kms:ResourceAliases), per region (issues 9 and 11,
      // lib/constructs/service-function.ts).
      'AwsSolutions-IAM5[Resource::arn:aws:kms:<region>:111111111111:key/*]',
      // CDK's encrypt grants on a region's store key, by alias (lib/constructs/service-function.ts).
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      // AwsCustomResource's provider: the deploy-time read of the region's RealtimeLog stream ARN (issue 11).
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-L1',
      // The access-log bucket of a catalog bucket logs nowhere else (lib/constructs/service-bucket.ts).
      'AwsSolutions-S1',
      // The real-time fan-out's on-failure queue is itself a dead-letter destination (lib/constructs/realtime-monitoring.ts).
      'AwsSolutions-SQS3',
    ].sort(),
  );
});

it('acknowledges the missing authorizer on the public methods only', () => {
  const paths: string[] = [];
  const visit = (construct: IConstruct) => {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      const ids = Object.keys(entry.data as Record<string, string>).map((id) =>
        id.replace(/^annotation::/i, ''),
      );
      if (ids.includes('AwsSolutions-APIG4')) paths.push(construct.node.path);
    }
    construct.node.children.forEach(visit);
  };
  visit(synth.app);
  // One per region on each public route's method (the route table's `public` routes: the API
  // description and the OAuth callback), never on the API as a whole.
  const publicMethods = ROUTES.filter((r) => r.auth === 'public').map(
    (r) => `/Api/Default${r.path}/${r.method}`,
  );
  // And each WebSocket route: API Gateway allows an authorizer on $connect only, and there the
  // connection token is in the query string, checked by the RealtimeSocket function (issue 14).
  const socketRoutes = ['$connect', '$disconnect', '$default', ...ROUTE_ACTIONS].map(
    (route) => `/Realtime/Api/${route}-Route`,
  );
  expect(publicMethods.length).toBeGreaterThan(0);
  expect(paths).toHaveLength(3 * (publicMethods.length + socketRoutes.length));
  for (const path of paths) {
    expect([...publicMethods, ...socketRoutes].some((m) => path.endsWith(m))).toBe(true);
  }
});

it('is live: the same checks flag a queue without DLQ, encryption or TLS enforcement', () => {
  const app = new App();
  const stack = new Stack(app, 'Probe');
  new sqs.Queue(stack, 'Unsafe', { encryption: sqs.QueueEncryption.UNENCRYPTED });
  const report = new AwsSolutionsChecks().validateScope(stack);
  expect(report.violations.map((v) => v.ruleName)).toEqual(
    expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
  );
  expect(report.violations.find((v) => v.ruleName === 'AwsSolutions-SQS3')?.severity).toBe('error');
});
