/**
 * The listing decodes review items straight from DynamoDB's wire form (src/reviews/adapters/
 * review-views.ts `viewOfWireItem`). It must give exactly what the generic path gives, unmarshall
 * then `toView`: the same object and the same JSON bytes (key order included), for any item.
 */
import fc from 'fast-check';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  STORAGE_ATTRIBUTES,
  toView,
  viewOfWireItem,
  WRITE_RUN_ATTRIBUTES,
} from '../../../src/reviews/adapters/review-views';

type Wire = Record<string, AttributeValue>;

/** What the API answered before: the SDK's unmarshall, then the view. */
const generic = (item: Wire) => toView(unmarshall(item));

/** As JSON.parse hands the wire form to the SDK (and the SDK to us). */
const overTheWire = (item: Wire): Wire => JSON.parse(JSON.stringify(item)) as Wire;

const storedReview = {
  pk: 'SUPPLIER#sup_1',
  sk: 'REVIEW#rev_1',
  gsi1pk: 'SUPPLIER#sup_1',
  gsi1sk: '2026-06-14T18:30:02.118Z#rev_1',
  entity: 'review',
  contentHash: 'c'.repeat(32),
  reviewId: 'rev_1',
  supplierId: 'sup_1',
  platform: 'google',
  rating: 4,
  title: 'Lovely "day" ✓',
  body: 'Line one\nline two',
  reviewerName: 'Couple',
  verified: false,
  reviewedAt: '2026-06-14T18:30:02.118Z',
  receivedAt: '2026-06-14T18:30:03.000Z',
  origin: { kind: 'external', platform: 'google', externalId: 'g-1' },
  insights: {
    status: 'done',
    sentiment: { label: 'positive', confidence: 0.9312 },
    authenticity: { reasons: ['unverified'], score: 0.1, duplicateOf: [] },
    flags: [],
  },
  storedAt: '2026-06-14T18:30:04.000Z',
  storedInRegion: 'eu-west-1',
  writtenInRegion: 'eu-west-1',
  runFrom: 1,
  runBase: 0,
};

describe('viewOfWireItem', () => {
  it('hides the storage and bookkeeping attributes and adds the defaults, as toView does', () => {
    const wire = overTheWire(marshall(storedReview));
    const view = viewOfWireItem(wire) as unknown as Record<string, unknown>;
    for (const hidden of [...STORAGE_ATTRIBUTES, ...WRITE_RUN_ATTRIBUTES])
      expect(view).not.toHaveProperty(hidden);
    expect(view).toMatchObject({
      reviewId: 'rev_1',
      version: 1,
      versionAt: storedReview.receivedAt,
      state: 'active',
      rating: 4,
    });
    expect(JSON.stringify(view)).toBe(JSON.stringify(generic(wire)));
  });

  it('shows a removed review as removed and a review without stars with a null rating', () => {
    const { rating: _rating, ...unrated } = storedReview;
    const wire = overTheWire(marshall({ ...unrated, removedAt: '2026-07-01T00:00:00.000Z', version: 3 }));
    const view = viewOfWireItem(wire);
    expect(view).toMatchObject({ state: 'removed', rating: null, version: 3 });
    expect(JSON.stringify(view)).toBe(JSON.stringify(generic(wire)));
  });

  it('reads sets, binary and numbers beyond 2^53 as the SDK reads them', () => {
    const wire: Wire = {
      reviewId: { S: 'rev_2' },
      tags: { SS: ['a', 'b'] },
      counts: { NS: ['1', '2'] },
      blob: { B: new Uint8Array([1, 2, 3]) },
      big: { N: '90071992547409930' },
      small: { N: '-12.5e2' },
      odd: { N: 'Infinity' },
      nested: { M: { list: { L: [{ NULL: true }, { BOOL: true }, { N: '7' }, { SS: ['x'] }] } } },
    };
    expect(viewOfWireItem(wire)).toEqual(generic(wire));
  });

  it('gives the same JSON as unmarshall + toView for any item', () => {
    const name = fc.oneof(
      fc.constantFrom(...STORAGE_ATTRIBUTES, ...WRITE_RUN_ATTRIBUTES),
      fc.constantFrom('version', 'versionAt', 'rating', 'state', 'removedAt', 'receivedAt', '0', '12'),
      fc.string({ maxLength: 8 }),
    );
    const leaf = fc.oneof(
      fc.string(),
      fc.double({ min: -1e15, max: 1e15, noNaN: true }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
      list: fc.array(tie('any'), { maxLength: 4 }),
      map: fc.dictionary(fc.string({ maxLength: 6 }), tie('any'), { maxKeys: 4 }),
    })).any;
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 20 }), (item) => {
        const wire = overTheWire(marshall(item, { removeUndefinedValues: true }));
        expect(JSON.stringify(viewOfWireItem(wire))).toBe(JSON.stringify(generic(wire)));
      }),
      { numRuns: 500 },
    );
  });
});
