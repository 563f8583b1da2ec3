/** Canonical item hashing, table digests and the per-item diff used to verify a restore. */
import {
  canonicalJson,
  digestOf,
  DigestBuilder,
  EMPTY_DIGEST,
  itemHash,
  itemKey,
  sameDigest,
} from '#src/recovery/domain/item-hash';
import { diffItems, formatVerification, verifyDigests } from '#src/recovery/domain/verification';
import { itemLine, parseItemLine } from '#src/recovery/domain/json-lines';

const review = (id: string, rating = '5') => ({
  pk: { S: 'SUPPLIER#sup_a' },
  sk: { S: `REVIEW#${id}` },
  rating: { N: rating },
  tags: { SS: ['b', 'a'] },
  insights: { M: { status: { S: 'done' }, flags: { L: [{ S: 'x' }, { S: 'y' }] } } },
});

describe('canonical JSON and item hash', () => {
  it('does not depend on the order of attributes or map keys', () => {
    const a = review('1');
    const b = {
      insights: { M: { flags: { L: [{ S: 'x' }, { S: 'y' }] }, status: { S: 'done' } } },
      tags: { SS: ['b', 'a'] },
      rating: { N: '5' },
      sk: { S: 'REVIEW#1' },
      pk: { S: 'SUPPLIER#sup_a' },
    };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(itemHash(a)).toBe(itemHash(b));
  });

  it('does not depend on the order of set members, but does on the order of a list', () => {
    expect(itemHash({ ...review('1'), tags: { SS: ['a', 'b'] } })).toBe(itemHash(review('1')));
    const reordered = {
      ...review('1'),
      insights: { M: { status: { S: 'done' }, flags: { L: [{ S: 'y' }, { S: 'x' }] } } },
    };
    expect(itemHash(reordered)).not.toBe(itemHash(review('1')));
  });

  it('changes with any value, and with a type change of the same text', () => {
    expect(itemHash(review('1', '4'))).not.toBe(itemHash(review('1')));
    expect(itemHash({ ...review('1'), rating: { S: '5' } })).not.toBe(itemHash(review('1')));
    expect(itemHash({ ...review('1'), extra: { NULL: true } })).not.toBe(itemHash(review('1')));
  });

  it('hashes binaries by their bytes', () => {
    const bin = (bytes: number[]) => ({ pk: { S: 'k' }, blob: { B: new Uint8Array(bytes) } });
    expect(itemHash(bin([1, 2, 3]))).toBe(itemHash(bin([1, 2, 3])));
    expect(itemHash(bin([1, 2, 3]))).not.toBe(itemHash(bin([1, 2, 4])));
  });

  it('keys an item by its key attributes only', () => {
    expect(itemKey(review('1'), ['pk', 'sk'])).toBe(itemKey(review('1', '2'), ['pk', 'sk']));
    expect(itemKey(review('1'), ['pk', 'sk'])).not.toBe(itemKey(review('2'), ['pk', 'sk']));
    expect(() => itemKey(review('1'), ['id'])).toThrow('no key attribute id');
  });
});

describe('table digest', () => {
  const items = Array.from({ length: 50 }, (_, i) => review(String(i)));

  it('is the same whatever order the items come in, and whatever segments they are split into', () => {
    const shuffled = [...items].reverse();
    expect(digestOf(shuffled)).toEqual(digestOf(items));
    const merged = new DigestBuilder();
    merged.merge(digestOf(items.slice(0, 17)));
    merged.merge(digestOf(items.slice(17)));
    expect(merged.digest()).toEqual(digestOf(items));
  });

  it('differs when an item is lost, added or altered', () => {
    const full = digestOf(items);
    expect(sameDigest(digestOf(items.slice(1)), full)).toBe(false);
    expect(sameDigest(digestOf([...items, review('x')]), full)).toBe(false);
    const altered = items.map((item, i) => (i === 7 ? review('7', '1') : item));
    const digest = digestOf(altered);
    expect(digest.count).toBe(full.count);
    expect(sameDigest(digest, full)).toBe(false);
  });

  it('of nothing is count 0 and a zero checksum', () => {
    expect(digestOf([])).toEqual(EMPTY_DIGEST);
  });
});

describe('verification', () => {
  const map = (entries: [string, string][]) => new Map(entries);

  it('lists missing, extra and altered keys', () => {
    const diff = diffItems(
      map([
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ]),
      map([
        ['a', '1'],
        ['c', 'changed'],
        ['d', '4'],
      ]),
    );
    expect(diff).toEqual({ missing: ['b'], extra: ['d'], altered: ['c'] });
  });

  it('passes equal digests and reports a mismatch with the differing keys', () => {
    const good = digestOf([review('1')]);
    expect(verifyDigests('Reviews', good, good).ok).toBe(true);
    const bad = verifyDigests('Reviews', good, EMPTY_DIGEST);
    expect(bad.ok).toBe(false);
    const lines = formatVerification([{ ...bad, diff: { missing: ['k1'], extra: [], altered: [] } }]);
    expect(lines[0]).toMatch(/^ {2}MISMATCH {2}Reviews: 1 -> 0 items/);
    expect(lines).toContain('    missing: 1');
    expect(lines).toContain('      k1');
  });
});

describe('export lines', () => {
  it('round-trip every attribute type, binaries included', () => {
    const item = {
      ...review('1'),
      blob: { B: new Uint8Array([0, 255, 7]) },
      blobs: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
      nums: { NS: ['1', '2.5'] },
      ok: { BOOL: true },
      nothing: { NULL: true },
    };
    const back = parseItemLine(itemLine(item));
    expect(back).toEqual(item);
    expect(itemHash(back)).toBe(itemHash(item));
  });

  it('refuses a line that is not an object', () => {
    expect(() => parseItemLine('[1]')).toThrow('one JSON object');
  });
});
