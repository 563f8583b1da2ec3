/** zod request-body schemas -> API Gateway (draft 4) request models. */
import { z } from 'zod';
import { ROUTES } from '#src/catalog/routes';
import { REQUEST_BODY_SCHEMAS } from '#src/reviews/domain/review-schemas';
import { requestBodyJsonSchema } from '../../lib/request-models';

describe('requestBodyJsonSchema', () => {
  it('derives a model for every exported request-body schema, each for a route that accepts a body', () => {
    const operations = Object.keys(REQUEST_BODY_SCHEMAS);
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) {
      expect(ROUTES.find((r) => r.operation === operation)?.acceptsBody).toBe(true);
      const schema = requestBodyJsonSchema(
        REQUEST_BODY_SCHEMAS[operation as keyof typeof REQUEST_BODY_SCHEMAS]!,
      );
      expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    }
  });

  it('leaves $schema to CDK (which writes draft 4) and keeps draft-4 keywords', () => {
    const schema = requestBodyJsonSchema(
      z.strictObject({ rating: z.number().int().min(1).max(5), note: z.string().max(10) }),
    );
    expect(schema).not.toHaveProperty('$schema');
    expect(schema).toEqual({
      type: 'object',
      properties: {
        rating: { type: 'integer', minimum: 1, maximum: 5 },
        note: { type: 'string', maxLength: 10 },
      },
      required: ['rating', 'note'],
      additionalProperties: false,
    });
  });

  it('describes what a client sends: a field with a default is not required', () => {
    const schema = requestBodyJsonSchema(z.object({ days: z.number().default(30), name: z.string() }));
    expect(schema.required).toEqual(['name']);
  });

  it('treats refinements it cannot express as "anything" (the handler still checks them)', () => {
    const schema = requestBodyJsonSchema(
      z.object({ a: z.string().optional(), b: z.string().optional() }).refine((v) => !v.a === !v.b),
    );
    expect(schema).toMatchObject({ type: 'object' });
  });

  it('refuses schemas that would need $ref, which API Gateway cannot resolve locally', () => {
    const address = z.object({ city: z.string() }).meta({ id: 'TestAddress' });
    expect(() => requestBodyJsonSchema(z.object({ home: address, work: address }))).toThrow(/\$ref/);
  });
});
