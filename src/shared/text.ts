/**
 * Text that people write (review titles and bodies, names, descriptions, texts to classify):
 * one rule set, used by every request body and message schema.
 *
 * - Rejected (422 naming the field): lone surrogates, noncharacters (U+FDD0..U+FDEF and the last
 *   two code points of every plane, U+FFFE/U+FFFF, U+1FFFE/U+1FFFF, ...), NUL and every other C0
 *   or C1 control character and DEL, except tab and line breaks.
 * - Line breaks: CR LF and a lone CR become LF (one convention in storage).
 * - Normalised to NFC, so the same words typed on two keyboards give the same ids and the same
 *   duplicate-detection input; then trimmed (unless `trim: false`).
 * - Lengths count code points (an emoji is one), not UTF-16 units; characters outside the BMP
 *   are valid everywhere.
 */
import * as z from './zod';

export interface TextOptions {
  /** Most code points after normalisation. */
  readonly max: number;
  /** Fewest code points after normalisation (default 1). */
  readonly min?: number;
  /** Trim surrounding white space (default true). */
  readonly trim?: boolean;
}

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a string is not acceptable text, or undefined when it is. */
export function textProblem(value: string): string | undefined {
  for (const char of value) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return `contains a lone surrogate (${hex(cp)})`;
    if ((cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) || (cp >= 0x7f && cp <= 0x9f)) {
      return `contains the control character ${hex(cp)}`;
    }
    if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) {
      return `contains the noncharacter ${hex(cp)}`;
    }
  }
  return undefined;
}

/** Code points, not UTF-16 units. */
export const codePointLength = (value: string): number => {
  let length = 0;
  for (const char of value) if (char) length += 1;
  return length;
};

/** Line breaks to LF, then NFC (and trimmed when asked). Only for text that passed `textProblem`. */
export function normaliseText(value: string, trim = true): string {
  const normalised = value.replace(/\r\n?/g, '\n').normalize('NFC');
  return trim ? normalised.trim() : normalised;
}

/** A zod schema for human text with the rules above: string in, normalised string out. */
export function text(options: TextOptions) {
  const min = options.min ?? 1;
  const { max } = options;
  return z
    .pipe(
      z.pipe(
        z.string().check((ctx) => {
          const problem = textProblem(ctx.value);
          if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
        }),
        z.transform((value) => normaliseText(value, options.trim ?? true)),
      ),
      z.string().check((ctx) => {
        const length = codePointLength(ctx.value);
        if (length < min) {
          ctx.issues.push({
            code: 'custom',
            message: min === 1 ? 'must not be empty' : `must have at least ${min} characters`,
            input: ctx.value,
          });
        } else if (length > max) {
          ctx.issues.push({
            code: 'custom',
            message: `must have at most ${max} characters`,
            input: ctx.value,
          });
        }
      }),
    )
    .check(z.meta({ minLength: min, maxLength: max }));
}
