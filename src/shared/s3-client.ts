/**
 * S3, created once per process, in a module of its own so that only the bundles that read or
 * write objects load @aws-sdk/client-s3 (src/shared/aws-clients.ts). Bounded waits. Path-style
 * addressing against an emulator (s3rver serves buckets under paths, not host names). Checksums
 * only where S3 requires them: otherwise the SDK signs a CRC32 of the empty body into pre-signed
 * PUT URLs, and S3 refuses the real upload.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { sdkClientConfig, withoutSdkLogging } from './aws-clients';

let client: S3Client | undefined;

export function s3(): S3Client {
  client ??= withoutSdkLogging(
    new S3Client({
      ...sdkClientConfig(),
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
  return client;
}
