/** The export of a data subject: everything held about them, as one JSON document. */
import type { ErasureView } from './erasure';

export const EXPORT_FORMAT = 'wedsync.subject-export/1';

/** Storage details that say nothing about the person and only confuse a reader. */
const STORAGE_ATTRIBUTES = new Set([
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
  'subjectHash',
]);

/** An item as stored, without its keys and index attributes. */
export function withoutStorageKeys(item: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !STORAGE_ATTRIBUTES.has(name)));
}

export interface HeldEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly time: string;
  /** The webhook body as logged (parsed back to JSON for the reader). */
  readonly payload: unknown;
  readonly deliveries: readonly Record<string, unknown>[];
}

export interface ExportInput {
  readonly email: string;
  readonly generatedAt: string;
  readonly reviewRequests: readonly Record<string, unknown>[];
  readonly reviews: readonly { review: Record<string, unknown>; auditTrail: Record<string, unknown>[] }[];
  readonly events: readonly HeldEvent[];
  readonly erasure?: ErasureView;
}

/** What the platform holds and where it is not searchable by address (told, not hidden). */
export const NOT_SEARCHABLE_BY_ADDRESS = [
  'Reviews synced from platforms or imported carry a name but no e-mail address: name them in the request (reviews) to include them.',
  'Messages parked as malformed (Rejected table, 30 days), uploaded import files (Imports bucket) and their rejected rows (30 days) are not indexed by address; they expire on their own.',
  'Idempotency-Key records (24 h) keep the answer to a request, which never holds the address.',
];

/**
 * One JSON document: the address it is about, what is held in each place (storage keys left out),
 * the erasure state when there is one, and what cannot be searched by address.
 */
export function assembleExport(input: ExportInput) {
  return {
    format: EXPORT_FORMAT,
    generatedAt: input.generatedAt,
    subject: { email: input.email },
    reviewRequests: input.reviewRequests.map(withoutStorageKeys),
    reviews: input.reviews.map(({ review, auditTrail }) => ({
      ...withoutStorageKeys(review),
      auditTrail: auditTrail.map(withoutStorageKeys),
    })),
    events: input.events.map((event) => ({
      eventId: event.eventId,
      eventType: event.eventType,
      time: event.time,
      payload: event.payload,
      deliveries: event.deliveries.map(withoutStorageKeys),
    })),
    ...(input.erasure ? { erasure: input.erasure } : {}),
    notSearchableByAddress: NOT_SEARCHABLE_BY_ADDRESS,
  };
}
export type SubjectExport = ReturnType<typeof assembleExport>;

/** The logged body parsed back to JSON; the text as is if it is not JSON (never thrown away). */
export function parsedPayload(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
