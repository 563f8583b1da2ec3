/**
 * ModelStore on an S3 bucket (versioned in AWS, so every overwritten configuration is kept; the
 * S3 emulator locally). Keys: `<task>/<version>/model.json`, `<task>/<version>/card.json`,
 * `active/<task>.json`. Artifact versions are never rewritten: a new training run takes a new one.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { sha256Hex } from '../retraining/active-config';
import type { ModelStore } from '../ports';

const JSON_TYPE = 'application/json';

export class S3ModelStore implements ModelStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async putArtifact(task: string, version: string, files: { model: string; card: string }): Promise<string> {
    await this.put(`${task}/${version}/model.json`, files.model);
    await this.put(`${task}/${version}/card.json`, files.card);
    return sha256Hex(files.model);
  }

  async getArtifact(task: string, version: string): Promise<string> {
    const text = await this.get(`${task}/${version}/model.json`);
    if (text === null) throw new Error(`no ${task}@${version} in the model store`);
    return text;
  }

  async getCard(task: string, version: string): Promise<Record<string, unknown> | null> {
    const text = await this.get(`${task}/${version}/card.json`);
    return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
  }

  async listVersions(task: string): Promise<string[]> {
    const versions = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${task}/`, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const match = /^[^/]+\/(\d+\.\d+\.\d+)\/model\.json$/.exec(object.Key ?? '');
        if (match) versions.add(match[1]!);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return [...versions];
  }

  async readActive(task: string): Promise<unknown> {
    const text = await this.get(`active/${task}.json`);
    return text === null ? null : (JSON.parse(text) as unknown);
  }

  async writeActive(task: string, config: unknown): Promise<void> {
    await this.put(`active/${task}.json`, JSON.stringify(config, null, 2));
  }

  private async put(key: string, body: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: JSON_TYPE }),
    );
  }

  /** The object's text, null when there is no such key. */
  private async get(key: string): Promise<string | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return (await out.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }
}
