/**
 * Answers an AWS SDK v3 client's calls in process, with no I/O, for CPU measurements: a middleware
 * at the end of the client's stack returns a canned HTTP response in place of the network call, so
 * everything a call costs in Lambda besides the network (serialisation, endpoint rules, SigV4
 * signing, retries' bookkeeping, deserialisation, checksums) still runs.
 */
import { createHash } from 'node:crypto';

/** The request as the SDK's last middleware sees it (an @smithy/protocol-http HttpRequest). */
interface WireRequest {
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/**
 * A JSON answer for an operation, from its JSON request; a string is sent as it is (an answer
 * serialised once). The request is parsed only when the answer asks for it (`request()`): a canned
 * answer does not, so the stand-in's own work (about 10 us for a 25-key BatchGetItem request)
 * stays out of the measure.
 */
export type JsonAnswer = (
  operation: string,
  request: () => Record<string, unknown>,
) => Record<string, unknown> | string;

/**
 * Any SDK v3 client. Each client types its stack by its own inputs and outputs; this middleware
 * reads only the finished HTTP request, so it is handed over as `never` (no generic to satisfy).
 */
interface MiddlewareClient {
  middlewareStack: { add(middleware: never, options: never): void };
}

const UTF8 = new TextDecoder();
/** A request id as DynamoDB and SQS send one (52 characters); the SDK reads it into `$metadata`. */
const REQUEST_ID = 'BENCH'.padEnd(52, '0');
/** Canned answers kept encoded per client (a phase has a handful: one per operation and table). */
const MAX_ENCODED_ANSWERS = 16;

type DeserializeMiddleware = (next: unknown) => (args: { request: unknown }) => Promise<unknown>;

/**
 * Every call of `client` (an AWS JSON protocol client: DynamoDB, SQS) is answered by `answer`,
 * keyed by the operation in `X-Amz-Target` (`DynamoDB_20120810.Query` -> `Query`).
 */
export function answerLocally(client: MiddlewareClient, answer: JsonAnswer): void {
  // A canned answer (a string) is encoded once: the stand-in's own work is not the client's.
  const encoded = new Map<string, Uint8Array>();
  // The service's Date header, which the SDK parses after every call to sample the clock skew (its
  // value is fixed here; the SDK's work is the same).
  const date = new Date().toUTCString();
  const middleware: DeserializeMiddleware = () => async (args) => {
    const request = args.request as WireRequest;
    const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
    const operation = target.slice(target.indexOf('.') + 1);
    const parsed = () => {
      const text =
        typeof request.body === 'string'
          ? request.body
          : request.body instanceof Uint8Array
            ? UTF8.decode(request.body)
            : '{}';
      return JSON.parse(text) as Record<string, unknown>;
    };
    const answered = answer(operation, parsed);
    let body: Uint8Array | undefined = typeof answered === 'string' ? encoded.get(answered) : undefined;
    if (body === undefined) {
      body = new Uint8Array(Buffer.from(typeof answered === 'string' ? answered : JSON.stringify(answered)));
      if (typeof answered === 'string' && encoded.size < MAX_ENCODED_ANSWERS) encoded.set(answered, body);
    }
    return {
      response: {
        statusCode: 200,
        reason: 'OK',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': String(body.length),
          'x-amzn-requestid': REQUEST_ID,
          date,
        },
        // A view of the bytes per call (the client reads the body, never writes it).
        body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
      },
    };
  };
  // Inside the deserializer (lowest priority of the last step): the canned response is parsed.
  client.middlewareStack.add(
    middleware as never,
    { step: 'deserialize', priority: 'low', name: 'answerLocally' } as never,
  );
}

/** SQS's SendMessage answer, with the body digest the SDK checks. */
export function sqsSendAnswer(request: Record<string, unknown>): Record<string, unknown> {
  const body = typeof request.MessageBody === 'string' ? request.MessageBody : '';
  return {
    MessageId: createHash('sha1').update(body).digest('hex'),
    MD5OfMessageBody: createHash('md5').update(body).digest('hex'),
  };
}

/** A plain value as a DynamoDB AttributeValue (the wire form of items). */
export function attributeValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null || value === undefined) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map(attributeValue) };
  return {
    M: Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, attributeValue(v)]),
    ),
  };
}

/** A BatchGetItem answer holding these items for `table` (serialised once by the caller). */
export function batchGetAnswerOf(table: string, items: readonly Record<string, unknown>[]): string {
  return JSON.stringify({
    Responses: { [table]: items.map((item) => attributeValue(item).M) },
    UnprocessedKeys: {},
  });
}

/**
 * A BatchGetItem answer holding these items for the request's one table (kept per table name in
 * `cache`: the answer is built once, as a canned response should be).
 */
export function batchGetAnswer(
  cache: Map<string, string>,
  request: Record<string, unknown>,
  items: readonly Record<string, unknown>[],
): string {
  const table = Object.keys(request.RequestItems as Record<string, unknown>)[0]!;
  let answer = cache.get(table);
  if (answer === undefined) {
    answer = batchGetAnswerOf(table, items);
    cache.set(table, answer);
  }
  return answer;
}
