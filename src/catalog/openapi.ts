/**
 * The OpenAPI 3.1 description of the HTTP API, generated from the route table (`ROUTES`) and the
 * very zod schemas the API handler validates with: never written by hand, so a route or a field
 * added to the table or to a schema is in the document at once. Served by `GET /v1/openapi.json`,
 * committed as docs/openapi.json (`npm run openapi`), rendered by the local mode at `/docs`.
 *
 * What each operation gets:
 * - operationId, summary, a tag per area, and its security (API key, review-link token, ops key,
 *   or none for public routes);
 * - path parameters from the path template; query parameters from the route's `query` object, one
 *   per property, with its JSON Schema as the client sends it (zod `io: 'input'`);
 * - the request body (JSON Schema 2020-12 of the route's `body`, `io: 'input'`) and its example;
 * - the success answer (status, headers, the response schema as the server produces it,
 *   `io: 'output'`, and its example);
 * - every problem+json answer the route can give, derived from its auth, path parameters, body and
 *   the extra problems it declares, each a shared response with an example.
 */
import * as z from '../shared/zod';
import { version } from '../../package.json';
import { BODY_LIMIT_BYTES } from '../shared/http';
import { CORRELATION_ID_MAX, CORRELATION_ID_PATTERN } from '../shared/correlation';
import { problemOf, problemStatus, type ProblemKind } from '../shared/problem';
import { problemDetailsSchema } from '../shared/problem-schema';
import { STORE_THROTTLE_RETRY_AFTER_SECONDS, storeThrottleDetail } from '../shared/store-throttle';
import {
  routeDefinitions,
  type RouteArea,
  type RouteAuth,
  type RouteDefinition,
  type RouteResponse,
} from './routes';

export type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly tags: string[];
  readonly security: Record<string, string[]>[];
  readonly parameters?: JsonSchema[];
  readonly requestBody?: JsonSchema;
  readonly responses: Record<string, JsonSchema>;
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly jsonSchemaDialect: string;
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly servers: JsonSchema[];
  readonly tags: { readonly name: string; readonly description: string }[];
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: {
    readonly securitySchemes: Record<string, JsonSchema>;
    readonly schemas: Record<string, JsonSchema>;
    readonly responses: Record<string, JsonSchema>;
    readonly headers: Record<string, JsonSchema>;
  };
}

export const OPENAPI_PATH = 'docs/openapi.json';

const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const PLATFORMS_TAG = {
  name: 'Platforms',
  description:
    'External review platforms (Google, Facebook, Trustpilot, Yelp): OAuth connect, locations, disconnect; the audit trail of every platform interaction; integration health.',
};

/** Each area's tag (the same object where two areas share one: the tag is listed once). */
const TAGS: Record<RouteArea, { name: string; description: string }> = {
  reviews: {
    name: 'Reviews',
    description: 'Review requests, couple submissions and supplier imports, reads.',
  },
  webhooks: {
    name: 'Webhooks',
    description: 'Webhook endpoints (Standard Webhooks signatures), the delivery log, retries and replays.',
  },
  models: { name: 'Models', description: 'In-process classification, and the models’ health for operators.' },
  meta: { name: 'Meta', description: 'This description of the API.' },
  platforms: PLATFORMS_TAG,
  // Served by a function of their own (ADR 0022 tenth round), described with the platforms.
  notifications: PLATFORMS_TAG,
  imports: {
    name: 'Imports',
    description:
      'Review imports from files: the WeddingWire / The Knot CSV template and JSON lines (docs/imports.md).',
  },
  access: {
    name: 'Access and audit',
    description:
      'API keys (create, list, revoke, rotate without downtime, expiry, last use) and the audit trail of every admin act.',
  },
  // Real-time updates (issue 14)
  realtime: {
    name: 'Realtime',
    description:
      'Tokens for the real-time WebSocket API (channels of reviews, helper schedules, budgets; docs/realtime.md).',
  },
  privacy: {
    name: 'Privacy',
    description:
      'Data subject requests (GDPR / CCPA) by e-mail address, for operators: export and erasure (docs/privacy.md).',
  },
};

const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'wsk_…',
    description:
      "A supplier's API key, `Authorization: Bearer wsk_...` (npm run cli -- create-supplier). The supplier " +
      'is always taken from the key, never from the body or the path.',
  },
  reviewToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'wrt_…',
    description:
      "A couple's review-link token, `Authorization: Bearer wrt_...`, from POST /v1/review-requests; it is " +
      'accepted by POST /v1/reviews only, until it expires.',
  },
  opsKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'wsk_…',
    description: "An operator's key (npm run cli -- create-ops-key), for the /v1/ops routes only.",
  },
};

const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  supplier: [{ apiKey: [] }],
  'supplier-or-review-token': [{ apiKey: [] }, { reviewToken: [] }],
  ops: [{ opsKey: [] }],
  public: [],
};

/** What an idempotent route says of the header (draft-ietf-httpapi-idempotency-key-header). */
const IDEMPOTENCY_KEY_HEADER =
  '1-200 visible ASCII characters, unique per request you mean once, kept 24 h per supplier: a retry with ' +
  'the same key and body gets the first answer (`Idempotent-Replayed: true`); another body is a 422 ' +
  '`idempotency-key-reuse`; while the first is running, a 409 with Retry-After.';

/** The shared error responses, by status: a name, a description, and the problems shown as examples. */
const ERROR_RESPONSES: Record<
  number,
  {
    name: string;
    description: string;
    /** Each example: its problem kind, detail, and a name when a kind has more than one example. */
    examples: [ProblemKind, string, string?][];
    headers?: string[];
  }
> = {
  400: {
    name: 'BadRequest',
    description:
      'Malformed JSON, an empty or non-object body, a forbidden key (`__proto__`, `constructor`, `prototype`), ' +
      'a body or query parameter the route does not take, or an invalid query parameter.',
    examples: [
      ['invalid-json', 'the body is not valid JSON: Unexpected end of JSON input'],
      ['invalid-query', 'some fields are missing or invalid'],
      ['bad-request', 'this route takes no body'],
    ],
  },
  401: {
    name: 'Unauthorized',
    description: 'Missing, invalid or expired credentials.',
    examples: [['unauthorized', 'missing or invalid credentials']],
  },
  403: {
    name: 'Forbidden',
    description:
      'These credentials do not allow this route (an ops key on a supplier route, a review link on a route ' +
      'other than POST /v1/reviews), or the web application firewall blocked the request.',
    examples: [['forbidden', 'a review link cannot be used for this route']],
  },
  404: {
    name: 'NotFound',
    description: "No such resource: unknown and malformed ids and other suppliers' ids all look the same.",
    examples: [['not-found', 'no such resource']],
  },
  405: {
    name: 'MethodNotAllowed',
    description: 'The path exists, but not with this method; `Allow` lists the methods it has.',
    examples: [['method-not-allowed', 'DELETE is not allowed here']],
    headers: ['Allow'],
  },
  409: {
    name: 'Conflict',
    description: 'The resource is not in a state that allows this now (e.g. still in progress, or disabled).',
    examples: [
      ['conflict', 'the delivery is still in progress'],
      ['idempotency-key-in-flight', 'a request with this Idempotency-Key is still in progress; retry'],
    ],
    headers: ['Retry-After'],
  },
  413: {
    name: 'PayloadTooLarge',
    description: `The body is over ${BODY_LIMIT_BYTES} bytes.`,
    examples: [['payload-too-large', `the body is limited to ${BODY_LIMIT_BYTES} bytes`]],
  },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The body is not sent as `application/json` (or another `+json` type).',
    examples: [['unsupported-media-type', 'send the body as application/json']],
  },
  422: {
    name: 'ValidationFailed',
    description: 'Missing, unknown or invalid fields, each listed in `errors` with its path.',
    examples: [
      ['validation-error', 'some fields are missing or invalid'],
      ['idempotency-key-reuse', 'this Idempotency-Key was used with a different request'],
    ],
  },
  429: {
    name: 'TooManyRequests',
    description: 'Throttled (stage rate, usage-plan quota or per-address firewall limit).',
    examples: [['rate-limited', 'slow down']],
    headers: ['Retry-After'],
  },
  503: {
    name: 'ServiceUnavailable',
    description:
      'A transient failure; retry after the seconds in Retry-After (1, or ' +
      `${STORE_THROTTLE_RETRY_AFTER_SECONDS} when the data store is over its capacity). The detail carries a ` +
      'reference, never internals.',
    examples: [
      ['service-unavailable', 'please retry; reference 6f1c2a9e-0b7d-4c1e-9a35-2d8b7e4f0c11'],
      [
        'service-unavailable',
        storeThrottleDetail('6f1c2a9e-0b7d-4c1e-9a35-2d8b7e4f0c11'),
        'service-unavailable-store-throttled',
      ],
    ],
    headers: ['Retry-After'],
  },
};

/**
 * The correlation id (src/shared/correlation.ts): accepted on every request, echoed on every answer
 * the API handler gives (success or problem). Answers API Gateway gives by itself (401 without
 * credentials, the stage's 429, its 413, 504) carry its `requestId` in the body instead.
 */
const CORRELATION_HEADER_NAME = 'X-Correlation-Id';
const CORRELATION_ID_SCHEMA: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: CORRELATION_ID_MAX,
  pattern: CORRELATION_ID_PATTERN.source,
};
const CORRELATION_REQUEST_HEADER =
  'Optional: your id for this request (1-128 letters, digits, `.`, `_`, `:`, `-`, starting with a letter or ' +
  'digit). It is carried through the queues to the webhook deliveries and stored with the review ' +
  '(`npm run cli -- trace <reviewId>`). An invalid value is ignored, never refused: the request id is used instead.';
const CORRELATION_RESPONSE_HEADER = {
  description:
    "The request's correlation id: the `X-Correlation-Id` it sent when valid, else the request id. On every " +
    "answer of the API's handler; answers API Gateway gives by itself (missing credentials, stage throttling) " +
    'have none.',
  schema: CORRELATION_ID_SCHEMA,
};

const RESPONSE_HEADERS: Record<string, JsonSchema> = {
  [CORRELATION_HEADER_NAME]: CORRELATION_RESPONSE_HEADER,
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'string', pattern: '^\\d+$' },
  },
  Allow: { description: 'The methods this path has, comma-separated.', schema: { type: 'string' } },
};

/** The problems a route can answer, derived from its definition. */
export function problemStatusesOf(route: RouteDefinition): number[] {
  const kinds: ProblemKind[] = ['bad-request'];
  if (route.auth !== 'public') kinds.push('unauthorized', 'forbidden');
  if (/\{\w+\}/.test(route.path)) kinds.push('not-found');
  if (route.body) kinds.push('payload-too-large', 'unsupported-media-type', 'validation-error');
  if (route.rawBody) kinds.push('payload-too-large', 'unsupported-media-type');
  if (route.idempotent) kinds.push('idempotency-key-in-flight', 'idempotency-key-reuse');
  kinds.push(...(route.problems ?? []), 'rate-limited', 'service-unavailable');
  return [...new Set(kinds.map(problemStatus))].sort((a, b) => a - b);
}

const pascal = (id: string): string => id.charAt(0).toUpperCase() + id.slice(1);

/** The first example in a schema's metadata (`z.meta({ examples })`), if any. */
export function exampleOf(schema: z.ZodMiniType): unknown {
  const examples = (z.globalRegistry.get(schema) as { examples?: unknown } | undefined)?.examples;
  return Array.isArray(examples) ? examples[0] : undefined;
}

/** Points `#/$defs/X` references at the components, renamed as `rename` says. */
function rewriteRefs(value: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, rename));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      key === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')
        ? `#/components/schemas/${rename(v.slice('#/$defs/'.length))}`
        : rewriteRefs(v, rename),
    ]),
  );
}

class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /**
   * The JSON Schema of a zod schema. Schemas with a `z.meta({ id })` become named components
   * (also when nested); the rest stay inline. Two different schemas under one name are an error.
   */
  toJsonSchema(schema: z.ZodMiniType, io: 'input' | 'output', owner: string): JsonSchema {
    const generated = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'throw',
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...root } = generated;
    // zod names unnamed shared subschemas `__schema0`...: scope them to their owner.
    const rename = (name: string) =>
      name.startsWith('__') ? `${owner}${pascal(name.replace(/^_+/, ''))}` : name;
    for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      this.add(rename(name), rewriteRefs(def, rename) as JsonSchema);
    }
    return rewriteRefs(root, rename) as JsonSchema;
  }

  /** A component reference for the schema: its own id, or `fallbackName`. */
  refFor(schema: z.ZodMiniType, io: 'input' | 'output', fallbackName: string): JsonSchema {
    const root = this.toJsonSchema(schema, io, fallbackName);
    if (typeof root.$ref === 'string' && Object.keys(root).length === 1) return root;
    this.add(fallbackName, root);
    return { $ref: `#/components/schemas/${fallbackName}` };
  }

  private add(name: string, schema: JsonSchema): void {
    const existing = this.schemas[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      throw new Error(`two different schemas are named ${name} in the API description`);
    }
    this.schemas[name] = schema;
  }
}

function parametersOf(route: RouteDefinition, components: SchemaComponents): JsonSchema[] {
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: `The ${name} of the resource.`,
    schema: { type: 'string', minLength: 1 },
  }));
  const query = Object.entries(route.query?.shape ?? {}).map(([name, property]) => {
    const schema = property as z.ZodMiniType;
    const { description, ...json } = components.toJsonSchema(
      schema,
      'input',
      `${pascal(route.operation)}${pascal(name)}`,
    );
    return {
      name,
      in: 'query',
      required: !schema.safeParse(undefined).success,
      ...(typeof description === 'string' ? { description } : {}),
      schema: json,
    };
  });
  const declared = {
    ...(route.idempotent ? { 'Idempotency-Key': IDEMPOTENCY_KEY_HEADER } : {}),
    ...route.headers,
  };
  const headers = Object.entries(declared).map(([name, description]) => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: { type: 'string' },
  }));
  const correlation = {
    name: CORRELATION_HEADER_NAME,
    in: 'header',
    required: false,
    description: CORRELATION_REQUEST_HEADER,
    schema: CORRELATION_ID_SCHEMA,
  };
  return [...path, ...query, ...headers, correlation];
}

function successOf(
  route: RouteDefinition,
  answer: Omit<RouteResponse, 'alternatives'>,
  components: SchemaComponents,
  suffix: string,
): JsonSchema {
  const { description, schema, headers, mediaType } = answer;
  return {
    description,
    headers: {
      ...Object.fromEntries(
        Object.entries(headers ?? {}).map(([name, text]) => [
          name,
          { description: text, schema: { type: 'string' } },
        ]),
      ),
      [CORRELATION_HEADER_NAME]: { $ref: `#/components/headers/${CORRELATION_HEADER_NAME}` },
    },
    ...(schema
      ? {
          content: {
            [mediaType ?? 'application/json']: {
              schema: components.refFor(schema, 'output', `${pascal(route.operation)}${suffix}`),
              example: exampleOf(schema),
            },
          },
        }
      : {}),
  };
}

function operationOf(route: RouteDefinition, components: SchemaComponents): OpenApiOperation {
  const parameters = parametersOf(route, components);
  const responses: Record<string, JsonSchema> = {
    [String(route.response.status)]: successOf(route, route.response, components, 'Response'),
  };
  for (const other of route.response.alternatives ?? []) {
    responses[String(other.status)] = successOf(route, other, components, `Response${other.status}`);
  }
  for (const problem of problemStatusesOf(route)) {
    responses[String(problem)] = { $ref: `#/components/responses/${ERROR_RESPONSES[problem]!.name}` };
  }
  return {
    operationId: route.operation,
    summary: route.summary,
    tags: [TAGS[route.area].name],
    security: SECURITY[route.auth],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: components.refFor(route.body, 'input', `${pascal(route.operation)}Request`),
                example: exampleOf(route.body),
              },
            },
          },
        }
      : {}),
    // A raw body is taken as sent: any content of the listed media types, described in words.
    ...(route.rawBody
      ? {
          requestBody: {
            required: true,
            description: `${route.rawBody.description} At most ${route.rawBody.maxBytes} bytes.`,
            content: Object.fromEntries(route.rawBody.mediaTypes.map((type) => [type, { schema: {} }])),
          },
        }
      : {}),
    responses,
  };
}

function errorResponses(components: SchemaComponents): Record<string, JsonSchema> {
  const problem = components.refFor(problemDetailsSchema(), 'output', 'ProblemDetails');
  const responses: Record<string, JsonSchema> = {};
  for (const [status, { name, description, examples, headers }] of Object.entries(ERROR_RESPONSES)) {
    const examplesOf = Object.fromEntries(
      examples.map(([kind, detail, exampleName]) => {
        const body =
          kind === 'validation-error'
            ? {
                ...problemOf(kind, detail),
                errors: [
                  { path: 'rating', message: 'Too big: expected number to be <=5' },
                  { path: 'colour', message: 'unknown field' },
                ],
              }
            : problemOf(kind, detail);
        if (body.status !== Number(status)) throw new Error(`${kind} is not a ${status} problem`);
        return [exampleName ?? kind, { value: body }];
      }),
    );
    responses[name] = {
      description,
      headers: Object.fromEntries(
        [...(headers ?? []), CORRELATION_HEADER_NAME].map((h) => [h, { $ref: `#/components/headers/${h}` }]),
      ),
      content: { 'application/problem+json': { schema: problem, examples: examplesOf } },
    };
  }
  return responses;
}

const sortedKeys = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

const DESCRIPTION = [
  'The WedSync Integration Platform HTTP API, generated from the route table and the zod schemas the',
  'API validates with. JSON in and out. Errors are RFC 9457 problem details',
  '(`application/problem+json`: `type`, `title`, `status`, `detail`, and `errors[]` with a path per',
  'field); bad input never causes a 5xx and never changes anything.',
  '',
  'Every path answers 405 (with `Allow`) to a method it does not have, and unknown paths answer 404',
  '(see the `MethodNotAllowed` and `NotFound` responses). Answers may gain fields in later versions:',
  'ignore fields you do not know.',
].join('\n');

/** Builds the document from a route table (the real one by default). */
export function buildOpenApiDocument(
  routes: readonly RouteDefinition[] = routeDefinitions(),
  apiVersion: string = version,
): OpenApiDocument {
  const components = new SchemaComponents();
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const route of routes) {
    const methods = (paths[route.path] ??= {});
    const method = route.method.toLowerCase();
    if (methods[method]) throw new Error(`${route.method} ${route.path} is in the route table twice`);
    methods[method] = operationOf(route, components);
  }
  const responses = errorResponses(components);
  const tags = [...new Set(routes.map((r) => TAGS[r.area]))];
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: JSON_SCHEMA_DIALECT,
    info: { title: 'WedSync Integration Platform API', version: apiVersion, description: DESCRIPTION },
    servers: [
      {
        url: '{baseUrl}',
        description: "Your region's API: the stage URL (`cdk deploy` prints it), or the local mode's.",
        variables: { baseUrl: { default: 'http://127.0.0.1:3000' } },
      },
    ],
    tags,
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: sortedKeys(components.schemas),
      responses,
      headers: RESPONSE_HEADERS,
    },
  };
}

let cached: OpenApiDocument | undefined;

/** The document of this build, generated once per process. */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument();
  return cached;
}
