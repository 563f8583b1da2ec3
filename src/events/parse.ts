/**
 * Parsing a producer's SQS message body into a typed inbound event. Each failure has its own
 * reason code, and field errors with dotted paths (as in the HTTP API's problem details).
 */
import type * as z from '../shared/zod';
import { SPEC_VERSION, genericEnvelope } from './envelope';
import { inboundEnvelopeSchema, isInboundEventType, type InboundEvent } from './inbound';

export type EnvelopeFailureReason =
  | 'invalid-json'
  | 'not-an-object'
  | 'unsupported-specversion'
  | 'invalid-envelope'
  | 'unknown-type'
  | 'invalid-data';

export interface EventFieldError {
  readonly path: string;
  readonly message: string;
}

export type ParseEnvelopeResult =
  | { readonly ok: true; readonly event: InboundEvent }
  | {
      readonly ok: false;
      readonly reason: EnvelopeFailureReason;
      readonly message: string;
      readonly fieldErrors: readonly EventFieldError[];
    };

function failure(
  reason: EnvelopeFailureReason,
  message: string,
  fieldErrors: readonly EventFieldError[] = [],
): ParseEnvelopeResult {
  return { ok: false, reason, message, fieldErrors };
}

/** zod issues as dotted-path field errors (`data.shifts.0.end`). */
export function toFieldErrors(error: z.core.$ZodError): EventFieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(event)',
    message: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message,
  }));
}

/** Parse and validate one envelope. Never throws. */
export function parseEnvelope(raw: string): ParseEnvelopeResult {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return failure('invalid-json', `body is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure('not-an-object', 'the envelope must be a JSON object');
  }
  const specversion = (value as Record<string, unknown>).specversion;
  if (specversion !== SPEC_VERSION) {
    return failure('unsupported-specversion', `specversion must be "${SPEC_VERSION}"`, [
      { path: 'specversion', message: specversion === undefined ? 'required' : `expected "${SPEC_VERSION}"` },
    ]);
  }
  const envelope = genericEnvelope.safeParse(value);
  if (!envelope.success) {
    return failure('invalid-envelope', 'envelope attributes are invalid', toFieldErrors(envelope.error));
  }
  const type = envelope.data.type;
  if (!isInboundEventType(type)) {
    return failure('unknown-type', `unknown event type "${type}"`, [
      { path: 'type', message: 'unknown event type' },
    ]);
  }
  const typed = inboundEnvelopeSchema(type).safeParse(value);
  if (!typed.success) {
    const errors = toFieldErrors(typed.error);
    const envelopeErrors = errors.filter((e) => e.path !== 'data' && !e.path.startsWith('data.'));
    if (envelopeErrors.length > 0) {
      return failure('invalid-envelope', 'envelope attributes are invalid', envelopeErrors);
    }
    return failure('invalid-data', `data does not match the ${type} schema`, errors);
  }
  // The parsed value matches the envelope schema of `type`, i.e. this member of the union.
  return { ok: true, event: typed.data as InboundEvent };
}
