/**
 * The inbound platform notification routes' infrastructure (issue 8): both methods on
 * `/v1/platforms/{platform}/notifications` are public (no authorizer), carry no request model
 * (the raw body reaches the Api function unparsed; the validator checks parameters only), and
 * proxy to the Api function; the Api function may read the notification secrets, write replay
 * keys and read the location directory (PlatformSync) and send to the Sync queue, with the
 * variables that name them; the data stack creates the three new secrets with replicas; cdk-nag
 * is clean, with the public methods acknowledged on those methods only.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ROUTES } from '#src/catalog/routes';
import { queueDefinition } from '#src/catalog/queues';
import { secretDefinition, type SecretId } from '#src/catalog/secrets';
import { SECRET_DESCRIPTIONS } from '#src/catalog/secret-docs';
import { tableDefinition } from '#src/catalog/tables';
import { requestParametersOf } from '../../lib/constructs/service-api';
import { logicalIdOf, resourceOf, synthesize, type SynthesizedApp } from './support/synth';

const PATH = '/v1/platforms/{platform}/notifications';
const NOTIFICATION_SECRETS: SecretId[] = [
  'FacebookAppSecret',
  'FacebookVerifyToken',
  'GooglePushToken',
  'TrustpilotWebhookToken',
];

let synth: SynthesizedApp;
beforeAll(() => {
  synth = synthesize({ nag: true, bundle: true });
});

it('synthesizes cdk-nag clean with the public notification methods', () => {
  const report = JSON.parse(
    readFileSync(path.join(synth.assembly.directory, 'validation-report.json'), 'utf8'),
  ) as { pluginReports: { violations: unknown[] }[] };
  expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  for (const stack of synth.stacks) expect(new AwsSolutionsChecks().validateScope(stack).success).toBe(true);
});

it('declares the two notification routes, public, with a raw JSON body of at most 1 MB on the POST', () => {
  const routes = ROUTES.filter((r) => r.path === PATH);
  expect(routes.map((r) => [r.method, r.operation, r.auth])).toEqual([
    ['GET', 'verifyPlatformNotifications', 'public'],
    ['POST', 'receivePlatformNotification', 'public'],
  ]);
  const post = routes.find((r) => r.method === 'POST')!;
  expect(post.body).toBeUndefined();
  expect(post.rawBody).toMatchObject({ mediaTypes: ['application/json'], maxBytes: 1024 * 1024 });
});

describe.each(['us-east-1', 'eu-west-1', 'ap-southeast-1'])('in %s', (region) => {
  const service = () => synth.services.find((s) => s.region === region)!;
  const apiStack = () => synth.apis.find((s) => s.region === region)!;
  const apiTemplate = () => synth.apiTemplates.get(region)!;
  const template = () => synth.serviceTemplates.get(region)!;

  it.each(['GET', 'POST'])(
    '%s: no authorizer, no request model, parameters validated, proxied to the Api function',
    (verb) => {
      const stack = apiStack();
      const route = ROUTES.find((r) => r.path === PATH && r.method === verb)!;
      const method = stack.api.api.root.resourceForPath(PATH).node.findChild(verb);
      resourceOf(apiTemplate(), stack, method).hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: verb,
        AuthorizationType: 'NONE',
        AuthorizerId: Match.absent(),
        ApiKeyRequired: Match.absent(),
        RequestModels: Match.absent(),
        RequestValidatorId: { Ref: logicalIdOf(stack, stack.api.requestValidator) },
        RequestParameters: requestParametersOf(route),
        Integration: Match.objectLike({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' }),
      });
      expect(requestParametersOf(route)['method.request.path.platform']).toBe(true);
    },
  );

  it('validates no bodies at the gateway (the request validator checks parameters only)', () => {
    apiTemplate().hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: false,
      ValidateRequestParameters: true,
    });
    apiTemplate().resourceCountIs('AWS::ApiGateway::Model', 0);
  });

  it('lets the ApiNotifications function read the notification secrets, use PlatformSync and send to Sync', () => {
    const stack = service();
    // Every policy of the role, CDK's overflow managed policy included (the Api's grants exceed
    // the inline policy's size).
    const policies = JSON.stringify(
      [
        ...Object.values(template().findResources('AWS::IAM::Policy')),
        ...Object.values(template().findResources('AWS::IAM::ManagedPolicy')),
      ].filter((p) => JSON.stringify(p).includes(logicalIdOf(stack, stack.functions.ApiNotifications.role))),
    );
    for (const action of [
      'secretsmanager:GetSecretValue',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'sqs:SendMessage',
    ]) {
      expect(policies).toContain(action);
    }
    resourceOf(template(), stack, stack.functions.ApiNotifications.function).hasResourceProperties(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({
            [tableDefinition('PlatformSync').envVar]: Match.anyValue(),
            [queueDefinition('Sync').envVar]: Match.anyValue(),
            ...Object.fromEntries(
              NOTIFICATION_SECRETS.map((id) => [secretDefinition(id).envVar, Match.anyValue()]),
            ),
          }),
        },
      },
    );
  });
});

it('creates the verify token and the push and webhook tokens as generated, replicated secrets', () => {
  for (const id of ['FacebookVerifyToken', 'GooglePushToken', 'TrustpilotWebhookToken'] as const) {
    resourceOf(synth.dataTemplate, synth.data, synth.data.secrets[id]).hasResourceProperties(
      'AWS::SecretsManager::Secret',
      {
        Description: SECRET_DESCRIPTIONS[id],
        GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
        ReplicaRegions: Match.anyValue(),
      },
    );
  }
});
