/**
 * Response bodies of the models' HTTP operations (zod), next to the request schemas: the route
 * table names them, the API description publishes them, an integration test checks real answers.
 */
import * as z from '../shared/zod';
import { lazy } from '../shared/lazy';
import { TASKS } from './ml/artifact';

const alarmState = /* @__PURE__ */ lazy(() => z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']));

export const classifyTextsResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      task: z.enum(TASKS),
      results: z.array(
        z.object({
          label: z.string(),
          confidence: z.number().check(z.gte(0), z.lte(1)),
          modelVersion: z.string().check(z.describe('`<task>@<version>`.')),
          variant: z.string().check(z.describe('The A/B variant the calling supplier is assigned to.')),
          candidates: z
            .optional(z.array(z.object({ label: z.string(), confidence: z.number() })))
            .check(
              z.describe('When the model abstained (label is the fallback): the three most likely labels.'),
            ),
        }),
      ),
    })
    .check(
      z.meta({
        id: 'ClassifyTextsResult',
        description: 'One result per text, in order.',
        examples: [
          {
            task: 'sentiment',
            results: [
              { label: 'positive', confidence: 0.96, modelVersion: 'sentiment@1.0.0', variant: 'champion' },
              { label: 'negative', confidence: 0.91, modelVersion: 'sentiment@1.0.0', variant: 'champion' },
            ],
          },
        ],
      }),
    ),
);

export const modelsStatusResponse = /* @__PURE__ */ lazy(() =>
  z
    .object({
      since: z.iso.datetime({ offset: true }),
      thresholds: z.object({
        psiAbove: z.number(),
        agreementDropPoints: z.number(),
        minPredictions: z.number(),
        minRated: z.number(),
      }),
      models: z.array(
        z.object({
          task: z.enum(TASKS),
          variant: z.string(),
          modelVersion: z.string(),
          configuredShare: z.number(),
          trafficShare: z.nullable(z.number()),
          predictions: z.number().check(z.int(), z.gte(0)),
          labelDistribution: z.record(z.string(), z.number()),
          meanConfidence: z.nullable(z.number()),
          labelPsi: z.number(),
          confidencePsi: z.number(),
          driftScore: z.number(),
          driftUnit: z
            .enum(['sentence', 'text'])
            .check(
              z.describe(
                'What the PSI readings compare: sentences (sentiment) or whole texts (expense notes).',
              ),
            ),
          driftUnits: z
            .number()
            .check(z.int(), z.gte(0), z.describe('How many units the PSI readings are based on.')),
          ratingAgreement: z.object({ rated: z.number().check(z.int()), rate: z.nullable(z.number()) }),
          referenceAgreement: z.nullable(z.number()),
          alarms: z.object({ drift: alarmState(), agreement: z.optional(alarmState()) }),
          card: z
            .nullable(z.record(z.string(), z.unknown()))
            .check(z.describe("The model's card, as shipped.")),
        }),
      ),
    })
    .check(
      z.meta({
        id: 'ModelsStatus',
        description: 'Every loaded model variant with its statistics over the window.',
        examples: [
          {
            since: '2026-06-20T09:00:00.000Z',
            thresholds: { psiAbove: 0.2, agreementDropPoints: 5, minPredictions: 100, minRated: 50 },
            models: [
              {
                task: 'sentiment',
                variant: 'champion',
                modelVersion: 'sentiment@1.0.0',
                configuredShare: 1,
                trafficShare: 1,
                predictions: 240,
                labelDistribution: { negative: 0.2, neutral: 0.1, positive: 0.7 },
                meanConfidence: 0.88,
                labelPsi: 0.03,
                confidencePsi: 0.05,
                driftScore: 0.05,
                driftUnit: 'sentence',
                driftUnits: 2890,
                ratingAgreement: { rated: 180, rate: 0.91 },
                referenceAgreement: 0.9,
                alarms: { drift: 'OK', agreement: 'OK' },
                card: { task: 'sentiment', version: '1.0.0' },
              },
            ],
          },
        ],
      }),
    ),
);
