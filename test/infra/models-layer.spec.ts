/**
 * The models in the deployment: the layer is attached to exactly the functions whose catalog
 * entry lists it, model alarms exist per registry variant with the shared thresholds, and the
 * synth refuses a layer that holds a non-commercial model unless the configuration allows it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { FUNCTIONS } from '../../src/catalog/functions';
import { MODEL_ALARMS } from '../../src/models/inference/model-alarms';
import { checkModelsLayer, parseRegistries } from '../../src/models/ml';
import { ROOT, synthesize, type SynthesizedApp } from './support/synth';

jest.setTimeout(120_000);

let synthesized: SynthesizedApp;
beforeAll(() => {
  synthesized = synthesize();
});

const modelDir = path.join(ROOT, 'layers/models/nodejs/models');

describe('models layer and alarms', () => {
  it('attaches the layer to the functions that list it, and only to them', () => {
    for (const template of synthesized.serviceTemplates.values()) {
      template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
      const functions = template.findResources('AWS::Lambda::Function', {
        Properties: { Runtime: 'nodejs22.x' },
      });
      const withLayer = Object.entries(functions).filter(([, fn]) => (fn.Properties.Layers ?? []).length > 0);
      const expected = FUNCTIONS.filter((f) => (f.layers ?? []).includes('Models'));
      expect(withLayer.length).toBe(expected.length);
      for (const def of expected) {
        expect(withLayer.some(([logicalId]) => logicalId.startsWith(`${def.id}Function`))).toBe(true);
      }
    }
  });

  it('alarms on drift per registry variant and on agreement, with the shared thresholds', () => {
    const registries = parseRegistries(
      JSON.parse(readFileSync(path.join(modelDir, 'registry.json'), 'utf8')),
    );
    const template = synthesized.serviceTemplates.values().next().value!;
    for (const registry of registries) {
      for (const variant of registry.variants) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ModelDriftPsi',
          Threshold: MODEL_ALARMS.psiAbove,
          ComparisonOperator: 'GreaterThanThreshold',
          Dimensions: Match.arrayWith([
            { Name: 'task', Value: registry.task },
            { Name: 'variant', Value: variant.name },
          ]),
        });
      }
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'SentimentRatingAgreement',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'InferencePending',
      Threshold: 0,
    });
  });

  it('refuses a layer holding a non-commercial model unless explicitly allowed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'layer-'));
    try {
      cpSync(path.join(ROOT, 'layers/models'), dir, { recursive: true });
      const cardPath = path.join(dir, 'nodejs/models/sentiment/1.0.0/card.json');
      const card = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown>;
      const evalCard = JSON.parse(
        readFileSync(path.join(ROOT, 'models-eval/deception/1.0.0/card.json'), 'utf8'),
      ) as Record<string, unknown>;
      writeFileSync(cardPath, JSON.stringify({ ...card, licence: evalCard.licence }));
      expect(() => checkModelsLayer(dir)).toThrow();
      expect(() => checkModelsLayer(dir, { allowNonCommercial: true })).not.toThrow();
      expect(() => checkModelsLayer(path.join(ROOT, 'layers/models'))).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
