/**
 * One DynamoDB Local for the whole integration run (jest globalSetup / globalTeardown): starting
 * the JVM costs seconds of CPU, once per test file before. Each test stack creates its tables under
 * a prefix of its own in it and deletes them when it stops (local/stack.ts `dynamoDbEndpoint`); a
 * test that stops, restarts or freezes the store starts its own (`startTestStack({ ownStore })`).
 */
import { DynamoDbLocal } from '../../../local/dynamodb-local';

/** Where the test stacks find the shared instance (set for the test files by globalSetup). */
export const SHARED_DYNAMODB_ENV = 'WEDSYNC_TEST_SHARED_DYNAMODB';

const RUNNING = Symbol.for('wedsync.test.sharedDynamoDb');
type WithShared = typeof globalThis & { [RUNNING]?: DynamoDbLocal };

export async function startSharedStore(): Promise<void> {
  const instance = await DynamoDbLocal.start();
  (globalThis as WithShared)[RUNNING] = instance;
  process.env[SHARED_DYNAMODB_ENV] = instance.endpoint;
}

export async function stopSharedStore(): Promise<void> {
  await (globalThis as WithShared)[RUNNING]?.stop();
  delete process.env[SHARED_DYNAMODB_ENV];
}
