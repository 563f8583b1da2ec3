/**
 * A stored review item as the API shows it (`ReviewView`): the item without its storage and
 * bookkeeping attributes, with the defaults of reviews stored before versions, platform reviews
 * and removals existed.
 *
 * Two entries, one result: `toView` from an item already unmarshalled (the DocumentClient's reads),
 * and `viewOfWireItem` straight from DynamoDB's wire form (the listing's hot path, ADR 0022 "Seventh
 * round"): it converts only the attributes the view keeps, in one pass, into an object built key by
 * key, where unmarshalling the whole item and then deleting a dozen attributes cost about three
 * times as much. Both give the same object, key order included, so the JSON answer is the same
 * bytes (test/unit/reviews/review-views.test.ts).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToNative } from '@aws-sdk/util-dynamodb';
import type { ReviewView } from '../domain/review';

/** Keys and index keys, the entity marker and the content hash: how the item is stored. */
export const STORAGE_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
  'gsi4pk',
  'gsi5pk',
  'entity',
  'contentHash',
] as const;

/** Where a review item was created and written (ADR 0020): bookkeeping, never shown. */
export const WRITE_RUN_ATTRIBUTES = ['storedInRegion', 'writtenInRegion', 'runFrom', 'runBase'] as const;

const HIDDEN: ReadonlySet<string> = new Set<string>([...STORAGE_ATTRIBUTES, ...WRITE_RUN_ATTRIBUTES]);

/** The defaults every view gets, on the view being built from `item`'s shown attributes. */
function completeView(view: Record<string, unknown>, receivedAt: unknown, removedAt: unknown): ReviewView {
  // Reviews stored before edits existed: version 1, asserted when first received.
  view.version ??= 1;
  view.versionAt ??= receivedAt;
  view.state = removedAt !== undefined ? 'removed' : 'active';
  // Reviews stored before platform reviews existed always had stars.
  view.rating ??= null;
  return view as unknown as ReviewView;
}

/** The view of an unmarshalled item. */
export function toView(item: Record<string, unknown>): ReviewView {
  const view: Record<string, unknown> = { ...item };
  for (const attribute of HIDDEN) delete view[attribute];
  return completeView(view, item.receivedAt, item.removedAt);
}

/**
 * The view of an item in DynamoDB's wire form: what `toView(unmarshall(item))` gives. Strings,
 * safe numbers, booleans, nulls, maps and lists are converted here (as `unmarshall` converts them,
 * key order kept); anything else (binary, sets, numbers beyond 2^53) goes to the SDK's own
 * `convertToNative`, so no value is read differently.
 */
export function viewOfWireItem(item: Readonly<Record<string, AttributeValue>>): ReviewView {
  const view: Record<string, unknown> = {};
  for (const name in item) {
    if (HIDDEN.has(name)) continue;
    view[name] = nativeOf(item[name]!);
  }
  return completeView(view, view.receivedAt, view.removedAt);
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MIN_SAFE = Number.MIN_SAFE_INTEGER;

/** One attribute value as `convertToNative` (without options) reads it: its first defined member. */
function nativeOf(value: AttributeValue): unknown {
  const members = value as unknown as Record<string, unknown>;
  for (const type in members) {
    const member = members[type];
    if (member === undefined) continue;
    switch (type) {
      case 'S':
        return member;
      case 'N': {
        const number = Number(member);
        if (number <= MAX_SAFE && number >= MIN_SAFE) return number;
        break;
      }
      case 'BOOL':
        return Boolean(member);
      case 'NULL':
        return null;
      case 'M': {
        const map = member as Record<string, AttributeValue>;
        const out: Record<string, unknown> = {};
        for (const key in map) out[key] = nativeOf(map[key]!);
        return out;
      }
      case 'L':
        return (member as AttributeValue[]).map(nativeOf);
    }
    break;
  }
  return convertToNative(value);
}
