/**
 * Inference inside the pipeline, through the local mode: reviews carry sentiment and
 * authenticity signals, contradictions raise review.flagged, POST /v1/classify answers per text,
 * and GET /v1/ops/models shows drift and agreement whose alarm state changes when the inputs shift.
 */
import { readHeldoutReviews } from '#src/models/training/heldout-reviews';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoTenantStore } from '../../src/reviews/adapters/dynamo-records';
import { createOpsKey } from '../../src/access/use-cases/create-supplier';
import { countReviews, eventually, startTestStack, type TestStack } from './support/stack';
import { runWithConcurrency } from './support/load';

jest.setTimeout(180_000);

let stack: TestStack;
let opsKey: string;

beforeAll(async () => {
  stack = await startTestStack();
  opsKey = (await createOpsKey(new DynamoTenantStore(stack.doc, stack.tableName('Tenants')), 'test ops'))
    .apiKey;
});
afterAll(async () => {
  await stack?.cleanup();
});

/** Labelled UCI sentences shipped in the repo (the data the sentiment reference was built on). */
function uciSentences(): { text: string; positive: boolean }[] {
  const dir = join(__dirname, '../../data/sentiment/uci');
  return ['amazon_cells_labelled.txt', 'imdb_labelled.txt', 'yelp_labelled.txt'].flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((line) => line.includes('\t'))
      .map((line) => {
        const cut = line.lastIndexOf('\t');
        return { text: line.slice(0, cut).trim(), positive: line.slice(cut + 1).trim() === '1' };
      })
      .filter((s) => s.text.length > 0),
  );
}

/** `n` held-out reviews (never trained on), 80% positive, cycling through each side. */
function ordinaryReviews(n: number): string[] {
  const rows = readHeldoutReviews(join(__dirname, '../fixtures/models'));
  const pos = rows.filter((r) => r.label === 'positive');
  const neg = rows.filter((r) => r.label === 'negative');
  return Array.from({ length: n }, (_, i) => (i % 10 < 8 ? pos[i % pos.length] : neg[i % neg.length]).text);
}

/** A sentence as a review: its first words as the title, the rest as the body. */
async function submitAll(apiKey: string, items: { text: string; rating: number }[], prefix: string) {
  await runWithConcurrency(items, 8, async ({ text, rating }, i) => {
    const words = text.split(' ');
    const response = await stack.call('POST', '/v1/reviews', {
      key: apiKey,
      body: {
        rating,
        title: words.slice(0, 3).join(' '),
        body: words.slice(3).join(' ') || '.',
        reviewerName: 'Guest',
        platform: 'google',
        externalId: `${prefix}-${i}`,
      },
    });
    expect(response.status).toBe(202);
  });
}

describe('review inference', () => {
  it('stores sentiment and authenticity signals and flags contradictions and contact details', async () => {
    const supplier = await stack.newSupplier('Inference');
    const plain = await stack.call('POST', '/v1/reviews', {
      key: supplier.apiKey,
      body: {
        rating: 5,
        title: 'Wonderful day',
        body: 'The flowers were beautiful and the team was lovely.',
        reviewerName: 'A',
        platform: 'google',
        externalId: 'ok',
      },
    });
    const contradiction = await stack.call('POST', '/v1/reviews', {
      key: supplier.apiKey,
      body: {
        rating: 5,
        title: 'Awful',
        body: 'Terrible service, rude staff and dead flowers. The worst.',
        reviewerName: 'B',
        platform: 'google',
        externalId: 'bad',
      },
    });
    const spammy = await stack.call('POST', '/v1/reviews', {
      key: supplier.apiKey,
      body: {
        rating: 5,
        title: 'Great',
        body: 'Great florist! Call me on 07700 900123 or see http://cheap-flowers.example for deals.',
        reviewerName: 'C',
        platform: 'google',
        externalId: 'spam',
      },
    });
    await eventually(
      async () => (await countReviews(stack, supplier.supplierId)) === 3,
      'three reviews stored',
    );

    const get = async (id: unknown) =>
      (await stack.call('GET', `/v1/reviews/${id}`, { key: supplier.apiKey })).json;
    expect(await get(plain.json.reviewId)).toMatchObject({
      insights: { status: 'done', sentiment: { label: 'positive', variant: 'control' }, flags: [] },
    });
    expect((await get(contradiction.json.reviewId)).insights).toMatchObject({
      flags: ['rating-sentiment-mismatch'],
    });
    const spam = (await get(spammy.json.reviewId)).insights as { flags: string[] };
    expect(spam.flags).toEqual(expect.arrayContaining(['contains-link', 'contains-phone']));

    // review.flagged reached the event log (what webhooks deliver) for exactly those two.
    const flaggedOf = async () =>
      (await stack.scanAll('EventLog'))
        .filter(
          (item) =>
            item.entity === 'event' &&
            item.supplierId === supplier.supplierId &&
            item.eventType === 'review.flagged',
        )
        .map((item) => (JSON.parse(String(item.body)) as { subject: string }).subject);
    await eventually(async () => (await flaggedOf()).length >= 2, 'review.flagged logged', 30_000);
    expect((await flaggedOf()).sort()).toEqual([contradiction.json.reviewId, spammy.json.reviewId].sort());
  });
});

describe('POST /v1/classify', () => {
  it('answers each text with label, confidence, model version and variant', async () => {
    const supplier = await stack.newSupplier('Classifier');
    const sentiment = await stack.call('POST', '/v1/classify', {
      key: supplier.apiKey,
      body: { task: 'sentiment', texts: ['Absolutely loved it, thank you!', 'Rude and late, never again.'] },
    });
    expect(sentiment.status).toBe(200);
    expect(sentiment.json.results).toEqual([
      expect.objectContaining({
        label: 'positive',
        variant: 'control',
        modelVersion: expect.stringMatching(/^sentiment@/),
      }),
      expect.objectContaining({ label: 'negative', confidence: expect.any(Number) }),
    ]);
    const expenses = await stack.call('POST', '/v1/classify', {
      key: supplier.apiKey,
      body: { task: 'expense-category', texts: ['Deposit for the florist', 'DJ balance', 'zzzz qqq'] },
    });
    const results = expenses.json.results as { label: string; candidates?: unknown[] }[];
    expect(results.map((r) => r.label).slice(0, 2)).toEqual(['flowers', 'music-and-entertainment']);
    expect(results[2]).toMatchObject({ label: 'other', candidates: expect.any(Array) });
    expect(results[2]!.candidates).toHaveLength(3);
  });

  it.each([
    ['no texts', { task: 'sentiment', texts: [] }, 'texts'],
    ['101 texts', { task: 'sentiment', texts: Array.from({ length: 101 }, () => 'ok') }, 'texts'],
    ['an unknown task', { task: 'horoscope', texts: ['hi'] }, 'task'],
    ['a blank text', { task: 'sentiment', texts: ['  '] }, 'texts.0'],
    ['a text too long', { task: 'sentiment', texts: ['x'.repeat(5001)] }, 'texts.0'],
    ['an extra field', { task: 'sentiment', texts: ['hi'], model: 'v2' }, 'model'],
  ])('rejects %s with 422', async (_name, body, path) => {
    const supplier = await stack.newSupplier('Bad classify');
    const response = await stack.call('POST', '/v1/classify', { key: supplier.apiKey, body });
    expect(response.status).toBe(422);
    expect((response.json.errors as { path: string }[]).map((e) => e.path)).toContain(path);
  });
});

describe('GET /v1/ops/models', () => {
  it('is for ops keys only', async () => {
    const supplier = await stack.newSupplier('Not ops');
    expect((await stack.call('GET', '/v1/ops/models', { key: supplier.apiKey })).status).toBe(403);
    expect((await stack.call('GET', '/v1/reviews', { key: opsKey })).status).toBe(403);
    expect((await stack.call('GET', '/v1/ops/models?hours=0', { key: opsKey })).status).toBe(400);
  });

  it('shows drift and agreement, and their alarms fire when the inputs shift', async () => {
    type Row = {
      task: string;
      variant: string;
      predictions: number;
      driftScore: number;
      alarms: Record<string, string>;
      ratingAgreement: { rate: number };
      card: unknown;
      trafficShare: number;
    };
    const sentimentRow = async () => {
      const response = await stack.call('GET', '/v1/ops/models', { key: opsKey });
      expect(response.status).toBe(200);
      return (response.json.models as Row[]).find((m) => m.task === 'sentiment' && m.variant === 'control')!;
    };
    const supplier = await stack.newSupplier('Drift');
    const sentences = uciSentences();
    // Ordinary traffic: unseen sentences (3 stars, no agreement signal) and some rated sentences
    // with the stars their label implies.
    // Ordinary traffic has an ordinary mix: 80% positive hand-written held-out reviews (drift is
    // measured per sentence against a reference with a realistic sentence mix, see ADR 0021).
    const normal = [
      ...ordinaryReviews(400).map((text) => ({ text, rating: 3 })),
      ...sentences
        .filter((_, i) => i % 20 === 0)
        .slice(0, 60)
        .map((s) => ({ text: s.text, rating: s.positive ? 5 : 1 })),
    ];
    const before = (await sentimentRow()).predictions;
    await submitAll(supplier.apiKey, normal, 'normal');
    await eventually(
      async () => (await sentimentRow()).predictions >= before + normal.length,
      'predictions counted',
      60_000,
    );
    const healthy = await sentimentRow();
    expect(healthy.alarms).toEqual({ drift: 'OK', agreement: 'OK' });
    expect(healthy.card).toMatchObject({ task: 'sentiment' });
    expect(healthy.trafficShare).toBe(1);

    // Shifted: only negative texts, all given five stars.
    const shifted = sentences.filter((s, i) => !s.positive && i % 20 !== 0).slice(0, 480);
    await submitAll(
      supplier.apiKey,
      shifted.map((s) => ({ text: s.text, rating: 5 })),
      'shifted',
    );
    await eventually(
      async () => (await sentimentRow()).predictions >= healthy.predictions + shifted.length,
      'shifted predictions counted',
      90_000,
    );
    const drifted = await sentimentRow();
    expect(drifted.driftScore).toBeGreaterThan(0.2);
    expect(drifted.alarms).toEqual({ drift: 'ALARM', agreement: 'ALARM' });
    expect(drifted.ratingAgreement.rate).toBeLessThan(healthy.ratingAgreement.rate);
  });
});
