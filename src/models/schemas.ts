/** Request schemas of the models' HTTP operations (the route table names them), built on first use. */
import * as z from '../shared/zod';
import { lazy } from '../shared/lazy';
import { text } from '../shared/text';
import { wholeNumberParameter } from '../shared/page-size';

export const classifyTextsBody = /* @__PURE__ */ lazy(() =>
  z
    .strictObject({
      task: z.enum(['sentiment', 'expense-category']),
      texts: z.array(text({ max: 5000 })).check(z.minLength(1), z.maxLength(100)),
    })
    .check(
      z.meta({
        examples: [
          { task: 'sentiment', texts: ['The flowers were beautiful.', 'The band never showed up.'] },
        ],
      }),
    ),
);
export type ClassifyTextsBody = z.infer<ReturnType<typeof classifyTextsBody>>;

export const modelsStatusQuery = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    hours: z
      .optional(wholeNumberParameter(336, 'a whole number of hours'))
      .check(z.describe('The window in hours, 1-336 (default 24).')),
  }),
);
export type ModelsStatusQuery = z.infer<ReturnType<typeof modelsStatusQuery>>;
