/**
 * cdk-nag (v3) over the whole app: the AwsSolutions pack runs as a CDK policy-validation plugin
 * during synthesis. Unacknowledged errors fail `cdk synth`; every finding (errors and warnings)
 * lands in `cdk.out/policy-validation-report.json`.
 *
 * Acknowledgements are not collected here: each sits beside the construct it concerns, as
 * `Validations.of(construct).acknowledge({ id, reason })`, with the reason a reviewer needs.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

export function applyNag(app: App): AwsSolutionsChecks {
  const checks = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(checks);
  return checks;
}
