/**
 * The committed schemas/events/ files must be exactly what scripts/export-event-schemas.ts
 * generates from the zod catalogue, and every example must validate both with zod and with the
 * committed JSON Schema (so the two never disagree about the examples).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { INBOUND_EXAMPLES, OUTBOUND_EXAMPLES } from '#src/events/examples';
import { INBOUND_EVENT_TYPES } from '#src/events/inbound';
import { SCHEMA_ROOT, generateEventSchemaFiles } from '#src/events/json-schema';
import { OUTBOUND_EVENT_TYPES, outboundEnvelopeSchema } from '#src/events/outbound';
import { parseEnvelope } from '#src/events/parse';

const ROOT = resolve(__dirname, '../../..');
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const generated = generateEventSchemaFiles();

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validatorFor = (direction: 'inbound' | 'outbound', type: string) =>
  ajv.getSchema(`urn:wedsync:schema:events:${direction}:${type}`) ??
  ajv.compile(readJson(`${SCHEMA_ROOT}/${direction}/${type}.json`) as object);

describe('committed schema files', () => {
  it.each(generated.map((f) => [f.path, f.content] as const))('%s is up to date', (path, content) => {
    expect(readJson(path)).toEqual(content);
  });

  it('has no stale files (run: npx tsx scripts/export-event-schemas.ts)', () => {
    const committed = ['inbound', 'outbound', 'examples'].flatMap((folder) =>
      readdirSync(join(ROOT, SCHEMA_ROOT, folder))
        .filter((name) => name.endsWith('.json'))
        .map((name) => `${SCHEMA_ROOT}/${folder}/${name}`),
    );
    expect(committed.sort()).toEqual(generated.map((f) => f.path).sort());
  });

  it('has a schema and an example for every type', () => {
    expect(generated).toHaveLength(2 * (INBOUND_EVENT_TYPES.length + OUTBOUND_EVENT_TYPES.length));
    expect(INBOUND_EVENT_TYPES).toHaveLength(4);
    expect(OUTBOUND_EVENT_TYPES).toHaveLength(16);
  });
});

describe('examples', () => {
  it.each(INBOUND_EVENT_TYPES)('inbound %s validates with zod and with its JSON Schema', (type) => {
    const example = readJson(`${SCHEMA_ROOT}/examples/inbound.${type}.json`);
    expect(example).toEqual(INBOUND_EXAMPLES[type]);
    expect(parseEnvelope(JSON.stringify(example))).toMatchObject({ ok: true, event: { type } });
    const validate = validatorFor('inbound', type);
    expect(validate(example)).toBe(true);
    expect(validate.errors ?? null).toBeNull();
  });

  it.each(OUTBOUND_EVENT_TYPES)('outbound %s validates with zod and with its JSON Schema', (type) => {
    const example = readJson(`${SCHEMA_ROOT}/examples/outbound.${type}.json`);
    expect(example).toEqual(OUTBOUND_EXAMPLES[type]);
    expect(outboundEnvelopeSchema(type).safeParse(example).success).toBe(true);
    expect(validatorFor('outbound', type)(example)).toBe(true);
  });
});

describe('JSON Schema and zod agree on invalid events', () => {
  const review = INBOUND_EXAMPLES['review.submitted'];
  const expense = INBOUND_EXAMPLES['budget.expense.recorded'];
  const cases: [string, 'review.submitted' | 'budget.expense.recorded', unknown][] = [
    ['rating out of range', 'review.submitted', { ...review, data: { ...review.data, rating: 6 } }],
    ['wrong specversion', 'review.submitted', { ...review, specversion: '0.3' }],
    ['wrong type', 'review.submitted', { ...review, type: 'budget.expense.recorded' }],
    ['time without offset', 'review.submitted', { ...review, time: '2025-06-14T18:30:00' }],
    ['upper-case extension', 'review.submitted', { ...review, TraceParent: 'x' }],
    ['zero amount', 'budget.expense.recorded', { ...expense, data: { ...expense.data, amount: '0' } }],
    [
      'unknown currency',
      'budget.expense.recorded',
      { ...expense, data: { ...expense.data, currency: 'XYZ' } },
    ],
    [
      'unknown category',
      'budget.expense.recorded',
      { ...expense, data: { ...expense.data, category: 'drinks' } },
    ],
  ];
  it.each(cases)('%s is refused by both', (_label, type, event) => {
    expect(validatorFor('inbound', type)(event)).toBe(false);
    expect(parseEnvelope(JSON.stringify(event)).ok).toBe(false);
  });
});

describe('documentation', () => {
  const jsonBlocks = (path: string) =>
    [...readFileSync(join(ROOT, path), 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map((m) =>
      JSON.parse(m[1]!),
    );

  it('docs/producers.md shows the current example of every inbound type', () => {
    const blocks = jsonBlocks('docs/producers.md');
    for (const type of INBOUND_EVENT_TYPES) expect(blocks).toContainEqual(INBOUND_EXAMPLES[type]);
  });

  it('docs/webhooks.md lists every outbound type with its schema file', () => {
    const text = readFileSync(join(ROOT, 'docs/webhooks.md'), 'utf8');
    for (const type of OUTBOUND_EVENT_TYPES) {
      expect(text).toContain(`\`${type}\``);
      expect(text).toContain(`${SCHEMA_ROOT}/outbound/${type}.json`);
    }
    expect(jsonBlocks('docs/webhooks.md')).toContainEqual(OUTBOUND_EXAMPLES['review.received']);
  });
});
