import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ProblemError } from '../../../src/shared/problem';
import { firstRepeatedKey, readJsonObject } from '../../../src/shared/http';

const event = (body: string | null, contentType?: string, isBase64Encoded = false) =>
  ({
    body,
    isBase64Encoded,
    headers: contentType ? { 'Content-Type': contentType } : {},
  }) as unknown as APIGatewayProxyEvent;

function statusOf(fn: () => unknown): number | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof ProblemError) return error.problem.status;
    throw error;
  }
}

describe('readJsonObject', () => {
  it('reads a JSON object, also base64-encoded and with a charset or +json type', () => {
    expect(readJsonObject(event('{"a":1}', 'application/json; charset=utf-8'))).toEqual({ a: 1 });
    expect(
      readJsonObject(event(Buffer.from('{"a":2}').toString('base64'), 'application/json', true)),
    ).toEqual({ a: 2 });
    expect(readJsonObject(event('{"a":3}', 'application/merge-patch+json'))).toEqual({ a: 3 });
  });

  it.each([
    ['no content type', event('{}'), 415],
    ['text/plain', event('{}', 'text/plain'), 415],
    ['empty', event('', 'application/json'), 400],
    ['null body', event(null, 'application/json'), 400],
    ['whitespace', event('  \n', 'application/json'), 400],
    ['malformed', event('{"a":', 'application/json'), 400],
    ['array', event('[]', 'application/json'), 400],
    ['number', event('42', 'application/json'), 400],
    ['null', event('null', 'application/json'), 400],
    ['__proto__', event('{"__proto__":{"x":1}}', 'application/json'), 400],
    ['nested constructor', event('{"a":{"b":[{"constructor":1}]}}', 'application/json'), 400],
    ['prototype', event('{"prototype":1}', 'application/json'), 400],
    ['over 64 KiB', event(JSON.stringify({ a: 'x'.repeat(65 * 1024) }), 'application/json'), 413],
    ['charset=latin1', event('{"a":1}', 'application/json; charset=latin1'), 415],
    ['charset="ISO-8859-1"', event('{"a":1}', 'application/json; charset="ISO-8859-1"'), 415],
    ['charset=utf-16', event('{"a":1}', 'application/json;charset=utf-16'), 415],
    ['a repeated key', event('{"rating":5,"rating":1}', 'application/json'), 400],
    [
      'a repeated key spelled with an escape',
      event('{"rating":5,"r\\u0061ting":1}', 'application/json'),
      400,
    ],
    ['a repeated nested key', event('{"a":[{"b":1},{"c":1,"c":2}]}', 'application/json'), 400],
    [
      'invalid UTF-8 bytes',
      event(
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]).toString('base64'),
        'application/json',
        true,
      ),
      400,
    ],
    [
      'an overlong UTF-8 encoding',
      event(
        Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d]).toString('base64'),
        'application/json',
        true,
      ),
      400,
    ],
  ])('rejects %s', (_name, input, status) => {
    expect(statusOf(() => readJsonObject(input))).toBe(status);
  });

  it('accepts charset=UTF-8 in any case, quoted or not, and the same key in different objects', () => {
    expect(readJsonObject(event('{"a":1}', 'application/json; Charset="UTF-8"'))).toEqual({ a: 1 });
    expect(readJsonObject(event('{"a":{"a":1},"b":[{"a":2},{"a":3}]}', 'application/json'))).toEqual({
      a: { a: 1 },
      b: [{ a: 2 }, { a: 3 }],
    });
  });

  it('names the repeated key and where it is', () => {
    try {
      readJsonObject(event('{"texts":[{"x":1,"x":2}]}', 'application/json'));
      throw new Error('accepted');
    } catch (error) {
      expect((error as ProblemError).problem.errors).toEqual([
        { path: 'texts.0.x', message: 'repeated key' },
      ]);
    }
  });

  it('counts the limit in bytes, not characters', () => {
    const multibyte = JSON.stringify({ a: 'é'.repeat(33 * 1024) }); // ~66 KiB of UTF-8
    expect(statusOf(() => readJsonObject(event(multibyte, 'application/json')))).toBe(413);
  });
});

describe('firstRepeatedKey', () => {
  it.each([
    ['{"a":1,"b":2}', undefined],
    ['{"a":"{\\"a\\":1,","b":"\\"a\\":"}', undefined],
    ['{"a" : 1 , "a" : 2}', { key: 'a', path: 'a' }],
    ['{"x":{"y":{"z":1,"z":1}}}', { key: 'z', path: 'x.y.z' }],
    ['[{"k":1},{"k":1}]', undefined],
    ['{"\\u00e9":1,"é":2}', { key: 'é', path: 'é' }],
  ])('%s', (json, expected) => {
    expect(() => JSON.parse(json) as unknown).not.toThrow();
    expect(firstRepeatedKey(json)).toEqual(expected);
  });
});
