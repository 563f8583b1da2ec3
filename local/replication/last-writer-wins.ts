/**
 * The rules of the local global-tables replicator (issue 11, ADR 0020), with no I/O: when a write
 * read from one region's stream is a replicated write coming back (never shipped again: loop
 * prevention), which of two concurrent writes of one item is "later" (last writer wins), and when
 * a replicated write is a conflict (both regions changed the item since their common version).
 *
 * "Later": every write a region makes is stamped when the replicator reads it from that region's
 * stream (milliseconds, strictly increasing per region), ties broken by the region name. AWS stamps
 * a write when the replica stores it; here the stamp is the first moment the replication service
 * knows of the write, which orders the writes of one item in one region as they were made (a
 * stream keeps an item's records in order) and orders two regions' writes of one item by which
 * reached replication last. Both regions apply the same rule to the same stamps, so they agree.
 *
 * Items are compared by a hash of their whole image (`itemHash`), never by an attribute of ours
 * written into them: the handlers read these items back and must not see replication's marks.
 */

/** A write's place in the last-writer-wins order. */
export interface Stamp {
  readonly at: number;
  readonly region: string;
}

/** Negative when `a` is earlier than `b`; the region name breaks a tie of times (total order). */
export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.region < b.region ? -1 : a.region > b.region ? 1 : 0;
}

/** Stamps of one region: the clock's milliseconds, made strictly increasing. */
export class StampClock {
  private last = 0;

  constructor(
    readonly region: string,
    private readonly now: () => number = Date.now,
  ) {}

  next(): Stamp {
    this.last = Math.max(this.now(), this.last + 1);
    return { at: this.last, region: this.region };
  }
}

/** An item's content hash, or `null` for "no item" (never written, or deleted). */
export type ContentHash = string | null;

/** A change read from a region's stream: the item's hash before and after the write. */
export interface ObservedWrite {
  readonly region: string;
  /** Table and key, as one string (the table name and the canonical JSON of the key). */
  readonly item: string;
  readonly oldHash: ContentHash;
  readonly newHash: ContentHash;
}

/** A region's write on its way to another region. */
export interface ReplicatedWrite {
  readonly stamp: Stamp;
  readonly oldHash: ContentHash;
  readonly newHash: ContentHash;
}

export type Observation =
  /** The replicator's own write coming back: not shipped again. */
  | { readonly kind: 'echo' }
  /**
   * A write of the region's own: ship it to the other regions with this stamp. `again`: its record
   * was observed before and is handled again (its replication failed part way): not a new write.
   */
  | { readonly kind: 'local'; readonly write: ReplicatedWrite; readonly again: boolean };

export type Resolution =
  /** The target already holds this content: nothing to write (and no echo to expect). */
  | { readonly action: 'skip'; readonly reason: 'already-there'; readonly conflict: false }
  /** The target's content is later: it stays, and it will reach the source in turn. */
  | { readonly action: 'skip'; readonly reason: 'target-is-later'; readonly conflict: true }
  /** Write it. `conflict`: the target had changed the item too, and its write loses. */
  | { readonly action: 'apply'; readonly conflict: boolean };

interface Known {
  readonly stamp: Stamp;
  readonly hash: ContentHash;
}

/**
 * What the replicator knows of every item in every region: the last write it saw or made there
 * (stamp and content hash), and the replicated writes it made whose stream records have not come
 * back yet. In memory: the local replicator lives as long as the two-region mode.
 */
export class ReplicaLedger {
  private readonly clocks = new Map<string, StampClock>();
  private readonly known = new Map<string, Known>();
  private readonly echoes = new Map<string, ContentHash[]>();
  /** Local writes being replicated, by stream record: a record handled again keeps its stamp. */
  private readonly replicating = new Map<string, ReplicatedWrite>();

  constructor(private readonly now: () => number = Date.now) {}

  private clock(region: string): StampClock {
    let clock = this.clocks.get(region);
    if (!clock) {
      clock = new StampClock(region, this.now);
      this.clocks.set(region, clock);
    }
    return clock;
  }

  /**
   * Classifies a stream record of `write.region` (in stream order) and stamps a local write.
   * `recordId` names the record: one whose replication failed part way (a target changed under it,
   * or was down) is handled again with its first stamp. Stamped again, an old write would pass for
   * the latest and overwrite a later one in the other region, after that region's write had won
   * here: each region would end with the other's version (the failover drill's EventLog, 5 December).
   */
  observe(write: ObservedWrite, recordId?: string): Observation {
    const again = recordId === undefined ? undefined : this.replicating.get(recordId);
    if (again) return { kind: 'local', write: again, again: true };
    const slot = `${write.region}\n${write.item}`;
    const pending = this.echoes.get(slot);
    const index = pending?.indexOf(write.newHash) ?? -1;
    if (pending && index >= 0) {
      pending.splice(index, 1);
      if (pending.length === 0) this.echoes.delete(slot);
      return { kind: 'echo' };
    }
    const stamp = this.clock(write.region).next();
    this.known.set(slot, { stamp, hash: write.newHash });
    const local: ReplicatedWrite = { stamp, oldHash: write.oldHash, newHash: write.newHash };
    if (recordId !== undefined) this.replicating.set(recordId, local);
    return { kind: 'local', write: local, again: false };
  }

  /** The record `recordId` reached every region: a later record is a new write. */
  replicated(recordId: string): void {
    this.replicating.delete(recordId);
  }

  /**
   * Decides what to do with `incoming` in `region`, whose item now hashes to `currentHash` (read
   * just before, strongly consistent). A current content the ledger has not seen (a write of the
   * target's own whose record is not read yet) will be stamped when it is read, so after
   * `incoming`: it is the later one.
   */
  resolve(region: string, item: string, currentHash: ContentHash, incoming: ReplicatedWrite): Resolution {
    if (currentHash === incoming.newHash) return { action: 'skip', reason: 'already-there', conflict: false };
    // The target still holds the version the source changed: an ordinary update.
    if (currentHash === incoming.oldHash) return { action: 'apply', conflict: false };
    const known = this.known.get(`${region}\n${item}`);
    const targetIsLater =
      !known || known.hash !== currentHash || compareStamps(known.stamp, incoming.stamp) > 0;
    return targetIsLater
      ? { action: 'skip', reason: 'target-is-later', conflict: true }
      : { action: 'apply', conflict: true };
  }

  /** Records a replicated write made into `region`: its stream record will be an echo. */
  applied(region: string, item: string, write: ReplicatedWrite): void {
    const slot = `${region}\n${item}`;
    this.known.set(slot, { stamp: write.stamp, hash: write.newHash });
    const pending = this.echoes.get(slot) ?? [];
    pending.push(write.newHash);
    this.echoes.set(slot, pending);
  }

  /** Replicated writes whose records have not come back yet (0 once replication is quiet). */
  get pendingEchoes(): number {
    let count = 0;
    for (const pending of this.echoes.values()) count += pending.length;
    return count;
  }
}
