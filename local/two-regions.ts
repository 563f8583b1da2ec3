/**
 * Two regions on one machine (issue 11): each region is the whole local stack (gateway, API and
 * authorizer, queues and workers) with a DynamoDB Local and an SQS emulator of its own, and the
 * replicator (local/replication/replicator.ts) keeps the two DynamoDB Locals in step as global
 * tables keep their replicas. A region can be stopped (its gateway, functions, workers and DynamoDB
 * Local: what dies with a region) and started again: its data is kept in files and its queues live
 * in its SQS emulator, as SQS keeps an accepted message, so it comes back and drains them. Used by
 * `npm start -- --regions=2`, the failover drill (`npm run drill:failover`) and its test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRETS } from '../src/catalog/secrets';
import { TABLES } from '../src/catalog/tables';
import { DynamoDbLocal } from './dynamodb-local';
import { freePort, waitFor } from './processes';
import { Replicator, type ConflictReport } from './replication/replicator';
import { startSqsEmulator, type SqsEmulator } from './sqs-emulator';
import { startLocalStack, type LocalStack, type LocalStackOptions } from './stack';
import { DynamoDbStreamReader } from './dynamodb-stream-reader';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoReviewRepository } from '../src/reviews/adapters/review-repository';
import { reviewItemChanges, type ReviewStreamRecord } from '../src/reviews/adapters/review-stream-records';
import { reconcileReplicatedReviews } from '../src/reviews';

/** The regions' names: AWS's first two (bin/app.ts deploys to these and a third). */
export const LOCAL_REGIONS = ['us-east-1', 'eu-west-1'] as const;

export interface LocalRegion {
  readonly name: string;
  readonly store: DynamoDbLocal;
  readonly sqs: SqsEmulator;
  /** The gateway's port: the same after a restart (clients keep their URL). */
  readonly port: number;
  readonly apiUrl: string;
  /** The running stack, or undefined while the region is down. */
  readonly stack: LocalStack | undefined;
  /** Stops the region's processes and its DynamoDB Local (the data and the queues stay). */
  stop(): Promise<void>;
  /** Starts them again; the workers drain what the queues held. */
  start(): Promise<LocalStack>;
}

export interface TwoRegions {
  readonly regions: readonly [LocalRegion, LocalRegion];
  readonly replicator: Replicator;
  region(name: string): LocalRegion;
  /**
   * Resolves once replication is quiet and each region's Reviews stream consumer (the summary
   * correction) has read everything: what both regions hold now is what they will hold.
   */
  settle(timeoutMs?: number): Promise<void>;
  /** Summary shard corrections applied so far (reviews created in both regions, ADR 0020). */
  readonly corrections: number;
  stop(): Promise<void>;
}

export type TwoRegionOptions = Omit<
  LocalStackOptions,
  'port' | 'region' | 'dbPath' | 'dynamoDbEndpoint' | 'replicaStore' | 'sqsEmulator' | 'secretValues'
> & {
  /** Gateway ports of the two regions (free ones by default). */
  readonly ports?: readonly [number, number];
  readonly onConflict?: (conflict: ConflictReport) => void;
};

export async function startTwoRegions(options: TwoRegionOptions = {}): Promise<TwoRegions> {
  const { ports, onConflict, ...stackOptions } = options;
  const log = options.log ?? (() => undefined);
  // Files of both DynamoDB Locals: a region that stops comes back with its data.
  const dataDir = mkdtempSync(join(tmpdir(), 'wedsync-two-regions-'));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  // Secrets Manager replicates each secret to every region: one set of values for both.
  const secretValues = Object.fromEntries(
    SECRETS.map((secret) => [`local-${secret.id}`, [randomBytes(32).toString('base64url')]]),
  );
  try {
    const regions = await Promise.all(
      LOCAL_REGIONS.map(async (name, i): Promise<LocalRegion> => {
        const [store, sqs] = await Promise.all([
          DynamoDbLocal.start({ dbPath: join(dataDir, name) }),
          startSqsEmulator(),
        ]);
        cleanups.push(
          () => store.stop(),
          () => sqs.stop(),
        );
        const port = ports?.[i] ?? (await freePort());
        // The region's stack on its own store and queues; the first region is the primary, the
        // channel log's one writer (ADR 0017).
        const startStack = () =>
          startLocalStack({
            ...stackOptions,
            region: name,
            primaryRegion: LOCAL_REGIONS[0],
            port,
            replicaStore: store,
            sqsEmulator: sqs,
            secretValues,
            log: (line) => log(`${name}: ${line}`),
          });
        let stack: LocalStack | undefined;
        const region: LocalRegion = {
          name,
          store,
          sqs,
          port,
          apiUrl: `http://127.0.0.1:${port}`,
          get stack() {
            return stack;
          },
          async stop() {
            await stack?.stop();
            stack = undefined;
            await store.stop();
          },
          async start() {
            if (stack) return stack;
            await store.restart();
            stack = await startStack();
            return stack;
          },
        };
        stack = await startStack();
        cleanups.push(async () => {
          await region.stack?.stop();
        });
        return region;
      }),
    );
    const [a, b] = regions as [LocalRegion, LocalRegion];
    // Every table is a global table (lib/stacks: TableV2 with a replica per region).
    const replicator = new Replicator({
      regions: [
        { name: a.name, endpoint: a.store.endpoint, tablePrefix: 'wedsync-local' },
        { name: b.name, endpoint: b.store.endpoint, tablePrefix: 'wedsync-local' },
      ],
      tables: TABLES,
      log,
      onConflict,
    });
    await replicator.start();
    cleanups.push(() => replicator.stop());
    // Each region's Reviews stream corrects its summary shard after a review created in both
    // regions at once was replaced by the other region's copy (ADR 0020).
    const corrections: DynamoDbStreamReader[] = [];
    let corrected = 0;
    for (const region of regions) {
      const client = new DynamoDBClient({
        region: region.name,
        endpoint: region.store.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      });
      const repository = new DynamoReviewRepository(
        DynamoDBDocumentClient.from(client),
        'wedsync-local-Reviews',
        region.name,
        client,
      );
      const reader = new DynamoDbStreamReader({
        endpoint: region.store.endpoint,
        tableName: 'wedsync-local-Reviews',
        delivery: {
          kind: 'record',
          onRecord: async (record) => {
            corrected += await reconcileReplicatedReviews(
              region.name,
              reviewItemChanges([record as ReviewStreamRecord]),
              repository,
            );
          },
        },
      });
      await reader.start();
      corrections.push(reader);
      cleanups.push(async () => {
        await reader.stop();
        client.destroy();
      });
    }
    return {
      regions: [a, b],
      replicator,
      region(name) {
        const found = regions.find((r) => r.name === name);
        if (!found) throw new Error(`no local region ${name}`);
        return found;
      },
      get corrections() {
        return corrected;
      },
      async settle(timeoutMs = 60_000) {
        const deadline = Date.now() + timeoutMs;
        // A correction is a write, which is replicated: twice over, until neither moves.
        for (let pass = 0; pass < 2; pass += 1) {
          await replicator.waitUntilInSync(Math.max(1000, deadline - Date.now()));
          const start = corrections.map((r) => r.completedRounds);
          await waitFor(
            async () => corrections.every((r, i) => r.idleRounds >= 2 && r.completedRounds >= start[i]! + 2),
            'the summary corrections',
            Math.max(1000, deadline - Date.now()),
          );
        }
        await replicator.waitUntilInSync(Math.max(1000, deadline - Date.now()));
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
