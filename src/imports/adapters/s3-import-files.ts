/** Import files in the Imports bucket: pre-signed uploads, small bodies, size checks, ranged reads. */
import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import type { ImportFiles, ImportSource } from '../ports';

export class S3ImportFiles implements ImportFiles {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async uploadUrl(key: string, contentType: string, expiresInSeconds: number): Promise<string> {
    // The content type is signed: the upload must send the same header.
    return getSignedUrl(
      this.client,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
      { expiresIn: expiresInSeconds, signableHeaders: new Set(['content-type']) },
    );
  }

  async put(key: string, content: string, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: content, ContentType: contentType }),
    );
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return undefined;
      // HeadObject errors carry no body: a 404 may come as a bare service exception.
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return undefined;
      throw error;
    }
  }

  async read(key: string, fromByte: number): Promise<ImportSource> {
    const { Body } = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(fromByte > 0 ? { Range: `bytes=${fromByte}-` } : {}),
      }),
    );
    if (!Body) throw new Error(`import file ${key} has no body`);
    // In Node.js the body is a Readable (an IncomingMessage).
    return Body as Readable;
  }
}
