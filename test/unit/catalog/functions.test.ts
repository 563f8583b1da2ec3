/**
 * The catalog's split of functions between the stacks: the data stack builds a function with its
 * tables, secrets, keys and settings only (lib/stacks/data-stack.ts binds nothing else), and the
 * `DataFunctionId` type names exactly the functions marked `stack: 'data'`.
 */
import { DATA_FUNCTIONS, FUNCTIONS, SERVICE_FUNCTIONS, type DataFunctionId } from '#src/catalog/functions';

describe('functions by stack', () => {
  it('marks the secret rotation function, and only it, as the data stack’s', () => {
    const expected: DataFunctionId[] = ['SecretRotation'];
    expect(DATA_FUNCTIONS.map((f) => f.id)).toEqual(expected);
    expect(SERVICE_FUNCTIONS.map((f) => f.id).sort()).toEqual(
      FUNCTIONS.filter((f) => f.id !== 'SecretRotation')
        .map((f) => f.id)
        .sort(),
    );
  });

  it.each(DATA_FUNCTIONS.map((f) => [f.id, f] as const))(
    '%s: uses nothing the data stack lacks (no queue, layer, sender, bucket, WebSocket or stream)',
    (_id, def) => {
      expect(def.queues).toEqual({});
      expect(def.layers ?? []).toEqual([]);
      expect(def.emailSenders ?? []).toEqual([]);
      expect(def.buckets ?? {}).toEqual({});
      expect(def.manageConnections).toBeUndefined();
      expect(def.tableStream).toBeUndefined();
    },
  );
});
