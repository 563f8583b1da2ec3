/**
 * The store-backed model engine: follows the active configuration with a bounded cache, and
 * serves the layer's known-good models when the store is unreachable or an artifact fails its
 * checksum. The store here is an in-memory ModelStore (the S3 adapter is tested against the S3
 * emulator in test/integration/model-store.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActiveModelEngine } from '../../../../src/models/inference/active-models';
import { createModelEngine } from '../../../../src/models/inference/engine';
import { readArtifact } from '../../../../src/models/ml/load';
import { serialiseArtifact } from '../../../../src/models/training/card';
import type { ModelStore } from '../../../../src/models/ports';
import { sha256Hex, type ActiveModelConfig } from '../../../../src/models/retraining/active-config';
import {
  GOLD_SET_SHA256,
  readRetrainingData,
  retrainingDataDir,
} from '../../../../src/models/retraining/training-data';

const LAYER = join(__dirname, '../../../../layers/models/nodejs/models');

/**
 * The shipped 1.0.0 artifact stored under a new version, as a retrained model would be: in the
 * single-file form the store holds (the layer's v3 keeps its weights in a second file).
 */
function storedArtifact(version: string): string {
  return serialiseArtifact({ ...readArtifact('sentiment', LAYER, '1.0.0'), version });
}

class MemoryStore implements ModelStore {
  readonly files = new Map<string, string>();
  reads = 0;
  down = false;
  async putArtifact(task: string, version: string, files: { model: string; card: string }) {
    this.files.set(`${task}/${version}/model.json`, files.model);
    this.files.set(`${task}/${version}/card.json`, files.card);
    return sha256Hex(files.model);
  }
  async getArtifact(task: string, version: string) {
    this.check();
    const text = this.files.get(`${task}/${version}/model.json`);
    if (text === undefined) throw new Error('missing');
    return text;
  }
  async getCard(task: string, version: string) {
    const text = this.files.get(`${task}/${version}/card.json`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : null;
  }
  async listVersions() {
    return [];
  }
  async readActive(task: string) {
    this.check();
    this.reads++;
    const text = this.files.get(`active/${task}.json`);
    return text === undefined ? null : (JSON.parse(text) as unknown);
  }
  async writeActive(task: string, config: unknown) {
    this.files.set(`active/${task}.json`, JSON.stringify(config));
  }
  private check() {
    if (this.down) throw new Error('store unreachable');
  }
}

async function setUp(share = 0.5) {
  const store = new MemoryStore();
  const sha256 = await store.putArtifact('sentiment', '1.1.1', {
    model: storedArtifact('1.1.1'),
    card: '{"task":"sentiment"}',
  });
  const config: ActiveModelConfig = {
    task: 'sentiment',
    revision: 1,
    updatedAt: '2026-12-04T00:00:00.000Z',
    control: { version: '1.1.0', source: 'layer' },
    canary: {
      model: { version: '1.1.1', source: 'store', sha256 },
      share,
      startedAt: '2026-12-04T00:00:00.000Z',
      reason: 'r',
    },
  };
  await store.writeActive('sentiment', config);
  let now = 0;
  const fallbacks: string[] = [];
  const engine = createActiveModelEngine({
    layer: createModelEngine(LAYER),
    layerDir: LAYER,
    store,
    cacheMs: 60_000,
    now: () => now,
    onFallback: (reason, error) => fallbacks.push(`${reason}: ${(error as Error).message}`),
  });
  return { store, engine, config, fallbacks, advance: (ms: number) => (now += ms) };
}

const versionsServed = (engine: ReturnType<typeof createActiveModelEngine>) =>
  new Set(Array.from({ length: 200 }, (_, i) => engine.forReview('sentiment', `rev_${i}`).model.version));

describe('store-backed model engine', () => {
  it('serves the canary from the store beside the layer control, per review id', async () => {
    const { engine } = await setUp();
    expect(versionsServed(engine)).toEqual(new Set(['1.1.0']));
    await engine.refresh();
    expect(versionsServed(engine)).toEqual(new Set(['1.1.0', '1.1.1']));
    expect(engine.servingFrom('sentiment')).toEqual({ source: 'store', revision: 1 });
    expect(
      engine
        .variants()
        .filter((v) => v.task === 'sentiment')
        .map((v) => v.variant),
    ).toEqual(['control', 'canary']);
    expect(engine.storeCard('sentiment', '1.1.1')).toEqual({ task: 'sentiment' });
    // Tasks the store does not manage stay on the layer.
    expect(engine.forSupplier('expense-category', 'sup_1').model.version).toBe('1.1.0');
  });

  it('reads the configuration at most once per cache period', async () => {
    const { engine, store, advance } = await setUp();
    await Promise.all([engine.refresh(), engine.refresh()]);
    await engine.refresh();
    advance(59_999);
    await engine.refresh();
    expect(store.reads).toBe(1);
    advance(1);
    await engine.refresh();
    expect(store.reads).toBe(2);
  });

  it("falls back to the layer's models when an artifact fails its checksum", async () => {
    const { engine, store, fallbacks } = await setUp();
    store.files.set(
      'sentiment/1.1.1/model.json',
      storedArtifact('1.1.1').replace('"temperature":', '"temperature": '),
    );
    await engine.refresh();
    expect(versionsServed(engine)).toEqual(new Set(['1.1.0']));
    expect(engine.servingFrom('sentiment')).toEqual({ source: 'layer' });
    expect(fallbacks.join()).toMatch(/checksum/);
  });

  it("falls back to the layer's models when the store is unreachable, and follows it again once it answers", async () => {
    const { engine, store, fallbacks, advance } = await setUp();
    store.down = true;
    await expect(engine.refresh()).resolves.toBeUndefined();
    expect(versionsServed(engine)).toEqual(new Set(['1.1.0']));
    expect(fallbacks.join()).toMatch(/unreachable/);
    store.down = false;
    advance(60_000);
    await engine.refresh();
    expect(versionsServed(engine)).toEqual(new Set(['1.1.0', '1.1.1']));
  });

  it('serves the layer when the store holds no configuration, and an invalid one falls back', async () => {
    const { engine, store, advance, fallbacks } = await setUp();
    store.files.delete('active/sentiment.json');
    await engine.refresh();
    expect(engine.servingFrom('sentiment')).toEqual({ source: 'layer' });
    store.files.set('active/sentiment.json', '{"task":"sentiment","revision":-1}');
    advance(60_000);
    await engine.refresh();
    expect(engine.servingFrom('sentiment')).toEqual({ source: 'layer' });
    expect(fallbacks).toHaveLength(1);
  });
});

describe('retraining data in the layer', () => {
  it('holds the frozen gold set, byte-identical to the held-out reviews, and the 3,000 original sentences', () => {
    const dir = retrainingDataDir(LAYER);
    const gold = readFileSync(join(dir, 'gold-reviews.tsv'), 'utf8');
    expect(gold).toBe(readFileSync(join(__dirname, '../../../fixtures/models/reviews-heldout.tsv'), 'utf8'));
    expect(sha256Hex(gold)).toBe(GOLD_SET_SHA256);
    const data = readRetrainingData(dir);
    expect(data.gold).toHaveLength(162);
    expect(data.original).toHaveLength(3000);
    expect(new Set(data.original.map((r) => r.label))).toEqual(new Set(['positive', 'negative']));
  });
});
