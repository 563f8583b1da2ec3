/**
 * Issue 9, scheduled webhook secret rotation: the WebhookSecretRotation function runs hourly from
 * an EventBridge rule (the catalog's `schedule`, built by the ServiceFunction construct) in the
 * primary region only, may read and conditionally update the WebhookEndpoints table and its
 * rotation index, and only append to the Audit table; the endpoints table has the sparse index.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { functionDefinition } from '#src/catalog/functions';
import { tableDefinition } from '#src/catalog/tables';
import { liveAliasOf, logicalIdOf, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize();
});

type Resource = { Properties: Record<string, unknown> };

describe('WebhookSecretRotation', () => {
  it('is invoked hourly by an EventBridge rule, in the primary region only', () => {
    expect(functionDefinition('WebhookSecretRotation').schedule).toMatchObject({
      everyMinutes: 60,
      regions: 'primary',
    });
    for (const service of synth.services) {
      const fn = service.functions.WebhookSecretRotation;
      const template = synth.serviceTemplates.get(service.region)!;
      const target = liveAliasOf(service, fn);
      const rules = (Object.values(template.findResources('AWS::Events::Rule')) as Resource[]).filter((r) =>
        JSON.stringify(r.Properties.Targets).includes(target),
      );
      if (service.region !== synth.config.primaryRegion) {
        expect({ region: service.region, rules: rules.length }).toEqual({ region: service.region, rules: 0 });
        expect(fn.scheduleRule).toBeUndefined();
        continue;
      }
      expect(rules).toHaveLength(1);
      expect(rules[0]!.Properties).toMatchObject({
        // The catalog's 60 minutes, as EventBridge writes it.
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Targets: [{ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } }],
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: { Ref: target },
      });
    }
  });

  it('may update endpoints and query their rotation index, and only append to the audit table', () => {
    const service = synth.services.find((s) => s.region === synth.config.primaryRegion)!;
    const template = synth.serviceTemplates.get(service.region)!;
    const role = logicalIdOf(service, service.functions.WebhookSecretRotation.role);
    const policies = (Object.values(template.findResources('AWS::IAM::Policy')) as Resource[]).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(role),
    );
    const statements = policies.flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    );
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem']),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    expect(JSON.stringify(statements)).toContain('index/bySecretRotation');
    // Audit: PutItem (append) and reads; never an update or delete of an act.
    const audit = statements.filter((s) => JSON.stringify(s.Resource).includes('Audit'));
    const auditActions = audit.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(auditActions).toContain('dynamodb:PutItem');
    expect(auditActions).not.toContain('dynamodb:UpdateItem');
    expect(auditActions).not.toContain('dynamodb:DeleteItem');
  });
});

it('gives the WebhookEndpoints table its sparse rotation index', () => {
  const index = tableDefinition('WebhookEndpoints').indexes.find((i) => i.name === 'bySecretRotation')!;
  const template = resourceOf(synth.dataTemplate, synth.data, synth.data.tables.WebhookEndpoints);
  template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
    GlobalSecondaryIndexes: Match.arrayWith([
      Match.objectLike({
        IndexName: 'bySecretRotation',
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
      }),
    ]),
  });
});
