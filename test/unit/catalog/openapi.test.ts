/**
 * The OpenAPI document: committed and current, structurally valid OpenAPI 3.1, every reference
 * resolving, one operation per route of the table with its method, auth, parameters, body and
 * errors, and every example valid against the schema it illustrates (with ajv and with zod).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import Ajv2020 from 'ajv/dist/2020';
import * as z from '../../../src/shared/zod';
import { version } from '../../../package.json';
import {
  OPENAPI_PATH,
  buildOpenApiDocument,
  exampleOf,
  problemStatusesOf,
  type JsonSchema,
} from '#src/catalog/openapi';
import { ROUTES, queryParameterNames, type RouteDefinition } from '#src/catalog/routes';
import { isCorrelationId } from '#src/shared/correlation';
import { handleApiEvent, type ApiDeps } from '../../../functions/api/app';
import { schemaValidator } from '../../support/openapi';

const ROOT = resolve(__dirname, '../../..');
const document = buildOpenApiDocument();
const validator = schemaValidator(document);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
);
const operationOf = (route: RouteDefinition) => document.paths[route.path]![route.method.toLowerCase()]!;

describe('docs/openapi.json', () => {
  it('is what the generator produces (run `npm run openapi` after changing a route or schema)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, OPENAPI_PATH), 'utf8')) as unknown;
    // A plain equality would print a huge diff; say what to do first.
    if (JSON.stringify(committed) !== JSON.stringify(document)) {
      throw new Error(`${OPENAPI_PATH} is out of date: run \`npm run openapi\` and commit the result`);
    }
  });
});

describe('structure (the parts of OpenAPI 3.1 we rely on)', () => {
  const response = {
    type: 'object',
    oneOf: [
      { required: ['$ref'], properties: { $ref: { type: 'string' } } },
      {
        required: ['description'],
        properties: {
          description: { type: 'string', minLength: 1 },
          headers: { type: 'object', additionalProperties: { type: 'object' } },
          content: {
            type: 'object',
            additionalProperties: { type: 'object', required: ['schema'] },
          },
        },
      },
    ],
  };
  const parameter = {
    type: 'object',
    required: ['name', 'in', 'schema'],
    properties: {
      name: { type: 'string', minLength: 1 },
      in: { enum: ['path', 'query', 'header', 'cookie'] },
      required: { type: 'boolean' },
      description: { type: 'string' },
      schema: { type: 'object' },
    },
    // A path parameter must say it is required (OpenAPI 3.1, 4.8.12.1).
    if: { properties: { in: { const: 'path' } } },
    then: { required: ['required'], properties: { required: { const: true } } },
  };
  const operation = {
    type: 'object',
    required: ['operationId', 'summary', 'tags', 'security', 'responses'],
    properties: {
      operationId: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' },
      summary: { type: 'string', minLength: 1 },
      tags: { type: 'array', minItems: 1, items: { type: 'string' } },
      security: {
        type: 'array',
        items: { type: 'object', additionalProperties: { type: 'array', maxItems: 0 } },
      },
      parameters: { type: 'array', items: parameter },
      requestBody: {
        type: 'object',
        required: ['content'],
        properties: { content: { type: 'object', minProperties: 1 } },
      },
      responses: {
        type: 'object',
        minProperties: 1,
        propertyNames: { pattern: '^[1-5]\\d\\d$' },
        additionalProperties: response,
      },
    },
  };
  const openApi31 = {
    type: 'object',
    required: ['openapi', 'info', 'paths', 'components'],
    properties: {
      openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
      jsonSchemaDialect: { const: 'https://json-schema.org/draft/2020-12/schema' },
      info: {
        type: 'object',
        required: ['title', 'version'],
        properties: { title: { type: 'string', minLength: 1 }, version: { type: 'string', minLength: 1 } },
      },
      servers: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
      },
      paths: {
        type: 'object',
        propertyNames: { pattern: '^/' },
        additionalProperties: {
          type: 'object',
          propertyNames: { enum: METHODS },
          additionalProperties: operation,
        },
      },
      components: {
        type: 'object',
        required: ['schemas', 'responses', 'securitySchemes'],
        properties: {
          securitySchemes: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              required: ['type'],
              properties: { type: { enum: ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'] } },
              if: { properties: { type: { const: 'http' } } },
              then: { required: ['scheme'] },
            },
          },
          schemas: { type: 'object', propertyNames: { pattern: '^[A-Za-z0-9._-]+$' } },
          responses: { type: 'object', additionalProperties: response },
        },
      },
    },
  };

  it('validates against the essentials of the OpenAPI 3.1 schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(openApi31);
    expect(validate(document) ? [] : validate.errors).toEqual([]);
  });

  it('is JSON (no undefined, functions or class instances survive a round trip)', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it('names this build in info and has a server with a documented placeholder', () => {
    expect(document.info).toMatchObject({ title: 'WedSync Integration Platform API', version });
    expect(document.servers[0]).toMatchObject({
      url: '{baseUrl}',
      variables: { baseUrl: { default: expect.any(String) } },
    });
  });

  it('resolves every $ref', () => {
    const refs: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (typeof value !== 'object' || value === null) return;
      for (const [key, v] of Object.entries(value)) {
        if (key === '$ref' && typeof v === 'string') refs.push(v);
        else walk(v);
      }
    };
    walk(document);
    expect(refs.length).toBeGreaterThan(ROUTES.length);
    const unresolved = refs.filter((ref) => {
      if (!ref.startsWith('#/')) return true;
      let node: unknown = document;
      for (const part of ref.slice(2).split('/')) {
        const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
        node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
      }
      return node === undefined;
    });
    expect(unresolved).toEqual([]);
  });

  it('compiles every component schema with ajv (JSON Schema 2020-12, strict)', () => {
    for (const name of Object.keys(document.components.schemas)) {
      expect(() => validator.compile({ $ref: `#/components/schemas/${name}` })).not.toThrow();
    }
  });
});

describe('operations (one per route of the table)', () => {
  it('has every route exactly once, with its method, and nothing else', () => {
    const documented = operations.map(({ path, method }) => `${method.toUpperCase()} ${path}`).sort();
    expect(documented).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('uses each route operation as a unique operationId', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const route of ROUTES) expect(operationOf(route).operationId).toBe(route.operation);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: security, tag, parameters, body and responses follow the route',
    (_name, route) => {
      const operation = operationOf(route);
      const schemes = Object.keys(document.components.securitySchemes);
      expect(operation.security.flatMap((s) => Object.keys(s)).every((s) => schemes.includes(s))).toBe(true);
      expect(operation.security).toEqual(
        {
          public: [],
          supplier: [{ apiKey: [] }],
          'supplier-or-review-token': [{ apiKey: [] }, { reviewToken: [] }],
          ops: [{ opsKey: [] }],
        }[route.auth],
      );
      expect(document.tags.map((t) => t.name)).toContain(operation.tags[0]);

      const parameters = operation.parameters ?? [];
      const named = (where: string) => parameters.filter((p) => p.in === where).map((p) => p.name);
      expect(named('path')).toEqual([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      expect(named('query')).toEqual(queryParameterNames(route));
      expect(Boolean(operation.requestBody)).toBe(Boolean(route.body ?? route.rawBody));

      const statuses = Object.keys(operation.responses).map(Number);
      expect(statuses).toContain(route.response.status);
      expect(statuses.filter((s) => s >= 400)).toEqual(problemStatusesOf(route));
      expect(statuses).toEqual(expect.arrayContaining([400, 429, 503]));
      if (route.auth !== 'public') expect(statuses).toEqual(expect.arrayContaining([401, 403]));
      // A public route answers 401 only when it checks a proof of its own (platform notifications).
      else if (!route.problems?.includes('unauthorized')) expect(statuses).not.toContain(401);
      if (route.body) expect(statuses).toEqual(expect.arrayContaining([413, 415, 422]));
      if (route.rawBody) expect(statuses).toEqual(expect.arrayContaining([413, 415]));
      if (route.path.includes('{')) expect(statuses).toContain(404);
    },
  );

  it('documents a raw-body route: its media types and limit, no schema, 413 and 415 but no 422', () => {
    const route = ROUTES.find((r) => r.operation === 'receivePlatformNotification')!;
    const operation = operationOf(route);
    expect(route.rawBody?.mediaTypes).toEqual(['application/json']);
    expect(operation.requestBody).toMatchObject({
      required: true,
      description: expect.stringContaining(`At most ${route.rawBody!.maxBytes} bytes`),
      content: { 'application/json': { schema: {} } },
    });
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '413', '415']));
    expect(operation.responses).not.toHaveProperty('422');
    const challenge = operationOf(ROUTES.find((r) => r.operation === 'verifyPlatformNotifications')!);
    expect(Object.keys(challenge.responses['200']!.content as object)).toEqual(['text/plain']);
  });

  it('documents the query parameters as the client sends them (strings), required only when they are', () => {
    const list = operationOf(ROUTES.find((r) => r.operation === 'listReviews')!);
    const limit = list.parameters?.find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', required: false, schema: { type: 'string' } });
    expect(String(limit?.description)).toMatch(/1-100/);
  });

  it('documents the 409 of the operations that declare it, and Location on creations', () => {
    const retry = operationOf(ROUTES.find((r) => r.operation === 'retryWebhookDelivery')!);
    expect(retry.responses['409']).toEqual({ $ref: '#/components/responses/Conflict' });
    const created = operationOf(ROUTES.find((r) => r.operation === 'createWebhookEndpoint')!);
    expect(created.responses['201']?.headers).toHaveProperty('Location');
  });

  it('answers 429 and 503 with Retry-After, 405 with Allow', () => {
    const { responses, headers } = document.components;
    expect(responses.TooManyRequests?.headers).toEqual({
      'Retry-After': { $ref: '#/components/headers/Retry-After' },
      'X-Correlation-Id': { $ref: '#/components/headers/X-Correlation-Id' },
    });
    expect(responses.ServiceUnavailable?.headers).toHaveProperty('Retry-After');
    expect(responses.MethodNotAllowed?.headers).toHaveProperty('Allow');
    expect(headers['Retry-After']).toMatchObject({ schema: { type: 'string' } });
  });
});

describe('the correlation id', () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: takes X-Correlation-Id and documents it on every answer, as the handler echoes it',
    (_name, route) => {
      const operation = operationOf(route);
      const header = operation.parameters?.find((p) => p.name === 'X-Correlation-Id');
      expect(header).toMatchObject({ in: 'header', required: false, schema: { maxLength: 128 } });
      for (const response of Object.values(operation.responses)) {
        const resolved =
          typeof response.$ref === 'string'
            ? document.components.responses[String(response.$ref).split('/').pop()!]!
            : response;
        expect(resolved.headers).toHaveProperty('X-Correlation-Id');
      }
    },
  );

  it('publishes the pattern the API accepts: a valid id matches it, an invalid one does not', () => {
    const schema = document.components.headers['X-Correlation-Id']!.schema as { pattern: string };
    const pattern = new RegExp(schema.pattern);
    expect(pattern.test('trace-1:a.b_c')).toBe(true);
    expect(isCorrelationId('trace-1:a.b_c')).toBe(true);
    expect(pattern.test('-starts-with-dash')).toBe(false);
    expect(isCorrelationId('-starts-with-dash')).toBe(false);
    expect(pattern.test('has space')).toBe(false);
  });
});

describe('schemas and examples', () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: the success example validates against the documented schema and the zod schema',
    (_name, route) => {
      const success = operationOf(route).responses[String(route.response.status)]!;
      if (!route.response.schema) {
        expect(success.content).toBeUndefined();
        return;
      }
      const media = (success.content as Record<string, { schema: JsonSchema; example: unknown }>)[
        route.response.mediaType ?? 'application/json'
      ]!;
      expect(media.example).toBeDefined();
      const validate = validator.compile(media.schema);
      expect(validate(media.example) ? [] : validate.errors).toEqual([]);
      expect(route.response.schema.safeParse(media.example).success).toBe(true);
    },
  );

  it.each(ROUTES.filter((r) => r.body).map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: the request example is accepted by the handler’s zod schema and by the documented schema',
    (_name, route) => {
      const media = (
        operationOf(route).requestBody!.content as Record<string, { schema: JsonSchema; example: unknown }>
      )['application/json']!;
      expect(media.example).toBeDefined();
      expect(route.body!.safeParse(media.example).success).toBe(true);
      const validate = validator.compile(media.schema);
      expect(validate(media.example) ? [] : validate.errors).toEqual([]);
    },
  );

  it('request schemas reject what the handler rejects: unknown fields and out-of-range values', () => {
    const submit = operationOf(ROUTES.find((r) => r.operation === 'submitReview')!);
    const schema = (
      submit.requestBody!.content as Record<string, { schema: JsonSchema; example: Record<string, unknown> }>
    )['application/json']!;
    const validate = validator.compile(schema.schema);
    expect(validate({ ...schema.example, colour: 'red' })).toBe(false);
    expect(validate({ ...schema.example, rating: 6 })).toBe(false);
  });

  it('every error example is a ProblemDetails whose status matches the response', () => {
    const validate = validator.compile({ $ref: '#/components/schemas/ProblemDetails' });
    for (const [name, response] of Object.entries(document.components.responses)) {
      const media = (
        response.content as Record<string, { examples: Record<string, { value: { status: number } }> }>
      )['application/problem+json']!;
      const examples = Object.values(media.examples);
      expect({ name, count: examples.length }).toMatchObject({ count: expect.any(Number) });
      expect(examples.length).toBeGreaterThan(0);
      for (const { value } of examples) {
        expect(validate(value) ? [] : validate.errors).toEqual([]);
        const status = Object.values(document.paths)
          .flatMap((item) => Object.values(item))
          .flatMap((op) => Object.entries(op.responses))
          .find(([, r]) => r.$ref === `#/components/responses/${name}`)?.[0];
        if (status) expect(value.status).toBe(Number(status));
      }
    }
  });

  it('ProblemDetails allows extension members (API Gateway adds requestId) but needs type, title, status', () => {
    const validate = validator.compile({ $ref: '#/components/schemas/ProblemDetails' });
    expect(validate({ type: 'urn:x', title: 'Not found', status: 404, requestId: 'abc' })).toBe(true);
    expect(validate({ title: 'Not found', status: 404 })).toBe(false);
  });
});

describe('the generator', () => {
  const base: RouteDefinition = {
    operation: 'getReview',
    method: 'GET',
    path: '/v1/things/{id}',
    auth: 'supplier',
    summary: 'A thing.',
    area: 'reviews',
    response: { status: 200, description: 'The thing.', schema: z.object({ id: z.string() }) },
  };

  it('refuses a route table with the same method and path twice', () => {
    expect(() => buildOpenApiDocument([base, { ...base, operation: 'listReviews' }], '1.0.0')).toThrow(
      /twice/,
    );
  });

  it('refuses two different schemas under one component name', () => {
    const a = z.object({ a: z.string() }).check(z.meta({ id: 'ClashingName' }));
    const b = z.object({ b: z.string() }).check(z.meta({ id: 'ClashingName2' }));
    const renamed = b.check(z.meta({ id: 'ClashingName' }));
    expect(() =>
      buildOpenApiDocument(
        [
          { ...base, response: { ...base.response, schema: a } },
          {
            ...base,
            method: 'POST',
            operation: 'listReviews',
            response: { ...base.response, schema: renamed },
          },
        ],
        '1.0.0',
      ),
    ).toThrow(/two different schemas are named ClashingName/);
  });

  it('adds a new route, its query and its body from the table alone (additions flow in)', () => {
    const added: RouteDefinition = {
      ...base,
      method: 'PATCH',
      operation: 'updateWebhookEndpoint',
      query: z.strictObject({ dryRun: z.enum(['true', 'false']).check(z.describe('Only check.')) }),
      body: z
        .strictObject({ title: z.string().check(z.maxLength(10)) })
        .check(z.meta({ examples: [{ title: 'x' }] })),
      problems: ['conflict'],
    };
    const generated = buildOpenApiDocument([base, added], '9.9.9');
    const operation = generated.paths['/v1/things/{id}']!.patch!;
    expect(operation.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
      {
        name: 'dryRun',
        in: 'query',
        required: true,
        description: 'Only check.',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
      expect.objectContaining({ name: 'X-Correlation-Id', in: 'header', required: false }),
    ]);
    expect(operation.requestBody).toMatchObject({
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/UpdateWebhookEndpointRequest' },
          example: { title: 'x' },
        },
      },
    });
    expect(generated.components.schemas.UpdateWebhookEndpointRequest).toMatchObject({
      type: 'object',
      properties: { title: { type: 'string', maxLength: 10 } },
      additionalProperties: false,
    });
    expect(Object.keys(operation.responses)).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '429',
      '503',
    ]);
  });

  it('reads examples from schema metadata', () => {
    expect(exampleOf(z.string().check(z.meta({ examples: ['a', 'b'] })))).toBe('a');
    expect(exampleOf(z.string())).toBeUndefined();
  });
});

describe('GET /v1/openapi.json through the API handler', () => {
  const deps = { onUnexpectedError: jest.fn() } as unknown as ApiDeps;
  const event = (method: string, path: string, authorizer: Record<string, string> | null = null) =>
    ({
      httpMethod: method,
      path,
      headers: {},
      queryStringParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { requestId: 'test', authorizer },
    }) as unknown as APIGatewayProxyEvent;

  it('is served without a principal, as the generated document', async () => {
    const response = await handleApiEvent(event('GET', '/v1/openapi.json'), deps);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual(document);
  });

  it('still answers 401 without a principal on every other route', async () => {
    for (const route of ROUTES.filter((r) => r.auth !== 'public')) {
      const path = route.path.replace(/\{\w+\}/g, 'x');
      const response = await handleApiEvent(event(route.method, path), deps);
      expect({ route: route.operation, status: response.statusCode }).toEqual({
        route: route.operation,
        status: 401,
      });
    }
  });

  it('answers 400 to a query and 405 to another method, like every route', async () => {
    const withQuery = { ...event('GET', '/v1/openapi.json'), queryStringParameters: { x: '1' } };
    expect((await handleApiEvent(withQuery, deps)).statusCode).toBe(400);
    const post = await handleApiEvent(event('POST', '/v1/openapi.json'), deps);
    expect(post.statusCode).toBe(405);
    expect(post.headers?.allow).toBe('GET');
  });
});
