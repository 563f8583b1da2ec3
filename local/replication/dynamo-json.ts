/**
 * DynamoDB Local's JSON protocol, spoken directly: stream records and GetItem answers then carry
 * items in one and the same attribute-value form (`{ "S": "x" }`, binaries as base64 text), so
 * their hashes compare. DynamoDB Local does not check signatures.
 */

/** An item in the JSON protocol's attribute-value form. */
export type JsonItem = Record<string, unknown>;

export class DynamoJsonError extends Error {
  constructor(
    readonly target: string,
    readonly status: number,
    readonly type: string,
    body: string,
  ) {
    super(`${target}: ${status} ${body}`);
    this.name = 'DynamoJsonError';
  }
}

const AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

/** Calls `<service>.<target>` (`DynamoDB_20120810` or `DynamoDBStreams_20120810`) at `endpoint`. */
export async function callDynamo<T>(
  endpoint: string,
  service: 'DynamoDB_20120810' | 'DynamoDBStreams_20120810',
  target: string,
  body: unknown,
): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `${service}.${target}`,
      authorization: AUTHORIZATION,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) {
    let type = '';
    try {
      type = String((JSON.parse(text) as { __type?: string }).__type ?? '');
    } catch {
      // not JSON: the status says enough
    }
    throw new DynamoJsonError(target, response.status, type, text);
  }
  return JSON.parse(text) as T;
}

/** True when the error names this DynamoDB exception (`ConditionalCheckFailedException` ...). */
export const isDynamoError = (error: unknown, name: string): boolean =>
  error instanceof DynamoJsonError && error.type.endsWith(name);
