/** The local poller's event filtering against the catalog's patterns (what Lambda's filter would pass). */
import {
  functionDefinition,
  FUNCTIONS,
  streamConsumersIn,
  streamFilterPattern,
} from '../../../src/catalog/functions';
import { matchesFilter } from '../../../local/stream-filter';

const record = (eventName: string, sk: string) => ({
  eventName,
  dynamodb: { Keys: { pk: { S: 'EVENT#s#e' }, sk: { S: sk } }, NewImage: { sk: { S: sk } } },
});

describe('the RealtimeRecorder filter', () => {
  const pattern = streamFilterPattern(functionDefinition('RealtimeRecorder'))!;

  it('passes inserted event-log items only', () => {
    expect(pattern).toEqual({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: ['EVENT'] } } } });
    expect(matchesFilter(pattern, record('INSERT', 'EVENT'))).toBe(true);
    expect(matchesFilter(pattern, record('MODIFY', 'EVENT'))).toBe(false);
    expect(matchesFilter(pattern, record('REMOVE', 'EVENT'))).toBe(false);
    expect(matchesFilter(pattern, record('INSERT', 'STATE'))).toBe(false);
    expect(matchesFilter(pattern, { eventName: 'INSERT' })).toBe(false);
    expect(matchesFilter(pattern, { eventName: 'INSERT', dynamodb: { Keys: { sk: { N: '1' } } } })).toBe(
      false,
    );
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

describe('stream consumers per region', () => {
  it('consumes the event log only in the primary region, the channel log everywhere', () => {
    const ids = (primary: boolean) => streamConsumersIn(primary).map((f) => f.id);
    expect(ids(true)).toEqual(expect.arrayContaining(['RealtimeRecorder', 'RealtimeFanout']));
    expect(ids(false)).toContain('RealtimeFanout');
    expect(ids(false)).not.toContain('RealtimeRecorder');
    expect(streamFilterPattern(functionDefinition('Api'))).toBeUndefined();
    expect(FUNCTIONS.filter((f) => f.tableStream).length).toBe(ids(true).length);
  });
});
