/**
 * Each region's service stack deploys while the primary region is down (issue 11): no deploy-time
 * lookup into another region (CloudFormation's `Fn::GetStackOutput` with another region, CDK's
 * SSM-based strong cross-region exports, `Fn::ImportValue`), with tables, secrets and keys named
 * from the stage and the catalog. Only the per-region key replica stacks read the primary key's ARN.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { KEYS } from '#src/catalog/keys';
import {
  deadLetterQueueName,
  keyAliasName,
  queueName,
  secretName,
  tableName,
} from '#src/catalog/physical-names';
import { QUEUES } from '#src/catalog/queues';
import { SECRETS } from '#src/catalog/secrets';
import { TABLES } from '#src/catalog/tables';
import { resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthesize();
});

/** Every `Fn::GetStackOutput` of a template, with the region it reads. */
function stackOutputLookups(template: object): { StackName: string; Region?: string }[] {
  const found: { StackName: string; Region?: string }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      const lookup = (node as Record<string, unknown>)['Fn::GetStackOutput'];
      if (lookup) found.push(lookup as { StackName: string; Region?: string });
      Object.values(node).forEach(visit);
    }
  };
  visit(template);
  return found;
}

describe('the service stacks', () => {
  it('never read another region at deploy time', () => {
    for (const service of synth.services) {
      const template = synth.serviceTemplates.get(service.region)!.toJSON();
      const json = JSON.stringify(template);
      const foreign = stackOutputLookups(template).filter(
        (l) => (l.Region ?? service.region) !== service.region,
      );
      expect({ region: service.region, foreign }).toEqual({ region: service.region, foreign: [] });
      expect(json).not.toContain('Fn::ImportValue');
      expect(json).not.toContain('/cdk/exports/');
      // Replica regions read nothing of the data stack at all.
      if (service.region !== synth.config.primaryRegion) expect(stackOutputLookups(template)).toEqual([]);
    }
  });

  it('are built without CDK cross-region references (a new one fails the synth)', () => {
    for (const service of synth.services) expect(service._crossRegionReferences).toBe(false);
  });

  it('name every table by its derived name in each function environment', () => {
    const service = synth.services[1]!;
    const template = synth.serviceTemplates.get(service.region)!;
    const env = JSON.stringify(resourceOf(template, service, service.functions.Api.function).toJSON());
    expect(env).toContain('"TABLE_REVIEWS":"WedSync-dev-Reviews"');
  });
});

describe('the queues', () => {
  it('are named as the operator CLI derives them (no stack output needed to find one)', () => {
    for (const service of synth.services) {
      const template = synth.serviceTemplates.get(service.region)!;
      for (const def of QUEUES) {
        const { queue, deadLetterQueue } = service.queues[def.id];
        resourceOf(template, service, queue).hasResourceProperties('AWS::SQS::Queue', {
          QueueName: queueName(synth.config, def.id),
        });
        resourceOf(template, service, deadLetterQueue).hasResourceProperties('AWS::SQS::Queue', {
          QueueName: deadLetterQueueName(synth.config, def.id),
        });
      }
    }
  });
});

describe('the data stack', () => {
  it('names tables, secrets and key aliases as the service stacks derive them', () => {
    const template = synth.dataTemplate;
    for (const def of TABLES) {
      resourceOf(template, synth.data, synth.data.tables[def.id]).hasResourceProperties(
        'AWS::DynamoDB::GlobalTable',
        { TableName: tableName(synth.config, def.id) },
      );
    }
    for (const def of SECRETS) {
      resourceOf(template, synth.data, synth.data.secrets[def.id]).hasResourceProperties(
        'AWS::SecretsManager::Secret',
        { Name: secretName(synth.config, def.id) },
      );
    }
    for (const def of KEYS) {
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: keyAliasName(synth.config, def.id) });
    }
  });
});

describe('the key replica stacks', () => {
  it('hold each replica region’s key replica under the same alias; the only reads of the primary', () => {
    expect(synth.keyReplicas.map((k) => k.region)).toEqual(synth.config.replicaRegions);
    for (const keys of synth.keyReplicas) {
      const template = Template.fromStack(keys);
      for (const def of KEYS) {
        template.hasResourceProperties('AWS::KMS::Alias', { AliasName: keyAliasName(synth.config, def.id) });
      }
      expect(stackOutputLookups(template.toJSON()).map((l) => l.Region)).toEqual(
        KEYS.map(() => synth.config.primaryRegion),
      );
    }
  });
});
