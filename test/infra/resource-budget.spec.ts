/**
 * CloudFormation's limits, over the synth `npm run synth` makes (cdk.json and cdk.context.json, the
 * committed example configuration with its DNS domain, and the CLI's context: see
 * test/infra/support/synth.ts `CLI_CONTEXT`): every stack stays under 450 resources (the hard limit
 * is 500; a service stack reached 501 once, ADR 0031) and 150 outputs (limit 200), so a construct
 * that grows a stack past its budget fails here instead of at deploy.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { synthesize, type SynthesizedApp } from './support/synth';

/** Our budgets, with headroom under CloudFormation's 500 resources and 200 outputs per stack. */
export const RESOURCE_BUDGET = 450;
export const OUTPUT_BUDGET = 150;

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

interface Counted {
  readonly stack: string;
  readonly resources: number;
  readonly outputs: number;
}

const counted = (): Counted[] =>
  synth.stacks.map((stack) => {
    const json = Template.fromStack(stack).toJSON() as { Resources?: object; Outputs?: object };
    return {
      stack: stack.stackName,
      resources: Object.keys(json.Resources ?? {}).length,
      outputs: Object.keys(json.Outputs ?? {}).length,
    };
  });

describe('resource budget (the configuration `npm run synth` deploys)', () => {
  it('synthesizes as the CLI does: the dev stage with its DNS domain, and the CDK metadata resource', () => {
    expect(synth.config.stage).toBe('dev');
    expect(synth.config.dns).toBeDefined();
    for (const api of synth.apis) {
      synth.apiTemplates.get(api.region)!.resourceCountIs('AWS::Route53::RecordSet', 2);
    }
    for (const stack of synth.stacks) {
      expect({
        stack: stack.stackName,
        metadata: Object.keys(Template.fromStack(stack).findResources('AWS::CDK::Metadata')).length,
      }).toEqual({ stack: stack.stackName, metadata: 1 });
    }
  });

  it(`keeps every stack under ${RESOURCE_BUDGET} resources and ${OUTPUT_BUDGET} outputs`, () => {
    const over = counted().filter((c) => c.resources >= RESOURCE_BUDGET || c.outputs >= OUTPUT_BUDGET);
    expect(over).toEqual([]);
  });

  it('splits each region: the service stack holds most, the API stack the REST API (about 200)', () => {
    const byName = new Map(counted().map((c) => [c.stack, c]));
    for (const [i, service] of synth.services.entries()) {
      const api = byName.get(synth.apis[i]!.stackName)!;
      expect(api.resources).toBeGreaterThan(150);
      expect(byName.get(service.stackName)!.resources).toBeGreaterThan(api.resources);
    }
  });
});
