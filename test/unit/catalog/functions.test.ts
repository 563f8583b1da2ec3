/**
 * The catalog's split of functions between the stacks: the data stack builds a function with its
 * tables, secrets, keys and settings only (lib/stacks/data-stack.ts binds nothing else), and the
 * `DataFunctionId` type names exactly the functions marked `stack: 'data'`.
 */
import {
  DATA_FUNCTIONS,
  FUNCTIONS,
  SERVICE_FUNCTIONS,
  STREAM_RETRY_ATTEMPTS,
  streamRetryOf,
  type DataFunctionId,
  type FunctionDefinition,
} from '#src/catalog/functions';
import { tableDefinition, type TableId } from '#src/catalog/tables';

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

describe('stream consumers’ retries (ADR 0035, addendum)', () => {
  const writesProvisioned = (def: FunctionDefinition) =>
    Object.entries(def.tables).some(
      ([table, access]) =>
        access !== 'read' && tableDefinition(table as TableId).capacity.mode === 'provisioned',
    );

  it.each(FUNCTIONS.filter((f) => f.tableStream).map((f) => [f.id, f] as const))(
    '%s: retried until an age bound if it writes a provisioned table, else a number of attempts',
    (_id, def) => {
      const retry = streamRetryOf(def);
      if (writesProvisioned(def)) {
        // A throttle lasts as long as auto scaling takes: a count of quick attempts could skip records.
        expect(retry).toEqual({ retryAttempts: -1, maxRecordAgeSeconds: def.streamRetry!.untilAgeSeconds });
        expect(retry.maxRecordAgeSeconds).toBeGreaterThanOrEqual(600);
      } else {
        expect(retry).toEqual({ retryAttempts: STREAM_RETRY_ATTEMPTS });
      }
    },
  );

  it('names the two consumers that write provisioned tables (the recorder and the summary correction)', () => {
    expect(
      FUNCTIONS.filter((f) => f.tableStream && writesProvisioned(f))
        .map((f) => f.id)
        .sort(),
    ).toEqual(['RealtimeRecorder', 'SummaryCorrection']);
  });

  it('refuses an age bound Lambda would refuse (under a minute) or past the stream’s 24 hours', () => {
    const recorder = FUNCTIONS.find((f) => f.id === 'RealtimeRecorder')!;
    expect(() => streamRetryOf({ ...recorder, streamRetry: { untilAgeSeconds: 59 } })).toThrow(/60 to 86400/);
    expect(() => streamRetryOf({ ...recorder, streamRetry: { untilAgeSeconds: 86_401 } })).toThrow(
      /60 to 86400/,
    );
  });
});
