/**
 * A DynamoDB stream record's image (Lambda's event, or the local reader's, which has the same
 * shape) as a plain object, for the stream consumers that correct what global tables' last writer
 * wins changed (ADR 0020). Only what they read: strings, numbers, NULL, and maps of those.
 */
export type StreamImage = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export function plainImage(image: StreamImage | undefined): Record<string, unknown> | undefined {
  if (!image) return undefined;
  const item: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(image)) {
    if (typeof value.S === 'string') item[name] = value.S;
    else if (typeof value.N === 'string') item[name] = Number(value.N);
    else if (value.NULL === true) item[name] = null;
    else if (typeof value.M === 'object' && value.M !== null) item[name] = plainImage(value.M as StreamImage);
  }
  return item;
}

export interface ImageStreamRecord {
  readonly eventName?: string;
  readonly dynamodb?: { readonly OldImage?: StreamImage; readonly NewImage?: StreamImage };
}

/** An item before and after a change (either absent on an insert or a removal). */
export interface ItemChange {
  readonly before?: Readonly<Record<string, unknown>>;
  readonly after?: Readonly<Record<string, unknown>>;
}

/** The records that wrote an item (INSERT and MODIFY), as before/after pairs. */
export function itemChanges(records: readonly ImageStreamRecord[], events: readonly string[]): ItemChange[] {
  return records
    .filter((r) => r.eventName !== undefined && events.includes(r.eventName))
    .map((r) => {
      const before = plainImage(r.dynamodb?.OldImage);
      const after = plainImage(r.dynamodb?.NewImage);
      return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
    });
}
