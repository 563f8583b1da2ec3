/**
 * `npm run cli -- secrets stage <SecretId>` (issue 9): the value from stdin becomes an AWSPENDING
 * version and its rotation starts with the same token; nothing echoes the value. Secrets Manager is
 * an aws-sdk-client-mock over the in-memory model (no emulator here).
 */
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { runCli, UsageError } from '../../../scripts/cli';
import { secretDefinition } from '../../../src/catalog/secrets';
import { FakeSecretsManager } from '../../support/fake-secrets-manager';

const sm = new FakeSecretsManager();
const GOOGLE = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:GoogleClientSecret-AbCdEf';
const REVIEW = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:ReviewTokenKey-AbCdEf';

beforeEach(() => {
  sm.reset();
  sm.create(GOOGLE, 'old-google-secret');
  sm.create(REVIEW, 'L'.repeat(64));
  process.env[secretDefinition('GoogleClientSecret').envVar] = GOOGLE;
  process.env[secretDefinition('ReviewTokenKey').envVar] = REVIEW;
  process.env.AWS_REGION = 'us-east-1';
});

async function stage(id: string, value: string) {
  const lines: string[] = [];
  const code = await runCli(
    ['secrets', 'stage', id],
    (l) => lines.push(l),
    async () => value,
  );
  return { code, lines };
}

it('stages the stdin value as AWSPENDING and starts the rotation with its version id', async () => {
  const { code, lines } = await stage('GoogleClientSecret', 'new-google-secret\n');
  expect(code).toBe(0);
  const pending = sm.versionWith(GOOGLE, 'AWSPENDING')!;
  expect(sm.valueAt(GOOGLE, 'AWSPENDING')).toBe('new-google-secret');
  expect(sm.valueAt(GOOGLE, 'AWSCURRENT')).toBe('old-google-secret');
  expect(sm.calls(RotateSecretCommand).map((c) => c.args[0].input)).toEqual([
    { SecretId: GOOGLE, ClientRequestToken: pending },
  ]);
  expect(lines.join('\n')).toContain(pending);
  expect(lines.join('\n')).not.toContain('new-google-secret');
});

it('refuses a secret that rotates by itself, an empty value and one with surrounding spaces', async () => {
  await expect(stage('ReviewTokenKey', 'x'.repeat(64))).rejects.toThrow(UsageError);
  await expect(stage('GoogleClientSecret', '\n')).rejects.toThrow('no value on stdin');
  await expect(stage('GoogleClientSecret', ' padded ')).rejects.toThrow('white space');
  await expect(stage('NoSuchSecret', 'v')).rejects.toThrow('secrets stage needs a secret id');
  expect(sm.calls(RotateSecretCommand)).toHaveLength(0);
  expect(sm.versionWith(GOOGLE, 'AWSPENDING')).toBeUndefined();
});
