/** The response schema of every paged list route (zod): `items` and the next page's cursor. */
import * as z from './zod';

/** The two ways the published API describes `nextCursor` (kept as published, word for word). */
export const NEXT_CURSOR = {
  untilLast: 'Pass as `cursor` for the next page; absent on the last.',
  whenMore: 'Present when there are more: pass it as `cursor`.',
} as const;

export interface PageMeta<T extends z.ZodMiniType> {
  /** The component's name in the OpenAPI document. */
  readonly id: string;
  readonly description: string;
  readonly examples: readonly { items: z.output<T>[]; nextCursor?: string }[];
}

/** A page of `item`s under the OpenAPI component `meta.id`, its cursor described as `cursor` says. */
export function pageOf<T extends z.ZodMiniType>(
  item: T,
  meta: PageMeta<T>,
  cursor: string = NEXT_CURSOR.untilLast,
) {
  return z
    .object({ items: z.array(item), nextCursor: z.optional(z.string()).check(z.describe(cursor)) })
    .check(z.meta({ ...meta, examples: [...meta.examples] }));
}
