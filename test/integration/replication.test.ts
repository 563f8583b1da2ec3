/**
 * The local global-tables replicator (issue 11) against DynamoDB Local: two "regions" as two sets
 * of the catalog's tables (streams of new and old images), kept in step through their streams.
 * Writes go both ways once, concurrent writes of one item end the same in both regions (the later
 * stays, the conflict is reported), deletes replicate, and a region whose DynamoDB Local stops and
 * comes back (data in files) gets what the other wrote meanwhile and ships what it had not shipped.
 * A record whose conditional put loses to a write made in the target meanwhile is decided again,
 * and counted (read, conflict) once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DynamoDbLocal } from '../../local/dynamodb-local';
import { createTables } from '../../local/resources';
import { Replicator, type ReplicaRegion } from '../../local/replication/replicator';
import { tableDefinition } from '../../src/catalog/tables';
import { acquireStore, type TestStore } from './support/shared-store';
import { eventually } from './support/stack';

jest.setTimeout(60_000);

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const TABLES = [tableDefinition('Reviews'), tableDefinition('WebhookBreakers')];

const docAt = (endpoint: string) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', endpoint, credentials: CREDENTIALS }),
  );

describe('two regions in one DynamoDB Local', () => {
  let storeA: TestStore;
  let storeB: TestStore;
  let a: ReplicaRegion;
  let b: ReplicaRegion;
  let docA: DynamoDBDocumentClient;
  let docB: DynamoDBDocumentClient;
  let replicator: Replicator;
  const conflicts: string[] = [];

  beforeAll(async () => {
    [storeA, storeB] = await Promise.all([acquireStore('repl-a'), acquireStore('repl-b')]);
    a = { name: 'us-east-1', endpoint: storeA.endpoint, tablePrefix: storeA.tablePrefix };
    b = { name: 'eu-west-1', endpoint: storeB.endpoint, tablePrefix: storeB.tablePrefix };
    docA = docAt(a.endpoint);
    docB = docAt(b.endpoint);
    await createTables(docA, a.tablePrefix, { replicated: true });
    await createTables(docB, b.tablePrefix, { replicated: true });
    replicator = new Replicator({
      regions: [a, b],
      tables: TABLES,
      onConflict: (c) =>
        conflicts.push(`${c.table} ${c.winner}>${c.loser} v${c.winnerVersion}/v${c.loserVersion}`),
    });
    await replicator.start();
  });

  afterAll(async () => {
    await replicator?.stop();
    docA?.destroy();
    docB?.destroy();
    await Promise.all([storeA?.release(), storeB?.release()]);
  });

  const reviews = (region: ReplicaRegion) => `${region.tablePrefix}-Reviews`;
  const get = async (doc: DynamoDBDocumentClient, region: ReplicaRegion, sk: string) =>
    (
      await doc.send(
        new GetCommand({ TableName: reviews(region), Key: { pk: 'S#1', sk }, ConsistentRead: true }),
      )
    ).Item;

  it('copies a write each way once, and never sends a replicated write back', async () => {
    await docA.send(
      new PutCommand({ TableName: reviews(a), Item: { pk: 'S#1', sk: 'R#a', title: 'from a' } }),
    );
    await docB.send(
      new PutCommand({ TableName: reviews(b), Item: { pk: 'S#1', sk: 'R#b', title: 'from b' } }),
    );
    await replicator.waitUntilInSync();
    expect(await get(docB, b, 'R#a')).toEqual({ pk: 'S#1', sk: 'R#a', title: 'from a' });
    expect(await get(docA, a, 'R#b')).toEqual({ pk: 'S#1', sk: 'R#b', title: 'from b' });
    // Two writes made, two applied, two echoes recognised: nothing went round again.
    expect(replicator.counts).toMatchObject({ local: 2, applied: 2, echoes: 2, conflicts: 0 });
  });

  it('replicates an update and a delete', async () => {
    await docA.send(
      new UpdateCommand({
        TableName: reviews(a),
        Key: { pk: 'S#1', sk: 'R#b' },
        UpdateExpression: 'SET title = :t',
        ExpressionAttributeValues: { ':t': 'edited in a' },
      }),
    );
    await docB.send(new DeleteCommand({ TableName: reviews(b), Key: { pk: 'S#1', sk: 'R#a' } }));
    await replicator.waitUntilInSync();
    expect((await get(docB, b, 'R#b'))?.title).toBe('edited in a');
    expect(await get(docA, a, 'R#a')).toBeUndefined();
  });

  it('keeps the later of two concurrent updates in both regions and reports the conflict with its versions', async () => {
    const breakers = (region: ReplicaRegion) => `${region.tablePrefix}-WebhookBreakers`;
    const key = { pk: 'ENDPOINT#e1' };
    await docA.send(
      new PutCommand({ TableName: breakers(a), Item: { ...key, state: 'closed', version: 1 } }),
    );
    await replicator.waitUntilInSync();
    const inB1 = await docB.send(new GetCommand({ TableName: breakers(b), Key: key, ConsistentRead: true }));
    expect(inB1.Item?.version).toBe(1);
    // The link is cut: both regions move the breaker from version 1 to 2, b second.
    replicator.pause('us-east-1', 'eu-west-1');
    replicator.pause('eu-west-1', 'us-east-1');
    const before = replicator.counts.local;
    await docA.send(new PutCommand({ TableName: breakers(a), Item: { ...key, state: 'open', version: 2 } }));
    await eventually(async () => replicator.counts.local >= before + 1, 'a’s write to be read');
    await docB.send(
      new PutCommand({ TableName: breakers(b), Item: { ...key, state: 'half-open', version: 2 } }),
    );
    await eventually(async () => replicator.counts.local >= before + 2, 'b’s write to be read');
    replicator.resume('us-east-1', 'eu-west-1');
    replicator.resume('eu-west-1', 'us-east-1');
    await replicator.waitUntilInSync();
    const inA = await docA.send(new GetCommand({ TableName: breakers(a), Key: key, ConsistentRead: true }));
    const inB = await docB.send(new GetCommand({ TableName: breakers(b), Key: key, ConsistentRead: true }));
    expect(inA.Item).toEqual({ ...key, state: 'half-open', version: 2 });
    expect(inB.Item).toEqual(inA.Item);
    // Detected from both sides (each region's write met the other's), one winner.
    expect(conflicts).toEqual([
      'WebhookBreakers eu-west-1>us-east-1 v2/v2',
      'WebhookBreakers eu-west-1>us-east-1 v2/v2',
    ]);
  });
});

it('catches a region up after its DynamoDB Local stops and comes back with its data', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wedsync-repl-'));
  const own = await DynamoDbLocal.start({ dbPath: dir });
  const shared = await acquireStore('repl-c');
  const a: ReplicaRegion = { name: 'us-east-1', endpoint: own.endpoint, tablePrefix: 'wedsync-local' };
  const b: ReplicaRegion = { name: 'eu-west-1', endpoint: shared.endpoint, tablePrefix: shared.tablePrefix };
  const docA = docAt(a.endpoint);
  const docB = docAt(b.endpoint);
  const replicator = new Replicator({ regions: [a, b], tables: [tableDefinition('Reviews')] });
  try {
    await createTables(docA, a.tablePrefix, { replicated: true });
    await createTables(docB, b.tablePrefix, { replicated: true });
    await replicator.start();
    // a writes, and dies before replication ships the write.
    replicator.pause('us-east-1', 'eu-west-1');
    await docA.send(
      new PutCommand({ TableName: 'wedsync-local-Reviews', Item: { pk: 'S#1', sk: 'R#1', n: 1 } }),
    );
    await eventually(async () => replicator.counts.local >= 1, 'a’s write to be read');
    await own.stop();
    replicator.resume('us-east-1', 'eu-west-1');
    // b goes on while a is down.
    await docB.send(
      new PutCommand({ TableName: `${b.tablePrefix}-Reviews`, Item: { pk: 'S#1', sk: 'R#2', n: 2 } }),
    );
    await own.restart();
    await replicator.waitUntilInSync();
    const inB = await docB.send(
      new GetCommand({
        TableName: `${b.tablePrefix}-Reviews`,
        Key: { pk: 'S#1', sk: 'R#1' },
        ConsistentRead: true,
      }),
    );
    const inA = await docA.send(
      new GetCommand({
        TableName: 'wedsync-local-Reviews',
        Key: { pk: 'S#1', sk: 'R#2' },
        ConsistentRead: true,
      }),
    );
    expect(inB.Item).toEqual({ pk: 'S#1', sk: 'R#1', n: 1 });
    expect(inA.Item).toEqual({ pk: 'S#1', sk: 'R#2', n: 2 });
  } finally {
    await replicator.stop();
    docA.destroy();
    docB.destroy();
    await own.stop();
    await shared.release();
    rmSync(dir, { recursive: true, force: true });
  }
  // Two JVM starts (DynamoDB Local's own, then its restart): seconds each, more on a loaded machine.
}, 180_000);

/**
 * A loopback proxy to a DynamoDB Local that, once armed, runs `before` ahead of forwarding the first
 * request `intercept` selects: a write made by the region itself between the replicator's read and
 * its put.
 */
async function interceptingProxy(
  endpoint: string,
  intercept: (target: string, body: { TableName?: string }) => boolean,
  before: () => Promise<void>,
): Promise<{ endpoint: string; arm: () => void; intercepted: () => number; close: () => Promise<void> }> {
  let armed = false;
  let intercepted = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const target = String(request.headers['x-amz-target'] ?? '');
        if (armed && intercept(target, JSON.parse(body) as { TableName?: string })) {
          armed = false;
          intercepted += 1;
          await before();
        }
        const forwarded = await fetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': String(request.headers['content-type']),
            'x-amz-target': target,
            authorization: String(request.headers.authorization),
          },
          body,
        });
        response.writeHead(forwarded.status, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(await forwarded.text());
      })().catch((error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    arm: () => void (armed = true),
    intercepted: () => intercepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

it('decides a record again when its put loses to a write made in the target meanwhile, and counts it once', async () => {
  const [storeA, storeB] = await Promise.all([acquireStore('repl-retry-a'), acquireStore('repl-retry-b')]);
  const docA = docAt(storeA.endpoint);
  const docB = docAt(storeB.endpoint);
  const breakersA = `${storeA.tablePrefix}-WebhookBreakers`;
  const breakersB = `${storeB.tablePrefix}-WebhookBreakers`;
  const key = { pk: 'ENDPOINT#e2' };
  // Region b moves the breaker on (v3) just before the replicator's put of a's v2 reaches it.
  const proxy = await interceptingProxy(
    storeB.endpoint,
    (target, body) => target.endsWith('.PutItem') && body.TableName === breakersB,
    async () => {
      await docB.send(
        new PutCommand({ TableName: breakersB, Item: { ...key, state: 'closed', version: 3 } }),
      );
    },
  );
  const a: ReplicaRegion = { name: 'us-east-1', endpoint: storeA.endpoint, tablePrefix: storeA.tablePrefix };
  const b: ReplicaRegion = { name: 'eu-west-1', endpoint: proxy.endpoint, tablePrefix: storeB.tablePrefix };
  const logged: string[] = [];
  const conflicts: string[] = [];
  const replicator = new Replicator({
    regions: [a, b],
    tables: [tableDefinition('WebhookBreakers')],
    log: (line) => logged.push(line),
    onConflict: (c) => conflicts.push(`${c.winner}>${c.loser} v${c.winnerVersion}/v${c.loserVersion}`),
  });
  try {
    await createTables(docA, a.tablePrefix, { replicated: true });
    await createTables(docB, b.tablePrefix, { replicated: true });
    await replicator.start();
    await docA.send(new PutCommand({ TableName: breakersA, Item: { ...key, state: 'closed', version: 1 } }));
    await replicator.waitUntilInSync();
    // The link is cut; b moves the breaker to v2, then a does (a's write is the later one).
    replicator.pause('us-east-1', 'eu-west-1');
    replicator.pause('eu-west-1', 'us-east-1');
    await docB.send(
      new PutCommand({ TableName: breakersB, Item: { ...key, state: 'half-open', version: 2 } }),
    );
    await eventually(async () => replicator.counts.local >= 2, 'b’s write to be read');
    await docA.send(new PutCommand({ TableName: breakersA, Item: { ...key, state: 'open', version: 2 } }));
    await eventually(async () => replicator.counts.local >= 3, 'a’s write to be read');
    // a's v2 reaches b: it wins over b's v2, but b's v3 lands before the put, which fails its
    // condition; handled again, the record loses to v3.
    proxy.arm();
    replicator.resume('us-east-1', 'eu-west-1');
    await eventually(async () => conflicts.length >= 1, 'a’s write decided in b');
    expect(proxy.intercepted()).toBe(1);
    expect(logged.some((line) => line.includes('changed in eu-west-1 while replicating'))).toBe(true);
    replicator.resume('eu-west-1', 'us-east-1');
    await replicator.waitUntilInSync();

    for (const [doc, table] of [
      [docA, breakersA],
      [docB, breakersB],
    ] as const) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
      expect(Item).toEqual({ ...key, state: 'closed', version: 3 });
    }
    // Four writes (a's v1 and v2, b's v2 and v3), a's v2 read once however often it was tried;
    // each record's conflict reported once, as decided in the end.
    expect(replicator.counts).toMatchObject({ local: 4, conflicts: 3 });
    expect(conflicts).toEqual([
      'eu-west-1>us-east-1 v3/v2',
      'us-east-1>eu-west-1 v2/v2',
      'eu-west-1>us-east-1 v3/v2',
    ]);
  } finally {
    await replicator.stop();
    await proxy.close();
    docA.destroy();
    docB.destroy();
    await Promise.all([storeA.release(), storeB.release()]);
  }
});
