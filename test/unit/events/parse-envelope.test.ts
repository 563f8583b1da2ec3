import { INBOUND_EXAMPLES } from '#src/events/examples';
import { INBOUND_EVENT_TYPES } from '#src/events/inbound';
import { parseEnvelope, type EnvelopeFailureReason } from '#src/events/parse';

const expense = INBOUND_EXAMPLES['budget.expense.recorded'];
const schedule = INBOUND_EXAMPLES['helper.schedule.updated'];
const review = INBOUND_EXAMPLES['review.submitted'];

const json = (value: unknown) => JSON.stringify(value);
const withData = (event: { data: object }, patch: Record<string, unknown>) =>
  json({ ...event, data: { ...event.data, ...patch } });

function expectFailure(raw: string, reason: EnvelopeFailureReason, path?: string) {
  const result = parseEnvelope(raw);
  if (result.ok) throw new Error(`expected ${reason}, got ok`);
  expect(result.reason).toBe(reason);
  expect(result.message.length).toBeGreaterThan(0);
  if (path !== undefined) expect(result.fieldErrors.map((e) => e.path)).toContain(path);
  return result;
}

describe('parseEnvelope', () => {
  it.each(INBOUND_EVENT_TYPES)('accepts the %s example', (type) => {
    const result = parseEnvelope(json(INBOUND_EXAMPLES[type]));
    expect(result).toEqual({ ok: true, event: INBOUND_EXAMPLES[type] });
  });

  it('refuses a body that is not JSON', () => {
    const result = expectFailure('{"specversion":"1.0",', 'invalid-json');
    expect(result.fieldErrors).toEqual([]);
  });

  it.each(['[]', '"review.submitted"', 'null', '42', 'true'])('refuses %s as not an object', (raw) => {
    expectFailure(raw, 'not-an-object');
  });

  it.each([
    ['missing', undefined],
    ['0.3', '0.3'],
    ['a number', 1.0],
  ])('refuses a specversion that is %s', (_label, specversion) => {
    const { specversion: _omit, ...rest } = review;
    expectFailure(
      json(specversion === undefined ? rest : { ...rest, specversion }),
      'unsupported-specversion',
      'specversion',
    );
  });

  it.each([
    ['no id', { id: undefined }, 'id'],
    ['an empty source', { source: '' }, 'source'],
    ['a time without offset', { time: '2025-06-14T18:30:00' }, 'time'],
    ['a time that is not a date', { time: 'yesterday' }, 'time'],
    ['no type', { type: undefined }, 'type'],
    ['a non-JSON datacontenttype', { datacontenttype: 'text/plain' }, 'datacontenttype'],
    ['binary data', { data_base64: 'AAAA' }, 'data_base64'],
    ['a badly named extension', { TraceParent: '00-abc' }, 'TraceParent'],
    ['an object-valued extension', { traceparent: { a: 1 } }, 'traceparent'],
  ])('refuses an envelope with %s', (_label, patch, path) => {
    expectFailure(json({ ...review, ...patch }), 'invalid-envelope', path);
  });

  it.each(['review.received', 'review.deleted', 'REVIEW.SUBMITTED', 'constructor', '__proto__'])(
    'refuses the unknown type %s',
    (type) => {
      expectFailure(json({ ...review, type }), 'unknown-type', 'type');
    },
  );

  it.each([
    ['a rating of 6', review, { rating: 6 }, 'data.rating'],
    ['a fractional rating', review, { rating: 4.5 }, 'data.rating'],
    ['an unknown platform', review, { platform: 'myspace' }, 'data.platform'],
    ['an empty title', review, { title: '   ' }, 'data.title'],
    ['a missing reviewerName', review, { reviewerName: undefined }, 'data.reviewerName'],
    ['submittedAt without offset', review, { submittedAt: '2025-06-14 17:02' }, 'data.submittedAt'],
    ['a zero amount', expense, { amount: '0.00' }, 'data.amount'],
    ['a negative amount', expense, { amount: -5 }, 'data.amount'],
    ['an amount with 7 decimals', expense, { amount: '1.0000001' }, 'data.amount'],
    ['an amount that is a float with 7 decimals', expense, { amount: 0.1234567 }, 'data.amount'],
    ['a lower-case currency', expense, { currency: 'gbp' }, 'data.currency'],
    ['a made-up currency', expense, { currency: 'XYZ' }, 'data.currency'],
    ['an unknown category', expense, { category: 'drinks' }, 'data.category'],
    ['an impossible date', expense, { date: '2025-02-30' }, 'data.date'],
    ['a missing expenseId', expense, { expenseId: undefined }, 'data.expenseId'],
  ])('refuses data with %s', (_label, event, patch, path) => {
    expectFailure(withData(event, patch), 'invalid-data', path);
  });

  it('refuses a shift that ends before it starts, pointing at the shift', () => {
    const shifts = [{ start: '2025-07-12T12:00:00+01:00', end: '2025-07-12T08:00:00+01:00', tasks: [] }];
    const result = expectFailure(withData(schedule, { shifts }), 'invalid-data', 'data.shifts.0.end');
    expect(result.fieldErrors).toEqual([
      { path: 'data.shifts.0.end', message: 'end must be later than start' },
    ]);
  });

  it('compares shift times as instants, not strings', () => {
    // 09:00+01:00 is 08:00Z: later than 07:30Z even though the string sorts earlier.
    const shifts = [{ start: '2025-07-12T07:30:00Z', end: '2025-07-12T09:00:00+01:00', tasks: ['Set up'] }];
    expect(parseEnvelope(withData(schedule, { shifts })).ok).toBe(true);
  });

  it('refuses missing data as a data problem', () => {
    const { data: _omit, ...rest } = review;
    expectFailure(json(rest), 'invalid-data', 'data');
  });

  it('reports every failing field at once', () => {
    const result = expectFailure(withData(review, { rating: 0, title: '', platform: 'x' }), 'invalid-data');
    expect(result.fieldErrors.map((e) => e.path).sort()).toEqual([
      'data.platform',
      'data.rating',
      'data.title',
    ]);
  });

  it('accepts amounts as JSON numbers, allocations of zero, and no category', () => {
    const { category: _omit, ...noCategory } = expense.data;
    const result = parseEnvelope(json({ ...expense, data: { ...noCategory, amount: 99.95 } }));
    expect(result).toMatchObject({ ok: true, event: { data: { amount: 99.95 } } });
    if (result.ok) expect('category' in result.event.data).toBe(false);
    const category = INBOUND_EXAMPLES['budget.category.updated'];
    expect(parseEnvelope(withData(category, { allocation: '0' })).ok).toBe(true);
    expect(parseEnvelope(withData(category, { allocation: 0 })).ok).toBe(true);
  });

  it('drops unknown data fields and keeps valid extensions', () => {
    const raw = json({
      ...review,
      traceparent: '00-4bf92f3577b34da6-00f067aa0ba902b7-01',
      data: { ...review.data, mood: 'happy' },
    });
    const result = parseEnvelope(raw);
    if (!result.ok) throw new Error(result.reason);
    expect(result.event.data).toEqual(review.data);
    expect((result.event as unknown as Record<string, unknown>).traceparent).toBe(
      '00-4bf92f3577b34da6-00f067aa0ba902b7-01',
    );
  });

  it('accepts an envelope without the optional attributes', () => {
    const { subject: _s, datacontenttype: _d, ...minimal } = review;
    expect(parseEnvelope(json(minimal)).ok).toBe(true);
    expect(parseEnvelope(json({ ...minimal, datacontenttype: 'application/json; charset=utf-8' })).ok).toBe(
      true,
    );
  });
});
