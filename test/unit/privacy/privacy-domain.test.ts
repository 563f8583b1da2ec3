import {
  ANONYMISED_NAME,
  assembleExport,
  anonymisedFields,
  ERASED_TEXT,
  erasureIdFor,
  NO_COUNTS,
  normaliseEmail,
  notificationsFor,
  parsedPayload,
  reviewEventSubjects,
  subjectHash,
  subjectRef,
  widens,
  withoutStorageKeys,
  type Tombstone,
} from '../../../src/privacy';

describe('normaliseEmail', () => {
  it('trims, lower-cases and NFC-normalises; provider rules (dots, +tags) are not applied', () => {
    expect(normaliseEmail('  Jo.Max@Example.COM ')).toBe('jo.max@example.com');
    expect(normaliseEmail('jo+wedding@example.com')).toBe('jo+wedding@example.com');
    // "é" as e + combining acute (NFD) and as one code point (NFC) are one address.
    expect(normaliseEmail('ren\u0065\u0301@example.com')).toBe(normaliseEmail('ren\u00e9@example.com'));
  });

  it.each([
    '',
    'jo',
    '@example.com',
    'jo@',
    'jo@@example.com',
    'jo max@example.com',
    `${'a'.repeat(250)}@x.io`,
  ])('refuses %p', (raw) => {
    expect(normaliseEmail(raw)).toBeUndefined();
  });
});

describe('subjectHash', () => {
  it('is the same for every spelling of one address and differs between addresses', () => {
    const hash = subjectHash('Jo.Max@Example.com');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(subjectHash(' jo.max@example.COM')).toBe(hash);
    expect(subjectHash('jo.max2@example.com')).not.toBe(hash);
  });

  it('is salted: not the plain SHA-256 of the address', () => {
    const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    expect(subjectHash('jo@example.com')).not.toBe(
      createHash('sha256').update('jo@example.com').digest('hex'),
    );
  });

  it('throws on text that is not an address', () => {
    expect(() => subjectHash('not an address')).toThrow('not an e-mail address');
  });

  it('names the subject and the erasure by prefixes of the hash, never the address', () => {
    const hash = subjectHash('jo@example.com');
    expect(subjectRef(hash)).toBe(`subject:${hash.slice(0, 16)}`);
    expect(erasureIdFor(hash)).toBe(`era_${hash.slice(0, 26)}`);
  });
});

describe('anonymisedFields', () => {
  const fields = { reviewerName: 'Jo Max', title: 'Late', body: 'Jo here: late.' };

  it('replaces the name always, the title and text only when asked', () => {
    expect(anonymisedFields(fields, false)).toEqual({
      reviewerName: ANONYMISED_NAME,
      title: 'Late',
      body: 'Jo here: late.',
    });
    expect(anonymisedFields(fields, true)).toEqual({
      reviewerName: ANONYMISED_NAME,
      title: ERASED_TEXT,
      body: ERASED_TEXT,
    });
  });

  it('is idempotent', () => {
    const once = anonymisedFields(fields, true);
    expect(anonymisedFields(once, true)).toEqual(once);
  });
});

const tombstone = (overrides: Partial<Tombstone> = {}): Tombstone => ({
  subjectHash: 'a'.repeat(64),
  erasureId: `era_${'a'.repeat(26)}`,
  status: 'done',
  requestedAt: '2026-12-03T17:00:00.000Z',
  eraseText: false,
  extraReviews: [],
  erasedReviews: [{ supplierId: 'sup_1', reviewId: 'rev_1' }],
  erasedRequests: [{ supplierId: 'sup_1', requestId: 'rrq_1' }],
  suppliersNotified: ['sup_1'],
  counts: NO_COUNTS,
  ...overrides,
});

describe('widens', () => {
  it('is false for the same request again, true for a new review or for the text', () => {
    expect(
      widens(tombstone(), { eraseText: false, reviews: [{ supplierId: 'sup_1', reviewId: 'rev_1' }] }),
    ).toBe(false);
    expect(widens(tombstone(), { eraseText: false, reviews: [] })).toBe(false);
    expect(widens(tombstone(), { eraseText: true, reviews: [] })).toBe(true);
    expect(widens(tombstone({ eraseText: true }), { eraseText: false, reviews: [] })).toBe(false);
    expect(
      widens(tombstone(), { eraseText: false, reviews: [{ supplierId: 'sup_1', reviewId: 'rev_2' }] }),
    ).toBe(true);
  });
});

describe('reviewEventSubjects', () => {
  it('is the review for version 1 and <id>#v<n> for every later version', () => {
    expect(reviewEventSubjects('rev_1', 1)).toEqual(['rev_1']);
    expect(reviewEventSubjects('rev_1', 3)).toEqual(['rev_1', 'rev_1#v2', 'rev_1#v3']);
  });
});

describe('notificationsFor', () => {
  it('tells each supplier concerned, with ids only, under an id that changes only with the scope', () => {
    const t = tombstone({
      erasedReviews: [
        { supplierId: 'sup_2', reviewId: 'rev_9' },
        { supplierId: 'sup_1', reviewId: 'rev_1' },
      ],
    });
    const events = notificationsFor(t, '2026-12-03T17:01:00.000Z');
    expect(events.map((e) => e.supplierId)).toEqual(['sup_1', 'sup_2']);
    expect(events[0]).toMatchObject({
      type: 'privacy.erasure_requested',
      subject: t.erasureId,
      data: { erasureId: t.erasureId, reviewIds: ['rev_1'], reviewRequestIds: ['rrq_1'], textErased: false },
    });
    const again = notificationsFor(t, '2026-12-03T18:00:00.000Z');
    expect(again.map((e) => e.id)).toEqual(events.map((e) => e.id));
    const widened = notificationsFor({ ...t, eraseText: true }, 'x');
    expect(widened[0]!.id).not.toBe(events[0]!.id);
  });
});

describe('assembleExport', () => {
  it('is one document without storage keys, with payloads parsed and what cannot be searched', () => {
    const document = assembleExport({
      email: 'jo@example.com',
      generatedAt: '2026-12-03T17:00:00.000Z',
      reviewRequests: [
        {
          pk: 'SUPPLIER#s',
          sk: 'REQUEST#r',
          gsi1pk: 'SUBJECT#h',
          subjectHash: 'h',
          requestId: 'r',
          email: 'jo@example.com',
        },
      ],
      reviews: [
        {
          review: { pk: 'p', sk: 's', contentHash: 'c', reviewId: 'rev_1', reviewerName: 'Jo' },
          auditTrail: [{ pk: 'p', sk: 'AUDIT#rev_1#created', action: 'review.created' }],
        },
      ],
      events: [
        {
          eventId: 'evt_1',
          eventType: 'review.received',
          time: 't',
          payload: parsedPayload('{"data":{"reviewId":"rev_1"}}'),
          deliveries: [{ pk: 'DELIVERY#d', deliveryId: 'd', status: 'delivered' }],
        },
      ],
    });
    expect(document).toEqual({
      format: 'wedsync.subject-export/1',
      generatedAt: '2026-12-03T17:00:00.000Z',
      subject: { email: 'jo@example.com' },
      reviewRequests: [{ requestId: 'r', email: 'jo@example.com' }],
      reviews: [{ reviewId: 'rev_1', reviewerName: 'Jo', auditTrail: [{ action: 'review.created' }] }],
      events: [
        {
          eventId: 'evt_1',
          eventType: 'review.received',
          time: 't',
          payload: { data: { reviewId: 'rev_1' } },
          deliveries: [{ deliveryId: 'd', status: 'delivered' }],
        },
      ],
      notSearchableByAddress: expect.arrayContaining([
        expect.stringContaining('Reviews synced from platforms'),
      ]),
    });
  });

  it('keeps a payload that is not JSON as text', () => {
    expect(parsedPayload('not json')).toBe('not json');
    expect(withoutStorageKeys({ pk: 1, kept: 2 })).toEqual({ kept: 2 });
  });
});
