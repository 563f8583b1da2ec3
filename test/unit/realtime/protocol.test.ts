import { eventFrame, parseClientFrame } from '../../../src/realtime/domain/protocol';

describe('client frames', () => {
  it('reads subscribe, unsubscribe and ping', () => {
    expect(
      parseClientFrame('{"action":"subscribe","channel":"supplier:s:reviews","lastEventId":"e1"}'),
    ).toEqual({
      kind: 'subscribe',
      frame: { action: 'subscribe', channel: 'supplier:s:reviews', lastEventId: 'e1' },
    });
    expect(parseClientFrame('{"action":"unsubscribe","channel":"c"}').kind).toBe('unsubscribe');
    expect(parseClientFrame('{"action":"ping"}')).toEqual({ kind: 'ping' });
  });

  it.each([
    [undefined, 'invalid-frame'],
    ['', 'invalid-frame'],
    ['not json', 'invalid-frame'],
    ['null', 'unknown-action'],
    ['[]', 'unknown-action'],
    ['{"action":"publish","channel":"c"}', 'unknown-action'],
    ['{"action":"subscribe"}', 'invalid-frame'],
    ['{"action":"subscribe","channel":"c","extra":1}', 'invalid-frame'],
    [`{"action":"subscribe","channel":"${'c'.repeat(5000)}"}`, 'invalid-frame'],
  ])('answers %j with %s and a message', (body, code) => {
    const parsed = parseClientFrame(body);
    expect(parsed).toMatchObject({ kind: 'invalid', code });
    expect(parsed.kind === 'invalid' && parsed.message.length > 10).toBe(true);
  });
});

describe('event frames', () => {
  it('carry the envelope as is, with the channel and seq', () => {
    const envelope = '{"specversion":"1.0","id":"e1","type":"review.received","data":{"a":1}}';
    expect(JSON.parse(eventFrame('supplier:s:reviews', 7, envelope))).toEqual({
      type: 'event',
      channel: 'supplier:s:reviews',
      seq: 7,
      event: JSON.parse(envelope),
    });
  });
});
