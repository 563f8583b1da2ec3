/**
 * Data residency (issue 9): the regions are configuration. The committed default stage and the
 * EU profile (`-c stage=prod-eu`: eu-west-1 + eu-central-1, cdk.json) both synthesize with
 * cdk-nag clean, and every table replica, secret replica, stack and regional reference of each
 * stays inside that profile's regions: with the EU profile, nothing is placed or named outside
 * the EU.
 */
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TABLES } from '#src/catalog/tables';
import { SECRETS } from '#src/catalog/secrets';
import { allRegions } from '../../lib/config';
import { resourceOf, synthesize, type SynthesizedApp } from './support/synth';

const PAGERDUTY_URL = 'https://events.pagerduty.com/integration/a1b2c3d4e5f60718293a4b5c6d7e8f90/enqueue';

const PROFILES = [
  { name: 'committed default stage', context: {}, expectRegions: undefined, euOnly: false },
  {
    name: 'EU profile (prod-eu)',
    context: { stage: 'prod-eu', pagerDutyIntegrationUrl: PAGERDUTY_URL },
    expectRegions: ['eu-west-1', 'eu-central-1'],
    euOnly: true,
  },
] as const;

/** Every AWS region name a template mentions (ARNs, endpoints, replica lists, properties). */
const REGION_PATTERN = /\b(?:us|eu|ap|sa|ca|me|af|il|mx)-(?:gov-)?[a-z]+-\d\b/g;

describe.each(PROFILES)('$name', ({ context, expectRegions, euOnly }) => {
  let synth: SynthesizedApp;
  let regions: readonly string[];

  beforeAll(() => {
    // nag: registered as bin/app.ts does; synth throws on any unacknowledged error.
    synth = synthesize({ nag: true, context });
    regions = allRegions(synth.config);
  });

  it('runs in the configured regions only', () => {
    if (expectRegions) expect(regions).toEqual(expectRegions);
    if (euOnly) expect(regions.every((r) => r.startsWith('eu-'))).toBe(true);
    // One service stack per region and the data stack in the primary; the backup copy's vault
    // stack lives in one of the profile's regions too.
    expect([...new Set(synth.stacks.map((s) => s.region))].sort()).toEqual(
      [...new Set([synth.config.primaryRegion, ...regions])].sort(),
    );
  });

  it('replicates every table to exactly those regions, with PITR and deletion protection', () => {
    for (const def of TABLES) {
      const replicas = new Capture();
      resourceOf(synth.dataTemplate, synth.data, synth.data.tables[def.id]).hasResourceProperties(
        'AWS::DynamoDB::GlobalTable',
        { Replicas: replicas },
      );
      const list = replicas.asArray() as { Region: string }[];
      expect({ table: def.id, regions: list.map((r) => r.Region).sort() }).toEqual({
        table: def.id,
        regions: [...regions].sort(),
      });
    }
  });

  it('replicates every secret only within those regions', () => {
    const secrets = synth.dataTemplate.findResources('AWS::SecretsManager::Secret', {
      Properties: { ReplicaRegions: Match.anyValue() },
    });
    expect(Object.keys(secrets)).toHaveLength(SECRETS.length);
    for (const secret of Object.values(secrets)) {
      const replicaRegions = (secret as { Properties: { ReplicaRegions: { Region: string }[] } }).Properties
        .ReplicaRegions;
      for (const { Region } of replicaRegions) expect(regions).toContain(Region);
    }
  });

  it('names no region outside the profile in any template', () => {
    const named = new Set<string>();
    for (const stack of synth.stacks) {
      const json = JSON.stringify(synth.assembly.getStackByName(stack.stackName).template);
      for (const match of json.match(REGION_PATTERN) ?? []) named.add(match);
    }
    expect([...named].filter((r) => !regions.includes(r))).toEqual([]);
  });

  it('has zero unacknowledged AwsSolutions findings in every stack', () => {
    for (const stack of synth.stacks) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      expect({ stack: stack.stackName, violations: report.violations.map((v) => v.ruleName) }).toEqual({
        stack: stack.stackName,
        violations: [],
      });
    }
  });
});
