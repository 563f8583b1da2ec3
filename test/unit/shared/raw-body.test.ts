import type { APIGatewayProxyEvent } from 'aws-lambda';
import { checkRawBody } from '../../../src/shared/http';
import { ProblemError } from '../../../src/shared/problem';

const event = (body: string | null, headers: Record<string, string>, isBase64Encoded = false) =>
  ({ body, headers, isBase64Encoded }) as unknown as APIGatewayProxyEvent;

const kindOf = (run: () => void): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as ProblemError).problem.type;
  }
};

it('accepts a listed media type, whatever its parameters, and leaves the body alone', () => {
  const e = event('{"a":1}', { 'Content-Type': 'Application/JSON; charset=utf-8' });
  expect(kindOf(() => checkRawBody(e, ['application/json'], 100))).toBeUndefined();
  expect(e.body).toBe('{"a":1}');
});

it('refuses another media type or none with 415', () => {
  for (const headers of [{ 'content-type': 'text/plain' }, {}] as Record<string, string>[]) {
    expect(kindOf(() => checkRawBody(event('{}', headers), ['application/json'], 100))).toBe(
      'urn:wedsync:problem:unsupported-media-type',
    );
  }
});

it('refuses a body over the limit with 413, counting bytes (UTF-8 or base64-decoded)', () => {
  const json = { 'content-type': 'application/json' };
  expect(kindOf(() => checkRawBody(event('é'.repeat(3), json), ['application/json'], 6))).toBeUndefined();
  expect(kindOf(() => checkRawBody(event('é'.repeat(4), json), ['application/json'], 6))).toBe(
    'urn:wedsync:problem:payload-too-large',
  );
  const sevenBytes = Buffer.alloc(7).toString('base64');
  expect(kindOf(() => checkRawBody(event(sevenBytes, json, true), ['application/json'], 6))).toBe(
    'urn:wedsync:problem:payload-too-large',
  );
});
