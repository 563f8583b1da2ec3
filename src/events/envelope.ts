/**
 * The event envelope: CloudEvents 1.0, JSON structured mode, used both for what producers put on
 * the ingest queue and for what webhooks deliver.
 *
 * Required: specversion "1.0", id, source, type, time, data (a JSON object).
 * Optional: subject, datacontenttype (if given, application/json), dataschema.
 * Any other top-level attribute is a CloudEvents extension: its name must be 1..20 lower-case
 * letters or digits and its value a string, number or boolean. Extensions are kept and ignored.
 * `data_base64` (binary data) is not supported.
 */
import * as z from '../shared/zod';
import { dateTime } from './common';

export const SPEC_VERSION = '1.0';
export const DATA_CONTENT_TYPE = 'application/json';
export const EXTENSION_NAME = /^[a-z0-9]{1,20}$/;
export const DEFAULT_OUTBOUND_SOURCE = 'urn:wedsync:integration-platform';

const extensionValue = z.union([z.string(), z.number(), z.boolean()]);

/** The context attributes (everything but `type` and `data`). */
export const envelopeAttributes = {
  specversion: z.literal(SPEC_VERSION),
  id: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(256),
      z.describe('Unique per source; a re-sent event keeps its id, so receivers can deduplicate on it.'),
    ),
  source: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(512),
      z.describe('URI-reference naming the producing service, e.g. urn:wedsync:budget-service.'),
    ),
  time: dateTime().check(z.describe('When the event happened (RFC 3339).')),
  subject: z
    .optional(z.string().check(z.minLength(1), z.maxLength(512)))
    .check(z.describe('The entity the event is about, e.g. an expense id.')),
  datacontenttype: z
    .optional(z.string().check(z.regex(/^application\/json(?:\s*;.*)?$/, 'must be application/json')))
    .check(z.describe('application/json (the default when absent).')),
  dataschema: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
};

/** An envelope whose `type` and `data` are typed. */
export function envelopeSchema<T extends string, D extends z.ZodMiniType>(type: T, data: D) {
  return z.catchall(z.object({ ...envelopeAttributes, type: z.literal(type), data }), extensionValue).check(
    z.superRefine((value, ctx) => {
      for (const key of Object.keys(value)) {
        if (!(key in envelopeAttributes) && key !== 'type' && key !== 'data' && !EXTENSION_NAME.test(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'extension attribute names are 1..20 lower-case letters or digits',
          });
        }
      }
    }),
  );
}

/** Envelope without a known type: used to tell an envelope problem from an unknown type. */
export const genericEnvelope = z.catchall(
  z.object({ ...envelopeAttributes, type: z.string().check(z.minLength(1), z.maxLength(256)) }),
  z.unknown(),
);

export interface CloudEventAttributes {
  readonly specversion: typeof SPEC_VERSION;
  readonly id: string;
  readonly source: string;
  readonly time: string;
  readonly subject?: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
}
