/** The local poller's event filtering against the catalog's patterns (what Lambda's filter would pass). */
import {
  functionDefinition,
  FUNCTIONS,
  streamConsumersIn,
  streamFilterPattern,
  type FunctionDefinition,
} from '../../../src/catalog/functions';
import { TABLES, tableDefinition } from '../../../src/catalog/tables';
import { matchesFilter } from '../../../local/stream-filter';

const record = (eventName: string, sk?: string) => ({
  eventName,
  dynamodb: {
    Keys: { pk: { S: 'EVENT#s#e' }, ...(sk ? { sk: { S: sk } } : {}) },
    NewImage: { pk: { S: 'EVENT#s#e' } },
  },
});

describe('the RealtimeRecorder filter', () => {
  const pattern = streamFilterPattern(functionDefinition('RealtimeRecorder'))!;

  it('passes every insert of the event log (its own table: nothing else lives there), no change or removal', () => {
    expect(functionDefinition('RealtimeRecorder').tableStream).toBe('EventLog');
    expect(pattern).toEqual({ eventName: ['INSERT'] });
    expect(matchesFilter(pattern, record('INSERT'))).toBe(true);
    expect(matchesFilter(pattern, record('MODIFY'))).toBe(false);
    expect(matchesFilter(pattern, record('REMOVE'))).toBe(false);
    expect(matchesFilter(pattern, {})).toBe(false);
  });
});

describe('the RealtimeFanout filter', () => {
  it('passes every insert of its table', () => {
    const pattern = streamFilterPattern(functionDefinition('RealtimeFanout'))!;
    expect(pattern).toEqual({ eventName: ['INSERT'] });
    expect(matchesFilter(pattern, record('INSERT', 'SEQ#000000000001'))).toBe(true);
    expect(matchesFilter(pattern, record('REMOVE', 'SEQ#000000000001'))).toBe(false);
  });
});

describe('a sort-key filter (streamSortKeyEquals)', () => {
  const consumer = (over: Partial<FunctionDefinition>): FunctionDefinition => ({
    ...functionDefinition('RealtimeFanout'),
    ...over,
  });

  it('passes inserts of items with that sort key only', () => {
    const pattern = streamFilterPattern(consumer({ streamSortKeyEquals: 'HEAD' }))!;
    expect(pattern).toEqual({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: ['HEAD'] } } } });
    expect(matchesFilter(pattern, record('INSERT', 'HEAD'))).toBe(true);
    expect(matchesFilter(pattern, record('MODIFY', 'HEAD'))).toBe(false);
    expect(matchesFilter(pattern, record('INSERT', 'SEQ#000000000001'))).toBe(false);
    expect(matchesFilter(pattern, record('INSERT'))).toBe(false);
    expect(matchesFilter(pattern, { eventName: 'INSERT', dynamodb: { Keys: { sk: { N: '1' } } } })).toBe(
      false,
    );
  });

  it('refuses a table without a sort key or without a stream', () => {
    expect(tableDefinition('EventLog').sortKey).toBeUndefined();
    expect(() =>
      streamFilterPattern(consumer({ tableStream: 'EventLog', streamSortKeyEquals: 'X' })),
    ).toThrow(/no sort key/);
    expect(tableDefinition('Deliveries').stream).toBeUndefined();
    expect(() => streamFilterPattern(consumer({ tableStream: 'Deliveries' }))).toThrow(/no stream/);
  });
});

describe('stream consumers per region', () => {
  it('consumes the event log only in the primary region, the channel log everywhere', () => {
    const ids = (primary: boolean, replicated = true) =>
      streamConsumersIn(primary, replicated).map((f) => f.id);
    expect(ids(true)).toEqual(expect.arrayContaining(['RealtimeRecorder', 'RealtimeFanout']));
    expect(ids(false)).toContain('RealtimeFanout');
    expect(ids(false)).not.toContain('RealtimeRecorder');
    expect(streamFilterPattern(functionDefinition('Api'))).toBeUndefined();
    expect(FUNCTIONS.filter((f) => f.tableStream).length).toBe(ids(true).length);
  });

  it('corrects what replication changed only where there are replicas, from the global tables’ own streams', () => {
    const ids = (replicated: boolean) => streamConsumersIn(false, replicated).map((f) => f.id);
    expect(ids(true)).toEqual(expect.arrayContaining(['SummaryCorrection', 'ReplicatedSpending']));
    expect(ids(false)).not.toContain('SummaryCorrection');
    expect(ids(false)).not.toContain('ReplicatedSpending');
    expect(streamFilterPattern(functionDefinition('SummaryCorrection'))).toEqual({ eventName: ['MODIFY'] });
    expect(streamFilterPattern(functionDefinition('ReplicatedSpending'))).toEqual({
      eventName: ['INSERT', 'MODIFY'],
    });
  });

  it('every table consumed in every deployment has a stream, and only those tables have one', () => {
    const consumed = new Set(
      FUNCTIONS.flatMap((f) => (f.tableStream && f.streamRegions !== 'replicated' ? [f.tableStream] : [])),
    );
    for (const id of consumed) expect([id, tableDefinition(id).stream]).toEqual([id, 'new-image']);
    expect([...consumed].sort()).toEqual(['EventLog', 'RealtimeLog']);
    expect(
      TABLES.filter((t) => t.stream)
        .map((t) => t.id)
        .sort(),
    ).toEqual(['EventLog', 'RealtimeLog']);
  });
});
