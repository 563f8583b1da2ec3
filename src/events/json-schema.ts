/**
 * JSON Schema (draft 2020-12) for every event type, generated from the zod schemas, plus the
 * example envelopes. `scripts/export-event-schemas.ts` writes these to schemas/events/; a unit
 * test checks that the committed files are exactly what this produces.
 *
 * Rules zod cannot express in JSON Schema (a shift's end after its start) are stated in the
 * field's description and enforced by the service.
 */
import * as z from '../shared/zod';
import { EXTENSION_NAME } from './envelope';
import { INBOUND_DESCRIPTIONS, INBOUND_EVENT_TYPES, inboundEnvelopeSchema } from './inbound';
import { OUTBOUND_DESCRIPTIONS, OUTBOUND_EVENT_TYPES, outboundEnvelopeSchema } from './outbound';
import { INBOUND_EXAMPLES, OUTBOUND_EXAMPLES } from './examples';

export const SCHEMA_ROOT = 'schemas/events';

export type Direction = 'inbound' | 'outbound';

export interface GeneratedFile {
  /** Path relative to the repository root. */
  readonly path: string;
  readonly content: unknown;
}

function toJsonSchema(schema: z.ZodMiniType, direction: Direction, type: string, description: string) {
  const generated = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    // What may be sent: unknown fields inside `data` stay allowed (receivers ignore them).
    io: 'input',
    unrepresentable: 'throw',
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: `urn:wedsync:schema:events:${direction}:${type}`,
    title: `${type} (${direction})`,
    description: `${description} CloudEvents 1.0 structured-mode JSON envelope; other top-level attributes are CloudEvents extensions.`,
    ...rest,
    // Context attribute and extension names alike: 1..20 lower-case letters or digits.
    propertyNames: { pattern: EXTENSION_NAME.source },
  };
}

/** Every file under schemas/events/, in a stable order. */
export function generateEventSchemaFiles(): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const type of INBOUND_EVENT_TYPES) {
    files.push({
      path: `${SCHEMA_ROOT}/inbound/${type}.json`,
      content: toJsonSchema(inboundEnvelopeSchema(type), 'inbound', type, INBOUND_DESCRIPTIONS[type]),
    });
  }
  for (const type of OUTBOUND_EVENT_TYPES) {
    files.push({
      path: `${SCHEMA_ROOT}/outbound/${type}.json`,
      content: toJsonSchema(outboundEnvelopeSchema(type), 'outbound', type, OUTBOUND_DESCRIPTIONS[type]),
    });
  }
  for (const type of INBOUND_EVENT_TYPES) {
    files.push({ path: `${SCHEMA_ROOT}/examples/inbound.${type}.json`, content: INBOUND_EXAMPLES[type] });
  }
  for (const type of OUTBOUND_EVENT_TYPES) {
    files.push({ path: `${SCHEMA_ROOT}/examples/outbound.${type}.json`, content: OUTBOUND_EXAMPLES[type] });
  }
  return files;
}
