/**
 * Alarms on model health, from the thresholds in src/models/inference/model-alarms.ts (which the ops
 * endpoint evaluates the same way): drift (PSI) per task and variant of the registry, sentiment
 * agreement with star ratings against the model card's reference, and reviews stored with
 * inference pending (a model failing to load, throwing or running over its budget).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { MODEL_ALARMS } from '#src/models/inference/model-alarms';
import { modelCard, referenceAgreement } from '#src/models/inference/model-cards';
import { parseRegistries } from '#src/models/ml';
import { DRIFT_METRICS } from '#src/models/adapters/drift-metrics';
import { BIAS_ALARM } from '#src/models/inference/bias-slices';
import { ROLLED_OUT_TASKS } from '#src/models/inference/active-models';
import { CANARY_VARIANT, CONTROL_VARIANT } from '#src/models/retraining/active-config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceAlarms } from './service-alarms';
import { serviceMetric } from './service-metric';

export interface ModelAlarmsProps {
  /** The models folder of the layer (registry.json, <task>/<version>/card.json). */
  readonly modelDir: string;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  readonly alarms: ServiceAlarms;
}

export class ModelAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ModelAlarmsProps) {
    super(scope, id);
    const metric = (metricName: string, dimensions: Record<string, string>, statistic: string) =>
      serviceMetric(props, metricName, { dimensions, statistic, period: Duration.minutes(15) });
    const add = (alarm: cloudwatch.Alarm) => this.alarms.push(alarm);

    const registries = parseRegistries(
      JSON.parse(readFileSync(join(props.modelDir, 'registry.json'), 'utf8')),
    );
    for (const registry of registries) {
      // A rolled-out task also has a canary variant while a retrained model is tried (ADR 0026):
      // its alarms exist from the start, held to the reference of the shipped control model.
      const control = registry.variants.find((v) => v.name === CONTROL_VARIANT);
      const canary =
        (ROLLED_OUT_TASKS as readonly string[]).includes(registry.task) && control
          ? [{ ...control, name: CANARY_VARIANT }]
          : [];
      for (const variant of [...registry.variants, ...canary]) {
        const dims = { task: registry.task, variant: variant.name };
        add(
          props.alarms.create(this, `Drift-${registry.task}-${variant.name}`, 'modelDrift', undefined, {
            name: `model-drift-${registry.task}-${variant.name}`,
            description: `PSI of ${registry.task}/${variant.name} predictions above ${MODEL_ALARMS.psiAbove} against the training reference.`,
            metric: metric(DRIFT_METRICS.psi, dims, 'Average'),
            threshold: MODEL_ALARMS.psiAbove,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 2,
          }),
        );
        const reference =
          registry.task === 'sentiment'
            ? referenceAgreement(modelCard('sentiment', variant.version, props.modelDir))
            : null;
        if (reference !== null) {
          add(
            props.alarms.create(this, `Agreement-${variant.name}`, 'modelAgreement', undefined, {
              name: `sentiment-agreement-${variant.name}`,
              description: `Sentiment/${variant.name} agrees with star ratings more than ${MODEL_ALARMS.agreementDropPoints} points below its reference (${(reference * 100).toFixed(1)}%).`,
              metric: metric(DRIFT_METRICS.agreement, dims, 'Average'),
              threshold: reference * 100 - MODEL_ALARMS.agreementDropPoints,
              comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
              evaluationPeriods: 2,
            }),
          );
        }
      }
    }
    // Bias slices (ADR 0026): the same rule as biasSlices (a slice with enough rated predictions
    // agreeing more than BIAS_ALARM.gapPoints below the rest), on the control's rolling window.
    add(
      props.alarms.create(this, 'BiasSlice-sentiment', 'modelBiasSlice', undefined, {
        name: 'model-bias-slice-sentiment',
        description: `A slice of sentiment predictions (platform, length, rating or supplier category) agrees with star ratings more than ${BIAS_ALARM.gapPoints} points below the rest.`,
        metric: metric(DRIFT_METRICS.sliceGap, { task: 'sentiment', variant: CONTROL_VARIANT }, 'Average'),
        threshold: BIAS_ALARM.gapPoints,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
      }),
    );
    add(
      props.alarms.create(this, 'InferencePending', 'inferencePending', undefined, {
        name: 'inference-pending',
        description:
          'Reviews are being stored with inference pending (models failing to load, throwing or over budget) for 45 minutes.',
        metric: metric('InferencePending', {}, 'Sum'),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
      }),
    );
  }
}
