/** Request schemas of the models' HTTP operations (the route table names them), built on first use. */
import * as z from 'zod';
import { lazy } from '../shared/lazy';
import { text } from '../shared/text';

export const classifyTextsBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      task: z.enum(['sentiment', 'expense-category']),
      texts: z
        .array(text({ max: 5000 }))
        .min(1)
        .max(100),
    })
    .meta({
      examples: [{ task: 'sentiment', texts: ['The flowers were beautiful.', 'The band never showed up.'] }],
    }),
);
export type ClassifyTextsBody = z.infer<ReturnType<typeof classifyTextsBody>>;

export const modelsStatusQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    hours: z
      .string()
      .regex(/^\d{1,3}$/, 'a whole number of hours')
      .transform(Number)
      .pipe(z.number().int().min(1).max(336))
      .optional()
      .describe('The window in hours, 1-336 (default 24).'),
  }),
);
export type ModelsStatusQuery = z.infer<ReturnType<typeof modelsStatusQuery>>;
