/** The JSON shape of ./problem.ts's problem details, for the API description. */
import * as z from './zod';
import { lazy } from './lazy';

/**
 * The published schema of every error body (the API description names it `ProblemDetails`).
 * Open, as RFC 9457 allows extension members: API Gateway's own answers add `requestId`.
 * In a module of its own, read by the API description only: every function loads ./problem.ts, and
 * this was the first zod schema built at each API function's init (ADR 0022, twelfth round). Built on
 * first use, as the `Api` function generates the description on its first request (fifteenth round).
 */
export const problemDetailsSchema = /* @__PURE__ */ lazy(() =>
  z
    .catchall(
      z.object({
        type: z
          .string()
          .check(z.describe('A URN naming the kind of problem, e.g. urn:wedsync:problem:validation-error.')),
        title: z
          .string()
          .check(z.describe('A short summary of the kind of problem; the same for every problem of a type.')),
        status: z
          .number()
          .check(z.int(), z.gte(400), z.lte(599), z.describe('The HTTP status code of this answer.')),
        detail: z.optional(z.string()).check(z.describe('What went wrong with this request, for a human.')),
        errors: z
          .optional(
            z.array(
              z.object({
                path: z
                  .string()
                  .check(z.describe('Dotted path of the field (e.g. `eventTypes.0`), or `(body)`.')),
                message: z.string(),
              }),
            ),
          )
          .check(z.describe('One entry per invalid or unknown field.')),
      }),
      z.unknown(),
    )
    .check(
      z.meta({
        id: 'ProblemDetails',
        description: 'RFC 9457 problem details (application/problem+json).',
      }),
    ),
);
