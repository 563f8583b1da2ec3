/**
 * Validating JSON against the API description's schemas with ajv (JSON Schema 2020-12): the
 * component schemas are loaded once, under one id, and `#/components/schemas/X` references are
 * pointed at them. Used by the unit test of the document and by the response-conformance test.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonSchema, OpenApiDocument } from '../../src/catalog/openapi';

const COMPONENTS_ID = 'urn:wedsync:openapi:components';

function pointRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pointRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      key === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
        ? `${COMPONENTS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`
        : pointRefs(v),
    ]),
  );
}

export interface SchemaValidator {
  /** A validator for a schema of the document (e.g. `{ $ref: '#/components/schemas/Review' }`). */
  compile(schema: JsonSchema): ValidateFunction;
  /** The schema of a JSON response of an operation for a status, resolving response references. */
  responseSchema(path: string, method: string, status: number): JsonSchema;
}

export function schemaValidator(document: OpenApiDocument): SchemaValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: pointRefs(document.components.schemas) as object });
  const cache = new Map<string, ValidateFunction>();
  return {
    compile(schema) {
      const key = JSON.stringify(schema);
      let validate = cache.get(key);
      if (!validate) {
        validate = ajv.compile(pointRefs(schema) as object);
        cache.set(key, validate);
      }
      return validate;
    },
    responseSchema(path, method, status) {
      const operation = document.paths[path]?.[method.toLowerCase()];
      if (!operation) throw new Error(`no operation ${method} ${path} in the document`);
      let response = operation.responses[String(status)];
      if (!response) throw new Error(`${method} ${path} documents no ${status} response`);
      if (typeof response.$ref === 'string') {
        response = document.components.responses[response.$ref.split('/').pop()!];
      }
      const content = (response?.content ?? {}) as Record<string, { schema?: JsonSchema }>;
      const media = content['application/json'] ?? content['application/problem+json'];
      if (!media?.schema) throw new Error(`${method} ${path} ${status} has no JSON body schema`);
      return media.schema;
    },
  };
}
