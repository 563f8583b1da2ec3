/**
 * SigV4 for the local management API (local/realtime-server.ts verifies with it) and for tests that
 * sign with other credentials: the same signer the SDK signs with (`@smithy/signature-v4`, what
 * `@aws-sdk/core` uses; a dev dependency: the functions sign with the one their SDK client
 * configures, so their bundles do not carry a second copy), service `execute-api`.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

type SignerInit = ConstructorParameters<typeof SignatureV4>[0];
/** The management API's signing name. */
export const MANAGEMENT_API_SERVICE = 'execute-api';

/** SHA-256 and HMAC-SHA-256 on node:crypto, in the shape the signer takes (as the SDK's own for Node). */
export class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    throw new Error('NodeSha256 is used once');
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** A signer of management API requests with these credentials, for this region. */
export function managementApiSigner(
  region: SignerInit['region'],
  credentials: SignerInit['credentials'],
): SignatureV4 {
  return new SignatureV4({
    service: MANAGEMENT_API_SERVICE,
    region,
    credentials,
    sha256: NodeSha256,
    // Not S3: the path is escaped again in the canonical request, as the SDK's client does.
    uriEscapePath: true,
  });
}
