import {
  compareStamps,
  ReplicaLedger,
  StampClock,
  type ReplicatedWrite,
} from '../../../local/replication/last-writer-wins';

const ITEM = 'Reviews\n{"pk":"SUPPLIER#s1","sk":"REVIEW#r1"}';

/** A ledger on a clock the test moves. */
function ledgerAt(start = 1000) {
  let now = start;
  const ledger = new ReplicaLedger(() => now);
  return { ledger, tick: (ms: number) => (now += ms) };
}

describe('stamps', () => {
  it('orders by time, then by region name, so every region agrees on the later of two writes', () => {
    expect(compareStamps({ at: 1, region: 'b' }, { at: 2, region: 'a' })).toBeLessThan(0);
    expect(compareStamps({ at: 2, region: 'a' }, { at: 2, region: 'b' })).toBeLessThan(0);
    expect(compareStamps({ at: 2, region: 'b' }, { at: 2, region: 'a' })).toBeGreaterThan(0);
    expect(compareStamps({ at: 2, region: 'a' }, { at: 2, region: 'a' })).toBe(0);
  });

  it('never repeats or goes back within a region, even when the clock does', () => {
    let now = 500;
    const clock = new StampClock('a', () => now);
    const first = clock.next();
    const second = clock.next();
    now = 100;
    const third = clock.next();
    expect([first.at, second.at, third.at]).toEqual([500, 501, 502]);
  });
});

describe('loop prevention', () => {
  it('ships a local write once and recognises its replicated copy when it comes back', () => {
    const { ledger } = ledgerAt();
    const local = ledger.observe({ region: 'a', item: ITEM, oldHash: null, newHash: 'h1' });
    expect(local.kind).toBe('local');
    const write = (local as { write: ReplicatedWrite }).write;
    expect(ledger.resolve('b', ITEM, null, write)).toEqual({ action: 'apply', conflict: false });
    ledger.applied('b', ITEM, write);
    expect(ledger.pendingEchoes).toBe(1);

    // The replicated put appears in region b's stream: an echo, not shipped back to a.
    expect(ledger.observe({ region: 'b', item: ITEM, oldHash: null, newHash: 'h1' })).toEqual({
      kind: 'echo',
    });
    expect(ledger.pendingEchoes).toBe(0);
    // A later write in b with the same content is b's own again.
    expect(ledger.observe({ region: 'b', item: ITEM, oldHash: 'h2', newHash: 'h1' }).kind).toBe('local');
  });

  it('stops a copy that comes back unrecognised after one hop: the source already holds it', () => {
    const { ledger } = ledgerAt();
    const write: ReplicatedWrite = { stamp: { at: 5, region: 'b' }, oldHash: null, newHash: 'h1' };
    expect(ledger.resolve('a', ITEM, 'h1', write)).toEqual({
      action: 'skip',
      reason: 'already-there',
      conflict: false,
    });
  });

  it('treats a replicated delete coming back as an echo too', () => {
    const { ledger } = ledgerAt();
    const removed = ledger.observe({ region: 'a', item: ITEM, oldHash: 'h1', newHash: null });
    const write = (removed as { write: ReplicatedWrite }).write;
    expect(ledger.resolve('b', ITEM, 'h1', write)).toEqual({ action: 'apply', conflict: false });
    ledger.applied('b', ITEM, write);
    expect(ledger.observe({ region: 'b', item: ITEM, oldHash: 'h1', newHash: null })).toEqual({
      kind: 'echo',
    });
  });
});

describe('last writer wins', () => {
  it('applies an ordinary update: the target still holds the version the source changed', () => {
    const { ledger } = ledgerAt();
    const write: ReplicatedWrite = { stamp: { at: 5, region: 'a' }, oldHash: 'h1', newHash: 'h2' };
    expect(ledger.resolve('b', ITEM, 'h1', write)).toEqual({ action: 'apply', conflict: false });
  });

  it('resolves two regions writing one item at once the same way in both directions', () => {
    const { ledger, tick } = ledgerAt();
    // Both regions create the review before either write is replicated (a client retried in b).
    const fromA = ledger.observe({ region: 'a', item: ITEM, oldHash: null, newHash: 'ha' });
    tick(3);
    const fromB = ledger.observe({ region: 'b', item: ITEM, oldHash: null, newHash: 'hb' });
    const writeA = (fromA as { write: ReplicatedWrite }).write;
    const writeB = (fromB as { write: ReplicatedWrite }).write;

    // a's write reaches b, which holds its own later write: a conflict, b's stays.
    expect(ledger.resolve('b', ITEM, 'hb', writeA)).toEqual({
      action: 'skip',
      reason: 'target-is-later',
      conflict: true,
    });
    // b's write reaches a: a conflict, b's is later and replaces a's.
    expect(ledger.resolve('a', ITEM, 'ha', writeB)).toEqual({ action: 'apply', conflict: true });
  });

  it('lets a write the target made but replication has not read yet win (it will be stamped later)', () => {
    const { ledger } = ledgerAt();
    const fromA = ledger.observe({ region: 'a', item: ITEM, oldHash: 'h0', newHash: 'ha' });
    const writeA = (fromA as { write: ReplicatedWrite }).write;
    // b holds 'hb', a content the ledger never saw.
    expect(ledger.resolve('b', ITEM, 'hb', writeA)).toMatchObject({ action: 'skip', conflict: true });
    // Once read, b's write is stamped after a's and replaces it in a.
    const fromB = ledger.observe({ region: 'b', item: ITEM, oldHash: 'h0', newHash: 'hb' });
    const writeB = (fromB as { write: ReplicatedWrite }).write;
    expect(compareStamps(writeB.stamp, writeA.stamp)).toBeGreaterThan(0);
    expect(ledger.resolve('a', ITEM, 'ha', writeB)).toEqual({ action: 'apply', conflict: true });
  });

  it('replaces a target whose known write is older, even when it holds no item (deleted there)', () => {
    const { ledger, tick } = ledgerAt();
    ledger.observe({ region: 'b', item: ITEM, oldHash: 'h0', newHash: null });
    tick(10);
    const fromA = ledger.observe({ region: 'a', item: ITEM, oldHash: 'h0', newHash: 'ha' });
    const writeA = (fromA as { write: ReplicatedWrite }).write;
    expect(ledger.resolve('b', ITEM, null, writeA)).toEqual({ action: 'apply', conflict: true });
  });
});

describe('a stream record handled again', () => {
  it('keeps its first stamp: both regions still end with the later write', () => {
    const { ledger, tick } = ledgerAt();
    // b logs the item first; its record is read (stamped) and on its way to a.
    const fromB = ledger.observe({ region: 'b', item: ITEM, oldHash: null, newHash: 'hB' }, 'b#1');
    tick(10);
    // a logs its own version, read later: the later write. It wins in b.
    const fromA = ledger.observe({ region: 'a', item: ITEM, oldHash: null, newHash: 'hA' }, 'a#1');
    const writeA = (fromA as { write: ReplicatedWrite }).write;
    expect(ledger.resolve('b', ITEM, 'hB', writeA)).toEqual({ action: 'apply', conflict: true });
    ledger.applied('b', ITEM, writeA);
    ledger.replicated('a#1');
    // b's record failed to apply in a (a's write landed between the read and the put) and is
    // handled again, later: the same stamp, so it loses to a's write there too.
    tick(10);
    const again = ledger.observe({ region: 'b', item: ITEM, oldHash: null, newHash: 'hB' }, 'b#1');
    // The same write, flagged as handled again (the replicator counts a record once).
    expect(fromB).toMatchObject({ kind: 'local', again: false });
    expect(again).toEqual({ ...fromB, again: true });
    const writeB = (again as { write: ReplicatedWrite }).write;
    expect(ledger.resolve('a', ITEM, 'hA', writeB)).toEqual({
      action: 'skip',
      reason: 'target-is-later',
      conflict: true,
    });
    ledger.replicated('b#1');
    // Once replicated, the same record id is a new record (ids are per stream record).
    tick(10);
    const next = ledger.observe({ region: 'b', item: ITEM, oldHash: 'hA', newHash: 'hB2' }, 'b#1');
    expect(next).toMatchObject({ kind: 'local', again: false });
    expect((next as { write: ReplicatedWrite }).write.stamp.at).toBeGreaterThan(writeA.stamp.at);
  });
});
