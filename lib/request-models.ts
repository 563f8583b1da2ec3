/**
 * API Gateway request models derived from the zod request-body schemas (one definition: the API
 * handler validates with the same schemas, the gateway rejects structurally wrong bodies before
 * they cost a Lambda invocation).
 *
 * API Gateway models are JSON Schema draft 4. zod's `io: 'input'` describes what a client may send
 * (before defaults and transforms); refinements it cannot express become "anything", which the
 * handler still checks.
 */
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';

export function requestBodyJsonSchema(schema: z.ZodType): apigw.JsonSchema {
  const generated: Record<string, unknown> = {
    ...z.toJSONSchema(schema, { target: 'draft-04', io: 'input', unrepresentable: 'any', cycles: 'throw' }),
  };
  // CDK's JsonSchemaMapper adds the draft-04 `$schema` itself; leave that to it.
  delete generated.$schema;
  if (JSON.stringify(generated).includes('"$ref"')) {
    // API Gateway resolves `$ref` only to other models of the API, never to local definitions.
    throw new Error('Request body schemas must not produce $ref (mark no sub-schema with an id)');
  }
  // The shapes agree (draft-4 keywords); CDK's JsonSchema type is narrower than zod's output type.
  return generated as apigw.JsonSchema;
}
