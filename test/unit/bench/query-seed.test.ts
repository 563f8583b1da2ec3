/** The cached 100k seed's key and the cache's pruning (bench/query-seed.ts), on plain folders. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  pruneQuerySeeds,
  QUERY_SEED_SUPPLIER,
  querySeedKey,
  seedTableShape,
} from '../../../bench/query-seed';
import { createTableInput } from '../../../local/resources';
import { LOCAL_TABLE_PREFIX } from '../../../local/stack';
import { tableDefinition } from '../../../src/catalog/tables';
import { ID_PATTERN } from '../../../src/shared/ids';

describe('querySeedKey', () => {
  it('is the same for the same seed, and another for another count or supplier', () => {
    expect(querySeedKey(40)).toBe(querySeedKey(40));
    expect(querySeedKey(41)).not.toBe(querySeedKey(40));
    expect(querySeedKey(40, `sup_${'1'.repeat(26)}`)).not.toBe(querySeedKey(40));
  });

  it('is keyed by the Reviews table as the local mode creates it, and changes with it', () => {
    const shape = seedTableShape();
    expect(shape.create).toEqual(createTableInput(LOCAL_TABLE_PREFIX, tableDefinition('Reviews')));
    expect(querySeedKey(40, QUERY_SEED_SUPPLIER, shape)).toBe(querySeedKey(40));
    const withIndex = {
      ...shape,
      create: {
        ...shape.create,
        GlobalSecondaryIndexes: [
          ...(shape.create.GlobalSecondaryIndexes ?? []),
          {
            IndexName: 'byAnother',
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
            Projection: { ProjectionType: 'KEYS_ONLY' as const },
          },
        ],
      },
    };
    expect(querySeedKey(40, QUERY_SEED_SUPPLIER, withIndex)).not.toBe(querySeedKey(40));
    expect(querySeedKey(40, QUERY_SEED_SUPPLIER, { ...shape, ttlAttribute: 'anotherTtl' })).not.toBe(
      querySeedKey(40),
    );
  });

  it('seeds a supplier id of the product format', () => {
    expect(QUERY_SEED_SUPPLIER).toMatch(ID_PATTERN);
  });
});

describe('pruneQuerySeeds', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'query-seeds-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const folder = (name: string, ageMs = 0) => {
    mkdirSync(join(dir, name));
    const at = new Date(Date.now() - ageMs);
    utimesSync(join(dir, name), at, at);
  };

  it('keeps the current seed, a young partial one and other counts; deletes older keys of its count', () => {
    const hour = 60 * 60 * 1000;
    folder('100000-current');
    folder('100000-olderkey');
    folder('2000-testseed'); // another count: kept
    folder('100000-current.partial-123'); // another run copying it in
    folder('100000-current.partial-77', 2 * hour); // left by a run killed two hours ago
    folder('100000-olderkey.partial-9', 2 * hour);
    pruneQuerySeeds(dir, '100000-current');
    expect(readdirSync(dir).sort()).toEqual([
      '100000-current',
      '100000-current.partial-123',
      '2000-testseed',
    ]);
  });

  it('does nothing when there is no cache yet', () => {
    rmSync(dir, { recursive: true, force: true });
    expect(() => pruneQuerySeeds(dir, '100000-current')).not.toThrow();
    expect(existsSync(dir)).toBe(false);
  });
});
