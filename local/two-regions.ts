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
import {
  LOCAL_CREDENTIALS,
  LOCAL_TABLE_PREFIX,
  startLocalStack,
  type LocalStack,
  type LocalStackOptions,
} from './stack';
import { DynamoDbStreamReader } from './dynamodb-stream-reader';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { streamConsumersIn, streamFilterPattern } from '../src/catalog/functions';
import { SUMMARY_CORRECTION_ENTITY } from '../src/reviews/adapters/review-repository';
import type { FunctionThread } from './function-thread';

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
   * Resolves once replication is quiet and each region's replicated-stream consumers (the summary
   * correction, the replicated spending check) have read everything: what both regions hold now
   * is what they will hold.
   */
  settle(timeoutMs?: number): Promise<void>;
  /** Summary shard corrections applied so far (reviews written in both regions at once, ADR 0020). */
  corrections(): Promise<number>;
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
        { name: a.name, endpoint: a.store.endpoint, tablePrefix: LOCAL_TABLE_PREFIX },
        { name: b.name, endpoint: b.store.endpoint, tablePrefix: LOCAL_TABLE_PREFIX },
      ],
      tables: TABLES,
      log,
      onConflict,
    });
    await replicator.start();
    cleanups.push(() => replicator.stop());
    // What last writer wins changes is consumed in each region as in AWS (ADR 0020): the
    // catalogued SummaryCorrection and ReplicatedSpending handlers, each in its region's stack,
    // fed their table's stream with the event source's filter. The readers belong to the pair,
    // not to a stack: they read from the start of the stream and keep their place while a region
    // is down, as a stream keeps its records for a day, and a batch waits for its region to return.
    let stopped = false;
    const consumers: DynamoDbStreamReader[] = [];
    for (const region of regions) {
      for (const definition of streamConsumersIn(region.name === LOCAL_REGIONS[0], true)) {
        if (definition.streamRegions !== 'replicated') continue;
        const threads = new WeakMap<LocalStack, Promise<FunctionThread>>();
        const consumerIn = async (): Promise<FunctionThread> => {
          let stack = region.stack;
          while (!stack) {
            if (stopped) throw new Error(`${region.name} stopped`);
            await new Promise((resolve) => setTimeout(resolve, 200));
            stack = region.stack;
          }
          const known = threads.get(stack);
          if (known) return known;
          const thread = stack.startFunction(definition.id);
          threads.set(stack, thread);
          return thread;
        };
        const reader = new DynamoDbStreamReader({
          endpoint: region.store.endpoint,
          tableName: `${LOCAL_TABLE_PREFIX}-${definition.tableStream}`,
          delivery: {
            kind: 'batch',
            filter: streamFilterPattern(definition),
            handler: async (event: { Records: DynamoDBRecord[] }) =>
              (await consumerIn()).invoke('handleStream', event, definition.timeoutSeconds * 1000),
          },
          onError: (error) => log(`${region.name} ${definition.id}: ${(error as Error).message}`),
        });
        await reader.start();
        consumers.push(reader);
        cleanups.push(async () => {
          stopped = true;
          await reader.stop();
        });
      }
    }
    return {
      regions: [a, b],
      replicator,
      region(name) {
        const found = regions.find((r) => r.name === name);
        if (!found) throw new Error(`no local region ${name}`);
        return found;
      },
      async corrections() {
        // Each applied correction leaves a marker item (replicated: region A holds both regions').
        const client = DynamoDBDocumentClient.from(
          new DynamoDBClient({ region: a.name, endpoint: a.store.endpoint, credentials: LOCAL_CREDENTIALS }),
        );
        try {
          let count = 0;
          let startKey: Record<string, unknown> | undefined;
          do {
            const page = await client.send(
              new ScanCommand({
                TableName: `${LOCAL_TABLE_PREFIX}-Reviews`,
                FilterExpression: 'entity = :marker',
                ExpressionAttributeValues: { ':marker': SUMMARY_CORRECTION_ENTITY },
                Select: 'COUNT',
                ExclusiveStartKey: startKey,
              }),
            );
            count += page.Count ?? 0;
            startKey = page.LastEvaluatedKey;
          } while (startKey);
          return count;
        } finally {
          client.destroy();
        }
      },
      async settle(timeoutMs = 60_000) {
        const deadline = Date.now() + timeoutMs;
        // A correction is a write, which is replicated: twice over, until neither moves.
        for (let pass = 0; pass < 2; pass += 1) {
          await replicator.waitUntilInSync(Math.max(1000, deadline - Date.now()));
          const start = consumers.map((r) => r.completedRounds);
          await waitFor(
            async () => consumers.every((r, i) => r.idleRounds >= 2 && r.completedRounds >= start[i]! + 2),
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
