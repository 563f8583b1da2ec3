/**
 * HTTP plumbing shared by the API handler (and therefore by the local gateway, which calls the
 * same handler): body reading with the contract's limits, and problem+json responses.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ProblemError, type ProblemDetails } from './problem';

const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { ...BASE_HEADERS, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function problemResponse(
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: problem.status,
    headers: { ...BASE_HEADERS, 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(problem),
  };
}

export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** The largest JSON body the API accepts (the contract's limit; API Gateway's own is 10 MB). */
export const BODY_LIMIT_BYTES = 64 * 1024;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The media type and charset of a Content-Type header (both lower-cased; charset unquoted). */
function parseContentType(value: string | undefined): { mediaType?: string; charset?: string } {
  if (value === undefined) return {};
  const [type, ...parameters] = value.split(';');
  let charset: string | undefined;
  for (const parameter of parameters) {
    const [name, ...rest] = parameter.split('=');
    if (name?.trim().toLowerCase() === 'charset') {
      charset = rest
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  return { mediaType: type?.trim().toLowerCase(), charset };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a JSON object body: 415 wrong type or a charset other than UTF-8, 413 too big,
 * 400 empty, not UTF-8, malformed, a repeated key, a forbidden key, or not an object.
 */
export function readJsonObject(event: APIGatewayProxyEvent): Record<string, unknown> {
  const { mediaType, charset } = parseContentType(header(event, 'content-type'));
  if (mediaType !== 'application/json' && !mediaType?.match(/^application\/[\w.+-]*\+json$/)) {
    throw new ProblemError('unsupported-media-type', 'send the body as application/json');
  }
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ProblemError('unsupported-media-type', 'JSON bodies are UTF-8: send charset=utf-8 or none');
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > BODY_LIMIT_BYTES) {
    throw new ProblemError('payload-too-large', `the body is limited to ${BODY_LIMIT_BYTES} bytes`);
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new ProblemError('bad-request', 'the body is not valid UTF-8');
  }
  if (text.trim() === '') throw new ProblemError('bad-request', 'the request body is empty');
  let forbidden: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, (key, v: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden = key;
      return v;
    });
  } catch (error) {
    throw new ProblemError(
      'invalid-json',
      `the body is not valid JSON: ${(error as Error).message}`.slice(0, 300),
    );
  }
  if (forbidden !== undefined) {
    throw new ProblemError('bad-request', `the key "${forbidden}" is not allowed`, [
      { path: forbidden, message: 'forbidden key' },
    ]);
  }
  const repeated = firstRepeatedKey(text);
  if (repeated !== undefined) {
    throw new ProblemError('invalid-json', `the key "${repeated.key}" appears more than once`, [
      { path: repeated.path || '(body)', message: 'repeated key' },
    ]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProblemError('bad-request', 'the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * Checks a body a route takes unparsed (routes.ts `rawBody`): 415 unless its media type is one of
 * `mediaTypes` (parameters such as charset are the reader's business), 413 past `maxBytes`. The
 * body itself is left exactly as received.
 */
export function checkRawBody(
  event: APIGatewayProxyEvent,
  mediaTypes: readonly string[],
  maxBytes: number,
): void {
  const { mediaType } = parseContentType(header(event, 'content-type'));
  if (mediaType === undefined || !mediaTypes.includes(mediaType)) {
    throw new ProblemError('unsupported-media-type', `send the body as ${mediaTypes.join(' or ')}`);
  }
  const raw = event.body ?? '';
  const size = event.isBase64Encoded ? Buffer.from(raw, 'base64').length : Buffer.byteLength(raw, 'utf8');
  if (size > maxBytes) {
    throw new ProblemError('payload-too-large', `the body is limited to ${maxBytes} bytes`);
  }
}

/**
 * The first object key that appears twice in the same object of a JSON text (`{"a":1,"a":2}`,
 * also when spelled differently with escapes), with its dotted path; JSON.parse would silently
 * keep the last one. Only for text that JSON.parse accepted: a string token followed by `:` is a
 * key, and `{`/`[` open a container that `}`/`]` close.
 */
export function firstRepeatedKey(json: string): { key: string; path: string } | undefined {
  interface Frame {
    readonly keys: Set<string> | undefined;
    readonly path: string;
    index: number;
    lastKey?: string;
  }
  const stack: Frame[] = [];
  const childPath = (frame: Frame | undefined): string => {
    if (!frame) return '';
    const part = frame.keys ? (frame.lastKey ?? '') : String(frame.index);
    return frame.path ? `${frame.path}.${part}` : part;
  };
  for (let i = 0; i < json.length; i += 1) {
    const char = json[i];
    if (char === '{' || char === '[') {
      stack.push({ keys: char === '{' ? new Set() : undefined, path: childPath(stack.at(-1)), index: 0 });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      const top = stack.at(-1);
      if (top && !top.keys) top.index += 1;
    } else if (char === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      let next = end + 1;
      while (next < json.length && ' \t\n\r'.includes(json[next] ?? 'x')) next += 1;
      const top = stack.at(-1);
      if (json[next] === ':' && top?.keys) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { key, path: top.path ? `${top.path}.${key}` : key };
        top.keys.add(key);
        top.lastKey = key;
      }
      i = end;
    }
  }
  return undefined;
}
