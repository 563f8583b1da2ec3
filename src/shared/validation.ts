/** zod validation failures as RFC 9457 field errors. */
import type * as z from './zod';

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** zod issues -> field errors with dotted paths; unknown keys are listed one by one. */
export function fieldErrors(error: z.core.$ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...issue.path, key].join('.'),
        message: 'unknown field',
      }));
    }
    const path = issue.path.map(String).join('.') || '(body)';
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message;
    return [{ path, message }];
  });
}
