import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertDeployable,
  cardIsNonCommercial,
  checkModelsLayer,
  isNonCommercialLicence,
  LicenceGateError,
  type CardLicensing,
} from '#src/models/ml/licence-gate';
import { writeArtifact, type CardDraft } from '#src/models/training/card';
import { fitArtifact } from '#src/models/training/fit';
import { LAYER_DIR, TINY_SENTIMENT, tinySentimentRecipe } from './helpers';

const commercial: CardLicensing = {
  licence: {
    model: 'Proprietary',
    nonCommercial: false,
    trainingData: [{ name: 'uci', licence: 'CC BY 4.0', nonCommercial: false }],
  },
};
const nc: CardLicensing = {
  licence: {
    model: 'Proprietary',
    nonCommercial: false,
    trainingData: [{ name: 'op_spam', licence: 'CC BY-NC-SA 3.0', nonCommercial: false }],
  },
};

describe('licence names', () => {
  it('recognises non-commercial licences', () => {
    for (const l of ['CC BY-NC-SA 3.0', 'CC-BY-NC-4.0', 'Non-commercial use only', 'noncommercial']) {
      expect(isNonCommercialLicence(l)).toBe(true);
    }
    for (const l of ['CC BY 4.0', 'MIT', 'The Unlicense', 'Apache-2.0', 'CC0-1.0', 'ODbL 1.0']) {
      expect(isNonCommercialLicence(l)).toBe(false);
    }
  });

  it('treats a card as non-commercial if the model or any data is', () => {
    expect(cardIsNonCommercial(commercial)).toBe(false);
    expect(cardIsNonCommercial(nc)).toBe(true);
    expect(cardIsNonCommercial({ licence: { ...commercial.licence, nonCommercial: true } })).toBe(true);
  });
});

function makeLayer(cards: Record<string, unknown | null>): string {
  const layer = mkdtempSync(join(tmpdir(), 'layer-'));
  for (const [task, card] of Object.entries(cards)) {
    const dir = join(layer, 'nodejs', 'models', task, '1.0.0');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), '{}');
    if (card !== null) writeFileSync(join(dir, 'card.json'), JSON.stringify(card));
  }
  return layer;
}

describe('layer checker', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('passes a layer of commercial-use artifacts', () => {
    const layer = makeLayer({ sentiment: commercial });
    made.push(layer);
    expect(checkModelsLayer(layer)).toHaveLength(1);
  });

  it('refuses an artifact whose card lists a non-commercial licence unless allowed', () => {
    const layer = makeLayer({ sentiment: commercial, deception: nc });
    made.push(layer);
    expect(() => checkModelsLayer(layer)).toThrow(LicenceGateError);
    expect(() => checkModelsLayer(layer)).toThrow(/deception.*non-commercial/);
    expect(checkModelsLayer(layer, { allowNonCommercial: true })).toHaveLength(2);
  });

  it('refuses an artifact without a card or without a licence section', () => {
    const layer = makeLayer({ sentiment: null, deception: { task: 'deception' } });
    made.push(layer);
    try {
      checkModelsLayer(layer);
      throw new Error('expected the gate to refuse');
    } catch (e) {
      expect(e).toBeInstanceOf(LicenceGateError);
      expect((e as LicenceGateError).problems).toHaveLength(2);
    }
  });

  it('passes the real layer', () => {
    expect(checkModelsLayer(LAYER_DIR).length).toBeGreaterThanOrEqual(2);
  });

  it('assertDeployable throws for a non-commercial card', () => {
    expect(() => assertDeployable(nc, 'x')).toThrow(/non-commercial/);
    expect(() => assertDeployable(nc, 'x', { allowNonCommercial: true })).not.toThrow();
  });
});

describe('writeArtifact routing', () => {
  const artifact = fitArtifact(tinySentimentRecipe(), TINY_SENTIMENT);
  const draft = (licence: CardLicensing['licence']): CardDraft => ({
    task: 'sentiment',
    version: '0.0.1',
    date: '2025-01-01',
    method: 'test',
    parameters: {},
    licence: {
      ...licence,
      trainingData: licence.trainingData.map((d) => ({ ...d, path: 'p', rows: 1, citation: 'c' })),
    },
    intendedUse: 'test',
    limitations: [],
    evaluation: {},
  });
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'artifacts-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const dest = (allowNonCommercial: boolean) => ({
    layerDir: join(root, 'layer'),
    evalDir: join(root, 'eval'),
    allowNonCommercial,
  });

  it('writes a non-commercial model outside the layer by default', () => {
    const { dir, card } = writeArtifact(artifact, draft(nc.licence), dest(false));
    expect(dir).toBe(join(root, 'eval', 'sentiment', '0.0.1'));
    expect(card.deployable).toBe(false);
    expect(existsSync(join(root, 'layer'))).toBe(false);
  });

  it('writes it into the layer only when explicitly allowed', () => {
    const { dir, card } = writeArtifact(artifact, draft(nc.licence), dest(true));
    expect(dir).toBe(join(root, 'layer', 'nodejs', 'models', 'sentiment', '0.0.1'));
    expect(card.deployable).toBe(true);
    expect(() => checkModelsLayer(join(root, 'layer'))).toThrow(LicenceGateError);
    expect(checkModelsLayer(join(root, 'layer'), { allowNonCommercial: true })).toHaveLength(1);
  });

  it('writes commercial models into the layer with a matching card', () => {
    const { dir, card } = writeArtifact(artifact, draft(commercial.licence), dest(false));
    expect(card.deployable).toBe(true);
    expect(readFileSync(join(dir, 'model.json')).length).toBe(card.artifact.bytes);
    expect(JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')).modelVersion).toBe('sentiment@0.0.1');
  });
});
