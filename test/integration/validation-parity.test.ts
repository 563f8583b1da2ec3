/**
 * One validation behaviour in AWS and locally (ADR 0011): the same bad requests through
 * (a) the local gateway over HTTP and (b) the REST API as synthesized, evaluated from its template
 * the way API Gateway does before any Lambda runs: the method the request reaches (route method, or
 * the resource's `ANY`, or `/{proxy+}`), its authorizer's identity source, its request validator's
 * required parameters and, for a body, the request model (JSON Schema draft 4) bound to the content
 * type. Either API Gateway answers itself (its gateway response, from the template) or it forwards
 * to the Api function, whose answer is what the local gateway returns. Both paths must give the
 * same status and problem type, and every bad request must get a 4xx.
 */
import Ajv from 'ajv';
import { createOpsKey } from '../../src/access/use-cases/create-supplier';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { ROUTES, type HttpMethod } from '../../src/catalog/routes';
import { startTestStack, type TestStack } from './support/stack';
import { synthesize } from '../infra/support/synth';

jest.setTimeout(60_000);

type Json = Record<string, unknown>;
interface CfnResource {
  readonly Type: string;
  readonly Properties: Json;
}

/** The REST API of one region, read back from its CloudFormation template. */
interface DeployedApi {
  /** Resource path -> logical id ('/' for the root). */
  readonly resources: Map<string, string>;
  readonly methods: { resourceId: string; httpMethod: string; props: Json }[];
  readonly validators: Map<string, Json>;
  readonly models: Map<string, Json>;
  readonly authorizers: Map<string, Json>;
  readonly gatewayResponses: Map<string, Json>;
}

function readApi(template: { Resources: Record<string, CfnResource> }): DeployedApi {
  const entries = Object.entries(template.Resources);
  const ofType = (type: string) => entries.filter(([, r]) => r.Type === type);
  const parentOf = new Map<string, { parent: string; part: string }>();
  for (const [id, r] of ofType('AWS::ApiGateway::Resource')) {
    const parent = r.Properties.ParentId as { Ref?: string };
    parentOf.set(id, { parent: parent.Ref ?? 'ROOT', part: String(r.Properties.PathPart) });
  }
  const pathOf = (id: string): string => {
    if (id === 'ROOT') return '';
    const { parent, part } = parentOf.get(id)!;
    return `${pathOf(parent)}/${part}`;
  };
  const resources = new Map<string, string>([['/', 'ROOT']]);
  for (const id of parentOf.keys()) resources.set(pathOf(id), id);
  const refOf = (value: unknown): string => (value as { Ref?: string }).Ref ?? 'ROOT';
  return {
    resources,
    methods: ofType('AWS::ApiGateway::Method').map(([, r]) => ({
      resourceId: refOf(r.Properties.ResourceId),
      httpMethod: String(r.Properties.HttpMethod),
      props: r.Properties,
    })),
    validators: new Map(ofType('AWS::ApiGateway::RequestValidator').map(([id, r]) => [id, r.Properties])),
    models: new Map(ofType('AWS::ApiGateway::Model').map(([id, r]) => [id, r.Properties])),
    authorizers: new Map(ofType('AWS::ApiGateway::Authorizer').map(([id, r]) => [id, r.Properties])),
    gatewayResponses: new Map(
      ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => [
        String(r.Properties.ResponseType),
        r.Properties,
      ]),
    ),
  };
}

interface BadRequest {
  readonly name: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly raw?: string;
  readonly contentType?: string;
  readonly as?: 'supplier' | 'ops' | 'none';
  /** What the contract says this request gets (the handler's or API Gateway's answer). */
  readonly status: number;
  readonly type: string;
}

type Verdict = { kind: 'forward' } | { kind: 'gateway'; responseType: string };

/** What the deployed API Gateway does with the request before any Lambda runs. */
function evaluate(api: DeployedApi, request: BadRequest, headers: Record<string, string>): Verdict {
  // The most specific resource: literal segments beat `{param}`, then `/{proxy+}` catches the rest.
  const segments = request.path.split('/').filter(Boolean);
  const candidates = [...api.resources.keys()].filter((template) => {
    const parts = template.split('/').filter(Boolean);
    if (parts.length !== segments.length) return false;
    return parts.every((part, i) => part === segments[i] || /^\{\w+\}$/.test(part));
  });
  candidates.sort((a, b) => a.split('{').length - b.split('{').length);
  const resourcePath = candidates[0] ?? (segments.length === 0 ? '/' : '/{proxy+}');
  const resourceId = api.resources.get(resourcePath)!;
  const method =
    api.methods.find((m) => m.resourceId === resourceId && m.httpMethod === request.method) ??
    api.methods.find((m) => m.resourceId === resourceId && m.httpMethod === 'ANY');
  if (!method) return { kind: 'gateway', responseType: 'MISSING_AUTHENTICATION_TOKEN' };
  const props = method.props;

  if (props.AuthorizationType === 'CUSTOM') {
    const authorizer = api.authorizers.get((props.AuthorizerId as { Ref: string }).Ref)!;
    for (const source of String(authorizer.IdentitySource).split(',')) {
      const name = source
        .trim()
        .replace(/^method\.request\.header\./, '')
        .toLowerCase();
      if (!headers[name]) return { kind: 'gateway', responseType: 'UNAUTHORIZED' };
    }
  }
  const validatorId = (props.RequestValidatorId as { Ref?: string } | undefined)?.Ref;
  const validator = validatorId ? api.validators.get(validatorId) : undefined;
  if (validator?.ValidateRequestParameters) {
    for (const [parameter, required] of Object.entries(
      (props.RequestParameters ?? {}) as Record<string, boolean>,
    )) {
      if (!required) continue;
      const [, , where, name] = parameter.split('.');
      const present =
        where === 'path' ||
        (where === 'querystring' && request.query?.[name!] !== undefined) ||
        (where === 'header' && headers[name!.toLowerCase()] !== undefined);
      if (!present) return { kind: 'gateway', responseType: 'BAD_REQUEST_PARAMETERS' };
    }
  }
  const models = (props.RequestModels ?? {}) as Record<string, { Ref: string }>;
  const model = models[(headers['content-type'] ?? '').split(';')[0]!.trim()];
  if (validator?.ValidateRequestBody && model) {
    const schema = { ...(api.models.get(model.Ref)!.Schema as Json) };
    delete schema.$schema; // draft 4 keywords used by our models are the same in ajv's default draft
    let body: unknown;
    try {
      body = request.raw ?? JSON.stringify(request.body);
      body = JSON.parse(String(body));
    } catch {
      return { kind: 'gateway', responseType: 'BAD_REQUEST_BODY' };
    }
    if (!new Ajv({ strict: false, allErrors: true }).validate(schema, body)) {
      return { kind: 'gateway', responseType: 'BAD_REQUEST_BODY' };
    }
  }
  return { kind: 'forward' };
}

const problem = (kind: string) => `urn:wedsync:problem:${kind}`;
const ENDPOINT = '/v1/webhook-endpoints/whe_00000000000000000000000000';
/** Replies validate the body before looking the review up: any well-formed id gives the same answer. */
const REVIEW = 'rev_00000000000000000000000000';

const BAD_REQUESTS: BadRequest[] = [
  // POST /v1/classify
  {
    name: 'classify: unknown task',
    method: 'POST',
    path: '/v1/classify',
    body: { task: 'x', texts: ['a'] },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'classify: no texts',
    method: 'POST',
    path: '/v1/classify',
    body: { task: 'sentiment', texts: [] },
    status: 422,
    type: problem('validation-error'),
  },
  // POST /v1/review-requests
  {
    name: 'review request: bad e-mail',
    method: 'POST',
    path: '/v1/review-requests',
    body: { coupleName: 'Jo', email: 'nope', weddingDate: '2026-06-20' },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'review request: malformed JSON',
    method: 'POST',
    path: '/v1/review-requests',
    raw: '{"coupleName":',
    status: 400,
    type: problem('invalid-json'),
  },
  // POST /v1/reviews
  {
    name: 'review: rating 6',
    method: 'POST',
    path: '/v1/reviews',
    body: { rating: 6, title: 't', body: 'b', reviewerName: 'n', platform: 'google', externalId: 'e1' },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'review: missing fields',
    method: 'POST',
    path: '/v1/reviews',
    body: { rating: 5 },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'review: extra field',
    method: 'POST',
    path: '/v1/reviews',
    body: { rating: 5, title: 't', body: 'b', reviewerName: 'n', supplierId: 'sup_x' },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'review: an array',
    method: 'POST',
    path: '/v1/reviews',
    body: [1, 2],
    status: 400,
    type: problem('bad-request'),
  },
  {
    name: 'review: text/plain',
    method: 'POST',
    path: '/v1/reviews',
    raw: 'rating=5',
    contentType: 'text/plain',
    status: 415,
    type: problem('unsupported-media-type'),
  },
  // POST /v1/webhook-endpoints
  {
    name: 'endpoint: no event types',
    method: 'POST',
    path: '/v1/webhook-endpoints',
    body: { url: 'https://example.com/h', eventTypes: [] },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'endpoint: unknown key',
    method: 'POST',
    path: '/v1/webhook-endpoints',
    body: { url: 'https://example.com/h', eventTypes: ['review.received'], secret: 'x' },
    status: 422,
    type: problem('validation-error'),
  },
  // PATCH /v1/webhook-endpoints/{id}
  {
    name: 'endpoint update: empty object',
    method: 'PATCH',
    path: ENDPOINT,
    body: {},
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'endpoint update: enabled "yes"',
    method: 'PATCH',
    path: ENDPOINT,
    body: { enabled: 'yes' },
    status: 422,
    type: problem('validation-error'),
  },
  // POST /v1/webhook-endpoints/{id}/replay
  {
    name: 'replay: since not a time',
    method: 'POST',
    path: `${ENDPOINT}/replay`,
    body: { since: 'yesterday' },
    status: 422,
    type: problem('validation-error'),
  },
  // POST /v1/reviews/{id}/reply
  {
    name: 'reply: empty comment',
    method: 'POST',
    path: `/v1/reviews/${REVIEW}/reply`,
    body: { comment: '  ' },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'reply: unknown key',
    method: 'POST',
    path: `/v1/reviews/${REVIEW}/reply`,
    body: { comment: 'Thanks', public: true },
    status: 422,
    type: problem('validation-error'),
  },
  // GET /v1/reviews (query)
  {
    name: 'list: removed "yes"',
    method: 'GET',
    path: '/v1/reviews',
    query: { removed: 'yes' },
    status: 400,
    type: problem('invalid-query'),
  },
  {
    name: 'list: limit 1000',
    method: 'GET',
    path: '/v1/reviews',
    query: { limit: '1000' },
    status: 400,
    type: problem('invalid-query'),
  },
  {
    name: 'list: unknown parameter',
    method: 'GET',
    path: '/v1/reviews',
    query: { sort: 'asc' },
    status: 400,
    type: problem('invalid-query'),
  },
  {
    name: 'list: rating "five"',
    method: 'GET',
    path: '/v1/reviews',
    query: { rating: 'five' },
    status: 400,
    type: problem('invalid-query'),
  },
  // GET /v1/webhook-endpoints/{id}/deliveries (query)
  {
    name: 'deliveries: limit 0',
    method: 'GET',
    path: `${ENDPOINT}/deliveries`,
    query: { limit: '0' },
    status: 400,
    type: problem('invalid-query'),
  },
  // GET /v1/webhook-endpoints (query)
  {
    name: 'endpoints: limit "all"',
    method: 'GET',
    path: '/v1/webhook-endpoints',
    query: { limit: 'all' },
    status: 400,
    type: problem('invalid-query'),
  },
  {
    name: 'endpoints: a forged cursor',
    method: 'GET',
    path: '/v1/webhook-endpoints',
    query: { cursor: 'eyJwayI6IngifQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    status: 400,
    type: problem('invalid-query'),
  },
  // GET /v1/ops/models (query)
  {
    name: 'ops models: hours 9999',
    method: 'GET',
    path: '/v1/ops/models',
    query: { hours: '9999' },
    as: 'ops',
    status: 400,
    type: problem('invalid-query'),
  },
  // Platform connections (body, query of the public OAuth callback)
  {
    name: 'connection: yelp without businessId',
    method: 'POST',
    path: '/v1/connections',
    body: { platform: 'yelp' },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'connection locations: not a list',
    method: 'PUT',
    path: '/v1/connections/con_00000000000000000000000000/locations',
    body: { locationIds: 'accounts/1/locations/2' },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'connection settings: no authorBusinessUserId',
    method: 'PATCH',
    path: '/v1/connections/con_00000000000000000000000000',
    body: { author: 'someone' },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'oauth callback: unknown parameter',
    method: 'GET',
    path: '/v1/oauth/callback',
    query: { code: 'c', state: 's', bogus: '1' },
    as: 'none',
    status: 400,
    type: problem('invalid-query'),
  },
  // Routes without a body or a query
  {
    name: 'summary: a query',
    method: 'GET',
    path: '/v1/reviews/summary',
    query: { x: '1' },
    status: 400,
    type: problem('invalid-query'),
  },
  {
    name: 'rotate secret: a body',
    method: 'POST',
    path: `${ENDPOINT}/rotate-secret`,
    body: { x: 1 },
    status: 400,
    type: problem('bad-request'),
  },
  // POST /v1/imports, GET /v1/imports/{importId}/errors
  {
    name: 'import: a CSV for a platform with an API',
    method: 'POST',
    path: '/v1/imports',
    body: { platform: 'google', format: 'csv' },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'import: unknown format',
    method: 'POST',
    path: '/v1/imports',
    body: { platform: 'theknot', format: 'xlsx' },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'import errors: limit 0',
    method: 'GET',
    path: '/v1/imports/imp_0000000000000000000000000a/errors',
    query: { limit: '0' },
    status: 400,
    type: problem('invalid-query'),
  },
  // GET /v1/audit, GET /v1/ops/audit
  {
    name: 'audit: unknown platform',
    method: 'GET',
    path: '/v1/audit',
    query: { platform: 'myspace' },
    status: 400,
    type: problem('invalid-query'),
  },
  {
    name: 'ops audit: limit 0',
    method: 'GET',
    path: '/v1/ops/audit',
    query: { platform: 'google', limit: '0' },
    as: 'ops',
    status: 400,
    type: problem('invalid-query'),
  },
  // API keys and the admin audit trail (issue 9)
  {
    name: 'api key: expiresInDays 0',
    method: 'POST',
    path: '/v1/api-keys',
    body: { expiresInDays: 0 },
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'admin audit: unknown kind',
    method: 'GET',
    path: '/v1/audit/admin',
    query: { kind: 'api_key.stolen' },
    status: 400,
    type: problem('invalid-query'),
  },
  {
    name: 'ops admin audit: from after to',
    method: 'GET',
    path: '/v1/ops/audit/admin',
    query: { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' },
    as: 'ops',
    status: 400,
    type: problem('invalid-query'),
  },
  // Data subject requests (issue 9): POST /v1/ops/privacy/exports, POST /v1/ops/privacy/erasures
  {
    name: 'privacy export: not an address',
    method: 'POST',
    path: '/v1/ops/privacy/exports',
    body: { email: 'jo' },
    as: 'ops',
    status: 422,
    type: problem('validation-error'),
  },
  {
    name: 'privacy erasure: eraseText not a boolean',
    method: 'POST',
    path: '/v1/ops/privacy/erasures',
    body: { email: 'jo@example.com', eraseText: 'yes' },
    as: 'ops',
    status: 422,
    type: problem('validation-error'),
  },
  // Real-time tokens (issue 14)
  {
    name: 'realtime token: weddingId not a string',
    method: 'POST',
    path: '/v1/realtime/tokens',
    body: { weddingId: 5 },
    status: 422,
    type: problem('validation-error'),
  },
  // Answered by API Gateway itself
  // The platform notification routes (public; the body reaches the platform's verifier unparsed).
  {
    name: 'notification handshake: unknown parameter',
    method: 'GET',
    path: '/v1/platforms/facebook/notifications',
    query: { 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': 'x', extra: '1' },
    as: 'none',
    status: 400,
    type: problem('invalid-query'),
  },
  {
    name: 'notification handshake: wrong verify token',
    method: 'GET',
    path: '/v1/platforms/facebook/notifications',
    query: { 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': 'wrong' },
    as: 'none',
    status: 403,
    type: problem('forbidden'),
  },
  {
    name: 'notification: wrong content type',
    method: 'POST',
    path: '/v1/platforms/facebook/notifications',
    raw: '{"object":"page","entry":[]}',
    contentType: 'text/plain',
    as: 'none',
    status: 415,
    type: problem('unsupported-media-type'),
  },
  {
    name: 'notification: malformed JSON without a signature',
    method: 'POST',
    path: '/v1/platforms/facebook/notifications',
    raw: '{"object":',
    as: 'none',
    status: 401,
    type: problem('unauthorized'),
  },
  {
    name: 'notification: Google push without its token',
    method: 'POST',
    path: '/v1/platforms/google/notifications',
    body: { message: { data: 'e30=', messageId: '1' } },
    as: 'none',
    status: 401,
    type: problem('unauthorized'),
  },
  {
    name: 'notification: over 1 MB',
    method: 'POST',
    path: '/v1/platforms/trustpilot/notifications',
    raw: JSON.stringify({ events: 'x'.repeat(1_100_000) }),
    query: { token: 'x', businessUnitId: 'bu-1' },
    as: 'none',
    status: 413,
    type: problem('payload-too-large'),
  },
  {
    name: 'notification: unknown platform',
    method: 'POST',
    path: '/v1/platforms/myspace/notifications',
    body: {},
    as: 'none',
    status: 404,
    type: problem('not-found'),
  },
  {
    name: 'review: no credentials',
    method: 'POST',
    path: '/v1/reviews',
    body: { rating: 5 },
    as: 'none',
    status: 401,
    type: problem('unauthorized'),
  },
];

let stack: TestStack;
let api: DeployedApi;
const keys: Record<'supplier' | 'ops', string> = { supplier: '', ops: '' };

beforeAll(async () => {
  const synth = synthesize();
  api = readApi(synth.apiTemplates.get(synth.config.primaryRegion)!.toJSON() as never);
  // What this file checks is answered by the API functions alone: no queue consumers or
  // real-time server to start (ADR 0037).
  stack = await startTestStack({ apiOnly: true, throttling: 'deployed' });
  keys.supplier = (await stack.newSupplier('Parity Florist')).apiKey;
  keys.ops = (
    await createOpsKey(new DynamoTenantStore(stack.doc, stack.tableName('Tenants')), 'parity')
  ).apiKey;
}, 240_000);
afterAll(async () => {
  await stack?.cleanup();
});

it('covers every route that takes a body (raw or JSON) or a query', () => {
  const covered = new Set(
    BAD_REQUESTS.map(
      (r) =>
        `${r.method} ${r.path
          .replace(/(whe|rev)_\w+/, '{id}')
          .replace(/con_\w+/, '{connectionId}')
          .replace(/imp_\w+/, '{importId}')
          .replace(/^\/v1\/platforms\/\w+\//, '/v1/platforms/{platform}/')}`,
    ),
  );
  for (const route of ROUTES.filter((r) => r.body || r.query || r.rawBody)) {
    expect(covered).toContain(`${route.method} ${route.path}`);
  }
});

it('deploys no request models: bodies are validated by the handler alone', () => {
  expect(api.models.size).toBe(0);
  for (const method of api.methods) expect(method.props.RequestModels).toBeUndefined();
  for (const validator of api.validators.values()) expect(validator.ValidateRequestBody).toBe(false);
});

it.each(BAD_REQUESTS.map((r) => [r.name, r] as const))(
  '%s: same answer deployed and local',
  async (_name, request) => {
    const headers: Record<string, string> = {};
    if ((request.as ?? 'supplier') !== 'none')
      headers.authorization = `Bearer ${keys[request.as === 'ops' ? 'ops' : 'supplier']}`;
    let body: string | undefined;
    if (request.raw !== undefined || request.body !== undefined) {
      body = request.raw ?? JSON.stringify(request.body);
      headers['content-type'] = request.contentType ?? 'application/json';
    }
    const search = request.query ? `?${new URLSearchParams(request.query)}` : '';

    // (a) the local gateway
    const response = await fetch(`${stack.apiUrl}${request.path}${search}`, {
      method: request.method,
      headers,
      body,
    });
    const local = { status: response.status, type: ((await response.json()) as Json).type };
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    // (b) the deployed API: its own gateway response, or the handler's answer (what (a) returned)
    const verdict = evaluate(api, request, headers);
    let deployed = local;
    if (verdict.kind === 'gateway') {
      const gatewayResponse = api.gatewayResponses.get(verdict.responseType)!;
      const template = JSON.parse(
        (gatewayResponse.ResponseTemplates as Record<string, string>)['application/json']!,
      ) as Json;
      deployed = { status: Number(gatewayResponse.StatusCode), type: template.type };
    }
    expect(local).toEqual(deployed);
    expect(local).toEqual({ status: request.status, type: request.type });
  },
);
