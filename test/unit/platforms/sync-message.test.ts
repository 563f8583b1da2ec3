import { parseSyncMessage, syncMessageSchema } from '../../../src/platforms/domain/sync-message';

const valid = {
  kind: 'sync',
  connectionId: 'conn-1',
  supplierId: 'sup-1',
  locationId: 'loc-1',
  mode: 'incremental',
  correlationId: 'corr-1',
};

const body = (overrides: Record<string, unknown>): string => JSON.stringify({ ...valid, ...overrides });

// The schema is built on the first parse (ADR 0022, eighth round); what it accepts and refuses
// is the Sync queue's contract and must not move with that.
describe('parseSyncMessage', () => {
  it('accepts a minimal message and a full one', () => {
    expect(parseSyncMessage(JSON.stringify(valid))).toEqual(valid);
    const full = {
      ...valid,
      mode: 'targeted',
      cursor: { pageToken: 'p'.repeat(4096), watermark: '2026-06-20T10:00:00.000Z' },
      externalIds: Array.from({ length: 1000 }, (_, i) => `x${i}`),
      deferrals: 0,
      startedAt: '2026-06-20T10:00:00.000Z',
      highWatermark: 'w'.repeat(64),
    };
    expect(parseSyncMessage(JSON.stringify(full))).toEqual(full);
  });

  it('drops unknown fields (the schema is not strict)', () => {
    expect(parseSyncMessage(body({ extra: 1 }))).toEqual(valid);
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '"sync"'],
    ['another kind', body({ kind: 'reply' })],
    ['an unknown mode', body({ mode: 'partial' })],
    ['an empty id', body({ connectionId: '' })],
    ['an id over 256 characters', body({ locationId: 'l'.repeat(257) })],
    ['a missing correlation id', JSON.stringify({ ...valid, correlationId: undefined })],
    ['a page token over 4,096 characters', body({ cursor: { pageToken: 'p'.repeat(4097) } })],
    ['a watermark over 64 characters', body({ cursor: { watermark: 'w'.repeat(65) } })],
    ['over 1,000 external ids', body({ externalIds: Array.from({ length: 1001 }, (_, i) => `x${i}`) })],
    ['an empty external id', body({ externalIds: [''] })],
    ['negative deferrals', body({ deferrals: -1 })],
    ['fractional deferrals', body({ deferrals: 1.5 })],
    ['a startedAt over 64 characters', body({ startedAt: 's'.repeat(65) })],
    ['a highWatermark of another type', body({ highWatermark: 5 })],
  ])('refuses %s', (_case, raw) => {
    expect(parseSyncMessage(raw)).toBeUndefined();
  });

  it('builds its schema once', () => {
    expect(syncMessageSchema()).toBe(syncMessageSchema());
  });
});
