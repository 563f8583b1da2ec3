/**
 * The operator CLI's names for a deployed stage (`npm run cli -- --stage prod --region eu-west-1`):
 * read from the committed cdk.json without the deploy-only checks, every catalog variable derived
 * as the stacks derive it, and variables already set left alone.
 */
import { parseConfig, readStageNaming } from '../../../lib/settings';
import { dlqEnvVar, QUEUES } from '../../../src/catalog/queues';
import { APPLICATION_KEYS } from '../../../src/catalog/keys';
import { SECRETS } from '../../../src/catalog/secrets';
import { TABLES } from '../../../src/catalog/tables';
import { fillEnvironment, stageEnvironment } from '../../../scripts/stage-environment';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const cdkContext = (
  JSON.parse(readFileSync(path.resolve(__dirname, '../../../cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

describe('readStageNaming', () => {
  it('reads a paging stage whose PagerDuty URL is given only at deploy time', () => {
    // The synth refuses prod without its integration; naming its resources needs none.
    expect(() => parseConfig(cdkContext.wedsync, { stage: 'prod' })).toThrow(/PagerDuty/);
    const prod = readStageNaming('prod');
    expect(prod).toMatchObject({ appName: 'WedSync', stage: 'prod', primaryRegion: 'us-east-1' });
    expect(prod.account).toMatch(/^\d{12}$/);
  });

  it('names the stages there are when asked for an unknown one', () => {
    expect(() => readStageNaming('qa')).toThrow(/Unknown stage "qa".*dev/);
  });
});

describe('stageEnvironment', () => {
  const prod = readStageNaming('prod');

  it('derives every table, queue, DLQ, secret and key variable of the catalog for the region', () => {
    const env = stageEnvironment(prod, 'eu-west-1');
    const expected = [
      ...TABLES.map((d) => d.envVar),
      ...QUEUES.flatMap((d) => [d.envVar, dlqEnvVar(d)]),
      ...SECRETS.map((d) => d.envVar),
      ...APPLICATION_KEYS.map((d) => d.envVar),
      'AWS_REGION',
      'AUDIT_RETENTION_DAYS',
    ].sort();
    expect(Object.keys(env).sort()).toEqual(expected);
    expect(env).toMatchObject({
      AWS_REGION: 'eu-west-1',
      TABLE_REVIEWS: 'WedSync-prod-Reviews',
      QUEUE_URL_INGEST: `https://sqs.eu-west-1.amazonaws.com/${prod.account}/WedSync-prod-Ingest`,
      QUEUE_URL_INGEST_DLQ: `https://sqs.eu-west-1.amazonaws.com/${prod.account}/WedSync-prod-Ingest-dlq`,
      SECRET_ID_REVIEW_TOKEN_KEY: 'WedSync-prod/ReviewTokenKey',
      KMS_KEY_TOKEN_VAULT: `arn:aws:kms:eu-west-1:${prod.account}:alias/WedSync-prod-TokenVault`,
    });
  });

  it('refuses a region the stage does not run in', () => {
    expect(() => stageEnvironment(prod, 'eu-north-1')).toThrow(
      /does not run in eu-north-1: its regions are us-east-1, eu-west-1, ap-southeast-1/,
    );
  });
});

describe('fillEnvironment', () => {
  it('sets only what is missing, and says what it set', () => {
    const env: NodeJS.ProcessEnv = { TABLE_REVIEWS: 'restored-Reviews', QUEUE_URL_INGEST: '' };
    const set = fillEnvironment(env, {
      TABLE_REVIEWS: 'WedSync-prod-Reviews',
      QUEUE_URL_INGEST: 'https://sqs.example/Ingest',
      AWS_REGION: 'eu-west-1',
    });
    expect(set).toEqual(['QUEUE_URL_INGEST', 'AWS_REGION']);
    expect(env).toEqual({
      TABLE_REVIEWS: 'restored-Reviews',
      QUEUE_URL_INGEST: 'https://sqs.example/Ingest',
      AWS_REGION: 'eu-west-1',
    });
  });
});
