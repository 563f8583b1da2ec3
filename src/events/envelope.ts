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
import * as z from 'zod';
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
    .min(1)
    .max(256)
    .describe('Unique per source; a re-sent event keeps its id, so receivers can deduplicate on it.'),
  source: z
    .string()
    .min(1)
    .max(512)
    .describe('URI-reference naming the producing service, e.g. urn:wedsync:budget-service.'),
  time: dateTime().describe('When the event happened (RFC 3339).'),
  subject: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe('The entity the event is about, e.g. an expense id.'),
  datacontenttype: z
    .string()
    .regex(/^application\/json(?:\s*;.*)?$/, 'must be application/json')
    .optional()
    .describe('application/json (the default when absent).'),
  dataschema: z.string().min(1).max(1024).optional(),
};

/** An envelope whose `type` and `data` are typed. */
export function envelopeSchema<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z
    .object({ ...envelopeAttributes, type: z.literal(type), data })
    .catchall(extensionValue)
    .superRefine((value, ctx) => {
      for (const key of Object.keys(value)) {
        if (!(key in envelopeAttributes) && key !== 'type' && key !== 'data' && !EXTENSION_NAME.test(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'extension attribute names are 1..20 lower-case letters or digits',
          });
        }
      }
    });
}

/** Envelope without a known type: used to tell an envelope problem from an unknown type. */
export const genericEnvelope = z
  .object({ ...envelopeAttributes, type: z.string().min(1).max(256) })
  .catchall(z.unknown());

export interface CloudEventAttributes {
  readonly specversion: typeof SPEC_VERSION;
  readonly id: string;
  readonly source: string;
  readonly time: string;
  readonly subject?: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
}
