/**
 * `npm run retrain`: runs the ModelRetrain handler's code (functions/model-retrain/handler.ts)
 * against the tables and the model store named in the environment, as the weekly schedule does in
 * AWS. `npm run retrain -- --rollout` runs the ModelRollout handler instead (promote or roll back
 * a running canary). Against the local mode, take the environment `npm start` prints
 * (TABLE_REVIEWS, BUCKET_MODEL_STORE, AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3, ...);
 * WEDSYNC_MODEL_DIR defaults to the layer folder. Prints the outcome as JSON.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readProjectConfig } from '../lib/settings';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rollout: { type: 'boolean', default: false } } });
  process.env.WEDSYNC_MODEL_DIR ??= join(__dirname, '..', 'layers', 'models', 'nodejs', 'models');
  process.env.POWERTOOLS_DEV ??= 'true';
  // The rollout's audit entries expire as the deployed function's do (cdk.json, as `npm run cli`).
  process.env.AUDIT_RETENTION_DAYS ??= String(readProjectConfig().platformHealth.auditRetentionDays);
  // Imported after the environment is set: the wiring reads it on first use.
  const outcome = values.rollout
    ? await (await import('../functions/model-rollout/handler')).handleRollout()
    : await (await import('../functions/model-retrain/handler')).handleRetrain();
  process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`retrain: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
