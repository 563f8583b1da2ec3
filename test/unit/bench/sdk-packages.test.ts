/**
 * A function's bundle loads only the AWS SDK packages it uses (ADR 0022, "SDK packages a function
 * does not load"): before, every bundle required nine or ten of them, because the wiring and the
 * shared clients module imported every client. Read from the bundles as the bench reads them.
 */
import { readFileSync } from 'node:fs';
import { functionBundle } from '../../../local/function-bundles';
import { functionDefinition, type FunctionId } from '../../../src/catalog/functions';
import { bundleFacts } from '../../../bench/bundles';

jest.setTimeout(60_000);

const packagesOf = async (id: FunctionId): Promise<string[]> =>
  bundleFacts(readFileSync(await functionBundle(functionDefinition(id)), 'utf8')).sdkPackages;

const BASE = ['@aws-sdk/client-dynamodb', '@aws-sdk/client-sqs', '@aws-sdk/lib-dynamodb'];

it.each<[FunctionId, string[]]>([
  // Reads API keys from DynamoDB, nothing else.
  ['Authorizer', BASE],
  // Sends deliveries to a queue, records them in DynamoDB.
  ['EventFanout', BASE],
  // Mail: SES, and the secrets of its signed links.
  ['ReviewRequestMailer', [...BASE, '@aws-sdk/client-secrets-manager', '@aws-sdk/client-sesv2']],
  // The alarm topics.
  ['PagingCheck', [...BASE, '@aws-sdk/client-sns']],
])('%s loads only the SDK packages it uses', async (id, expected) => {
  expect(await packagesOf(id)).toEqual([...expected].sort());
});
