/**
 * One DynamoDB Local for the whole integration run (jest globalSetup / globalTeardown): starting
 * the JVM costs seconds of CPU, once per test file before. Each test stack creates its tables under
 * a prefix of its own in it and deletes them when it stops (local/stack.ts `dynamoDbEndpoint`); a
 * test that stops, restarts or freezes the store starts its own (`startTestStack({ ownStore })`).
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbLocal, QUICK_JIT_ENV } from '../../../local/dynamodb-local';
import { deleteTables } from '../../../local/resources';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Where the test stacks find the shared instance (set for the test files by globalSetup). */
export const SHARED_DYNAMODB_ENV = 'WEDSYNC_TEST_SHARED_DYNAMODB';

const RUNNING = Symbol.for('wedsync.test.sharedDynamoDb');
type WithShared = typeof globalThis & { [RUNNING]?: DynamoDbLocal };

export async function startSharedStore(): Promise<void> {
  // Test runs start DynamoDB Local on C1 (QUICK_JIT_ENV): set here, in jest's process before any
  // test file, it reaches the shared instance and every store a test file starts itself.
  process.env[QUICK_JIT_ENV] = '1';
  const instance = await DynamoDbLocal.start();
  (globalThis as WithShared)[RUNNING] = instance;
  process.env[SHARED_DYNAMODB_ENV] = instance.endpoint;
}

export async function stopSharedStore(): Promise<void> {
  await (globalThis as WithShared)[RUNNING]?.stop();
  delete process.env[SHARED_DYNAMODB_ENV];
}

export interface TestStore {
  readonly endpoint: string;
  /** Prefix for `createTables`: unique in the shared instance. */
  readonly tablePrefix: string;
  /** Deletes this file's tables from the shared instance, or stops its own instance. */
  release(): Promise<void>;
}

/** A DynamoDB Local for a test file that creates its own tables: the shared one when the run has it. */
export async function acquireStore(name: string): Promise<TestStore> {
  const shared = process.env[SHARED_DYNAMODB_ENV];
  if (!shared) {
    const own = await DynamoDbLocal.start();
    return { endpoint: own.endpoint, tablePrefix: name, release: () => own.stop() };
  }
  const tablePrefix = `${name}-${randomBytes(4).toString('hex')}`;
  return {
    endpoint: shared,
    tablePrefix,
    async release() {
      const client = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: shared,
        credentials: LOCAL_CREDENTIALS,
      });
      await deleteTables(client, tablePrefix).finally(() => client.destroy());
    },
  };
}
