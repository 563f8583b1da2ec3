/**
 * The export file format: one item per line, in attribute-value form, with binaries (B, BS) as
 * base64 (`{"$b64": "..."}`) so that JSON can carry them; `parseItemLine` undoes it exactly.
 */
import type { RawItem } from './item-hash';

function encode(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b64: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, encode(v)]),
    );
  }
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1 && keys[0] === '$b64' && typeof object.$b64 === 'string') {
      return new Uint8Array(Buffer.from(object.$b64, 'base64'));
    }
    return Object.fromEntries(keys.map((k) => [k, decode(object[k])]));
  }
  return value;
}

export const itemLine = (item: RawItem): string => JSON.stringify(encode(item));

export function parseItemLine(line: string): RawItem {
  const parsed: unknown = JSON.parse(line);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('an export line must be one JSON object (an item)');
  }
  return decode(parsed) as RawItem;
}
