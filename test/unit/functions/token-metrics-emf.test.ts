/**
 * Issue 7 §8: the token provider's counts (`RefreshTokenRotated`, `ConnectionReauthRequired`) go
 * into the invocation's tally of the two handlers that use platform tokens, so each EMF line
 * carries one summed value per name, not an array of 1s. The handlers run with their own module
 * wiring, in which `tokenProvider` is replaced to capture the callback the handler hands it; the
 * callback is then called as the provider calls it, mid-invocation (twice per message), by a
 * store the use case reads. Powertools writes to a captured stdout.
 */
import type { SQSEvent } from 'aws-lambda';

type Handler = (event: SQSEvent) => Promise<unknown>;
type OnMetric = (name: string) => void;

const saved = { ...process.env };
afterAll(() => {
  process.env = { ...saved };
});

/** Loads `handlerPath` with metrics on and the wiring's token provider (and `stubs`) replaced. */
function loadHandler(handlerPath: string, stubs: (emit: () => void) => Record<string, unknown>): Handler {
  // Metrics on and not in dev mode (test/setup-env.ts turns them off), before the singletons exist.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  delete process.env.POWERTOOLS_DEV;
  let onMetric: OnMetric | undefined;
  // As VaultTokenProvider does while refreshing: one rotated refresh token, one lost grant.
  const emit = () => {
    if (!onMetric) throw new Error('the handler did not hand its tally to tokenProvider');
    onMetric('RefreshTokenRotated');
    onMetric('ConnectionReauthRequired');
  };
  let handleBatch: Handler | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../../src/wiring', () => ({
      ...jest.requireActual<Record<string, unknown>>('../../../src/wiring'),
      tokenProvider: (callback: OnMetric) => {
        onMetric = callback;
        return { accessToken: async () => Promise.reject(new Error('not used')) };
      },
      ...stubs(emit),
    }));
    handleBatch = jest.requireActual<{ handleBatch: Handler }>(handlerPath).handleBatch;
  });
  return handleBatch!;
}

function emfLines(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return run()
    .finally(() => spy.mockRestore())
    .then(() =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.includes('"_aws"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
}

const batchOf = (bodies: readonly object[]): SQSEvent =>
  ({
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      body: JSON.stringify(body),
      eventSource: 'aws:sqs',
      messageAttributes: {},
      attributes: {},
    })),
  }) as unknown as SQSEvent;

const unused = () => ({});

it('the sync worker prints one summed value per token metric for a batch', async () => {
  const handle = loadHandler('../../../functions/sync-worker/handler', (emit) => ({
    // The connection is read first; it is gone, so the page is skipped after the token counts.
    platformConnectionStore: () => ({
      get: async () => {
        emit();
        emit();
        return undefined;
      },
    }),
    platformAdapters: unused,
    platformReviewSink: unused,
    rateLimiter: unused,
    platformBreakerStore: unused,
    platformSyncStore: unused,
    syncQueue: unused,
  }));
  const message = (n: number) => ({
    kind: 'sync',
    connectionId: `con_${n}`,
    supplierId: 'sup_example01',
    locationId: 'loc_1',
    mode: 'incremental',
    correlationId: `cor_${n}`,
  });
  const lines = await emfLines(() => handle(batchOf([message(1), message(2), message(3)])));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ RefreshTokenRotated: 6, ConnectionReauthRequired: 6, SyncSkipped: 3 });
  // A second invocation starts from zero.
  const next = await emfLines(() => handle(batchOf([message(4)])));
  expect(next[0]).toMatchObject({ RefreshTokenRotated: 2, ConnectionReauthRequired: 2 });
});

it('the reply worker prints one summed value per token metric for a batch', async () => {
  const handle = loadHandler('../../../functions/reply-worker/handler', (emit) => ({
    // The reply is recorded first; a newer one already is, so this one is superseded.
    reviewReplies: () => ({
      recordReply: async () => {
        emit();
        emit();
        return false;
      },
    }),
    platformConnectionStore: unused,
    platformAdapters: () => ({ all: {} }),
    eventPublisher: unused,
    replyQueue: unused,
    rateLimiter: unused,
    platformBreakerStore: unused,
  }));
  const message = (n: number) => ({
    kind: 'reply',
    connectionId: `con_${n}`,
    supplierId: 'sup_example01',
    locationId: 'loc_1',
    reviewId: `rev_${n}`,
    externalId: `ext_${n}`,
    comment: 'Thank you!',
    requestedAt: '2026-06-01T12:00:00.000Z',
    correlationId: `cor_${n}`,
  });
  const lines = await emfLines(() => handle(batchOf([message(1), message(2)])));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    RefreshTokenRotated: 4,
    ConnectionReauthRequired: 4,
    RepliesSuperseded: 2,
  });
});
