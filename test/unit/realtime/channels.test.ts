import {
  channelName,
  channelOfEvent,
  grantFor,
  isEntitled,
  parseChannel,
  type RealtimeGrant,
} from '../../../src/realtime/domain/channels';

const PLATFORM = 'wedsync-app';

describe('channels', () => {
  it('parses the three channel kinds and names them back', () => {
    for (const name of ['supplier:sup_1:reviews', 'wedding:w:2027.06-14:schedule', 'wedding:wed-9:budget']) {
      const channel = parseChannel(name);
      expect(channel).toBeDefined();
      expect(channelName(channel!)).toBe(name);
    }
    expect(parseChannel('supplier:sup_1:reviews')).toEqual({ kind: 'supplier-reviews', supplierId: 'sup_1' });
  });

  it.each([
    '',
    'supplier::reviews',
    'supplier:sup 1:reviews',
    'supplier:sup_1:budget',
    'wedding:w1:reviews',
    'wedding:w1',
    `supplier:${'a'.repeat(129)}:reviews`,
    'SUPPLIER:sup_1:reviews',
    'supplier:sup_1:reviews\n',
  ])('refuses %j', (name) => {
    expect(parseChannel(name)).toBeUndefined();
  });

  describe('entitlement', () => {
    const supplier: RealtimeGrant = { kind: 'supplier', supplierId: 'sup_1' };
    const wedding: RealtimeGrant = { kind: 'wedding', weddingId: 'wed_1' };
    const cases: [RealtimeGrant, string, boolean][] = [
      [supplier, 'supplier:sup_1:reviews', true],
      [supplier, 'supplier:sup_2:reviews', false],
      [supplier, 'wedding:sup_1:schedule', false],
      [wedding, 'wedding:wed_1:schedule', true],
      [wedding, 'wedding:wed_1:budget', true],
      [wedding, 'wedding:wed_2:budget', false],
      [wedding, 'supplier:wed_1:reviews', false],
    ];
    it.each(cases)('%j on %s: %s', (grant, name, expected) => {
      expect(isEntitled(grant, parseChannel(name)!)).toBe(expected);
    });

    // The subscription's conditional write compares the stored grant with grantFor(channel): that
    // must refuse and allow exactly what isEntitled does.
    it.each(cases)(
      '%j on %s: the grant equals grantFor(channel) exactly when entitled (%s)',
      (grant, name, expected) => {
        expect(JSON.stringify(grantFor(parseChannel(name)!)) === JSON.stringify(grant)).toBe(expected);
      },
    );
    it('names the one grant of each channel kind', () => {
      expect(grantFor(parseChannel('supplier:sup_1:reviews')!)).toEqual(supplier);
      expect(grantFor(parseChannel('wedding:wed_1:schedule')!)).toEqual(wedding);
      expect(grantFor(parseChannel('wedding:wed_1:budget')!)).toEqual(wedding);
    });
  });

  describe('channel of an event', () => {
    it("puts a supplier's review events on its reviews channel", () => {
      expect(channelOfEvent('review.received', 'sup_1', {}, PLATFORM)).toEqual({
        kind: 'supplier-reviews',
        supplierId: 'sup_1',
      });
    });
    it("puts couples' events on their wedding's channels", () => {
      expect(channelOfEvent('helper.schedule.updated', PLATFORM, { weddingId: 'w1' }, PLATFORM)).toEqual({
        kind: 'wedding-schedule',
        weddingId: 'w1',
      });
      expect(channelOfEvent('budget.threshold.exceeded', PLATFORM, { weddingId: 'w1' }, PLATFORM)).toEqual({
        kind: 'wedding-budget',
        weddingId: 'w1',
      });
    });
    it('leaves other events, and events without a usable wedding id, out', () => {
      expect(channelOfEvent('endpoint.disabled', 'sup_1', {}, PLATFORM)).toBeUndefined();
      expect(channelOfEvent('review.received', PLATFORM, {}, PLATFORM)).toBeUndefined();
      expect(
        channelOfEvent('budget.expense.recorded', PLATFORM, { weddingId: 'a b' }, PLATFORM),
      ).toBeUndefined();
      expect(channelOfEvent('helper.schedule.updated', PLATFORM, {}, PLATFORM)).toBeUndefined();
    });
  });
});
