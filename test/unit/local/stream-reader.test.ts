/** The local stream reader's pacing and shard order (local/dynamodb-stream-reader.ts). */
import {
  LAMBDA_POLL_INTERVAL_MS,
  pauseAfterRound,
  shardsToRead,
} from '../../../local/dynamodb-stream-reader';

describe('pauseAfterRound', () => {
  it('reads a busy stream back to back in both ways, as Lambda reads a busy shard', () => {
    expect(pauseAfterRound('batch', true, 0)).toBe(0);
    expect(pauseAfterRound('record', true, 7)).toBe(0);
  });

  it("polls an idle stream at Lambda's rate (batch), or backs off from 25 to 400 ms (record)", () => {
    expect(LAMBDA_POLL_INTERVAL_MS).toBe(250);
    expect([0, 1, 5, 50].map((q) => pauseAfterRound('batch', false, q))).toEqual([250, 250, 250, 250]);
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((q) => pauseAfterRound('record', false, q))).toEqual([
      25, 50, 100, 200, 400, 400, 400, 400,
    ]);
  });
});

describe('shardsToRead', () => {
  const shards = [
    { ShardId: 'shard-3', ParentShardId: 'shard-2' },
    { ShardId: 'shard-1' },
    { ShardId: 'shard-2', ParentShardId: 'shard-1' },
    { ShardId: 'shard-9', ParentShardId: 'shard-0' },
  ];
  const ids = (finished: string[]) => shardsToRead(shards, new Set(finished)).map((s) => s.ShardId);

  it('reads a child only once its parent is finished, and never a finished shard', () => {
    expect(ids([])).toEqual(['shard-1', 'shard-9']);
    expect(ids(['shard-1'])).toEqual(['shard-2', 'shard-9']);
    expect(ids(['shard-1', 'shard-2'])).toEqual(['shard-3', 'shard-9']);
    expect(ids(['shard-1', 'shard-2', 'shard-3', 'shard-9'])).toEqual([]);
  });

  it('reads a shard whose parent is no longer listed (trimmed) and keeps id order', () => {
    expect(shardsToRead([{ ShardId: 'b' }, { ShardId: 'a', ParentShardId: 'gone' }], new Set())).toEqual([
      { ShardId: 'a', ParentShardId: 'gone' },
      { ShardId: 'b' },
    ]);
  });
});
