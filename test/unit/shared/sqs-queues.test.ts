import fc from 'fast-check';
import { sqsSafeJson } from '../../../src/shared/sqs-queues';

/** What SQS accepts in a message body (its documented character set). */
const SQS_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
/** What fauxqs, the local emulator, accepts: the same without the astral planes. */
const FAUXQS_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]*$/;

describe('sqsSafeJson', () => {
  it('escapes emoji and U+FFFE/U+FFFF so both SQS and the emulator take the body', () => {
    const json = JSON.stringify({ body: 'Loved it 😍💐 👰🏽‍♀️ \uffff\ufffe café' });
    expect(FAUXQS_BODY.test(json)).toBe(false);
    const safe = sqsSafeJson(json);
    expect(safe).toContain('\\ud83d\\ude0d');
    expect(FAUXQS_BODY.test(safe)).toBe(true);
    expect(JSON.parse(safe)).toEqual(JSON.parse(json));
  });

  it('gives back the very same value for any JSON value, as a body SQS accepts', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        const json = JSON.stringify({ value, text });
        const safe = sqsSafeJson(json);
        expect(SQS_BODY.test(safe) && FAUXQS_BODY.test(safe)).toBe(true);
        expect(JSON.parse(safe)).toEqual(JSON.parse(json));
      }),
      { numRuns: 150 },
    );
  });
});
