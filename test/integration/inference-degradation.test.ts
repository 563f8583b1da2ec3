/**
 * Degradation: with the models missing, reviews are still stored (inference pending) and queued;
 * once the models are back, the InferenceRetry worker completes them. Its own file: it needs a
 * local mode whose model folder starts empty.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startTestStack, type TestStack } from './support/stack';

jest.setTimeout(120_000);

const modelDir = mkdtempSync(join(tmpdir(), 'wedsync-models-'));
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ modelDir });
});
afterAll(async () => {
  await stack?.cleanup();
  rmSync(modelDir, { recursive: true, force: true });
});

it('stores reviews with inference pending when the models are missing, and completes them once they are back', async () => {
  const supplier = await stack.newSupplier('Degraded');
  const submitted = await stack.call('POST', '/v1/reviews', {
    key: supplier.apiKey,
    body: {
      rating: 5,
      title: 'Lovely',
      body: 'Beautiful flowers, thank you so much.',
      reviewerName: 'D',
      platform: 'google',
      externalId: 'd1',
    },
  });
  expect(submitted.status).toBe(202);
  const read = async () =>
    (await stack.call('GET', `/v1/reviews/${submitted.json.reviewId}`, { key: supplier.apiKey })).json;
  await eventually(async () => (await read()).insights !== undefined, 'review stored', 30_000);
  expect((await read()).insights).toMatchObject({
    status: 'pending',
    pendingReason: expect.stringMatching(/^model-error/),
  });

  // The layer comes back: the retry worker completes the pending inference.
  cpSync(join(__dirname, '../../layers/models/nodejs/models'), modelDir, { recursive: true });
  await eventually(
    async () => ((await read()).insights as { status: string }).status === 'done',
    'inference completed',
    60_000,
  );
  expect((await read()).insights).toMatchObject({ status: 'done', sentiment: { label: 'positive' } });
});
