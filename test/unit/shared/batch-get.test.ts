/**
 * Batch reads of a page's items (src/shared/batch-get.ts): whatever order DynamoDB answers in, the
 * items come back in the order of the keys, each key asked once, a key without an item left out,
 * unprocessed keys asked again; the same through the low-level client and the DocumentClient.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetItemCommand, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetInOrder, batchGetWireInOrder } from '../../../src/shared/batch-get';
import { StoreThrottledError } from '../../../src/shared/store-throttle';

const TABLE = 'Reviews';
const KEY = ['pk', 'sk'] as const;
const key = (i: number, pk = 'SUPPLIER#a') => ({ pk, sk: `REVIEW#${String(i).padStart(3, '0')}` });
const wireItem = (k: { pk: string; sk: string }): Record<string, AttributeValue> => ({
  pk: { S: k.pk },
  sk: { S: k.sk },
  title: { S: `title of ${k.sk}` },
});
const keysOf = (input: unknown) =>
  (input as { RequestItems: Record<string, { Keys: Record<string, AttributeValue>[] }> }).RequestItems[TABLE]!
    .Keys;

const raw = mockClient(DynamoDBClient);
const doc = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  raw.reset();
  doc.reset();
});

describe('batchGetWireInOrder', () => {
  it('returns the items in the order of the keys, whatever order they are answered in', async () => {
    const keys = [key(3), key(1), key(2), key(1, 'SUPPLIER#b')];
    raw.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [...keys].reverse().map(wireItem) } });

    const items = await batchGetWireInOrder(new DynamoDBClient({}), TABLE, keys, KEY);

    expect(items.map((item) => [item.pk?.S, item.sk?.S])).toEqual(keys.map((k) => [k.pk, k.sk]));
  });

  it('asks for a repeated key once and returns its item where each key asked for it', async () => {
    const keys = [key(1), key(2), key(1)];
    raw.on(BatchGetItemCommand).callsFake((input) => ({
      Responses: { [TABLE]: keysOf(input).map((k) => wireItem({ pk: k.pk!.S!, sk: k.sk!.S! })) },
    }));

    const items = await batchGetWireInOrder(new DynamoDBClient({}), TABLE, keys, KEY);

    expect(keysOf(raw.commandCalls(BatchGetItemCommand)[0]!.args[0].input)).toHaveLength(2);
    expect(items.map((item) => item.sk?.S)).toEqual(['REVIEW#001', 'REVIEW#002', 'REVIEW#001']);
  });

  it('leaves out a key whose item is gone', async () => {
    raw.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [wireItem(key(2))] } });

    const items = await batchGetWireInOrder(new DynamoDBClient({}), TABLE, [key(1), key(2)], KEY);

    expect(items.map((item) => item.sk?.S)).toEqual(['REVIEW#002']);
  });

  it('asks again for unprocessed keys, and gives up as throttled after eight tries', async () => {
    jest.useFakeTimers();
    try {
      raw
        .on(BatchGetItemCommand)
        .resolvesOnce({
          Responses: { [TABLE]: [wireItem(key(2))] },
          UnprocessedKeys: { [TABLE]: { Keys: [{ pk: { S: 'SUPPLIER#a' }, sk: { S: 'REVIEW#001' } }] } },
        })
        .resolves({ Responses: { [TABLE]: [wireItem(key(1))] } });
      const read = batchGetWireInOrder(new DynamoDBClient({}), TABLE, [key(1), key(2)], KEY);
      await jest.runAllTimersAsync();
      expect((await read).map((item) => item.sk?.S)).toEqual(['REVIEW#001', 'REVIEW#002']);

      raw.reset();
      raw
        .on(BatchGetItemCommand)
        .callsFake((input) => ({ UnprocessedKeys: { [TABLE]: { Keys: keysOf(input) } } }));
      const throttled = batchGetWireInOrder(new DynamoDBClient({}), TABLE, [key(1)], KEY);
      const outcome = expect(throttled).rejects.toBeInstanceOf(StoreThrottledError);
      await jest.runAllTimersAsync();
      await outcome;
      expect(raw.commandCalls(BatchGetItemCommand)).toHaveLength(8);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reads more than 100 keys in batches of 100', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => key(i));
    raw.on(BatchGetItemCommand).callsFake((input) => ({
      Responses: { [TABLE]: keysOf(input).map((k) => wireItem({ pk: k.pk!.S!, sk: k.sk!.S! })) },
    }));

    const items = await batchGetWireInOrder(new DynamoDBClient({}), TABLE, keys, KEY);

    expect(raw.commandCalls(BatchGetItemCommand).map((call) => keysOf(call.args[0].input).length)).toEqual([
      100, 50,
    ]);
    expect(items.map((item) => item.sk?.S)).toEqual(keys.map((k) => k.sk));
  });
});

describe('batchGetInOrder', () => {
  it('gives the same items in key order through the DocumentClient and the low-level client', async () => {
    const keys = [key(2), key(1), key(3)];
    doc.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [key(3), key(1), key(2)].map((k) => ({ ...k, title: `title of ${k.sk}` })) },
    });
    raw.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [key(1), key(3), key(2)].map(wireItem) } });

    const viaDocument = await batchGetInOrder(
      DynamoDBDocumentClient.from(new DynamoDBClient({})),
      TABLE,
      keys,
      KEY,
    );
    const viaLowLevel = await batchGetInOrder(new DynamoDBClient({}), TABLE, keys, KEY);

    expect(viaDocument).toEqual(keys.map((k) => ({ ...k, title: `title of ${k.sk}` })));
    expect(viaLowLevel).toEqual(viaDocument);
  });
});
