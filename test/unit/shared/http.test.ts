import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ProblemError } from '../../../src/shared/problem';
import { readJsonObject } from '../../../src/shared/http';

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
  ])('rejects %s', (_name, input, status) => {
    expect(statusOf(() => readJsonObject(input))).toBe(status);
  });

  it('counts the limit in bytes, not characters', () => {
    const multibyte = JSON.stringify({ a: 'é'.repeat(33 * 1024) }); // ~66 KiB of UTF-8
    expect(statusOf(() => readJsonObject(event(multibyte, 'application/json')))).toBe(413);
  });
});
